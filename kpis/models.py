"""Trajectories (one participant referred to one contract) and their append-only progress events."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.models import Contract
from core.dates import UTCDateTime, now_utc
from core.extensions import db
from core.models import Municipality, User
from core.money import ScaledDecimal


class Trajectory(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The municipality's reference, e.g. TRJ-2026-00042; providers report against it.
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    referral_date: Mapped[date] = mapped_column(sa.Date)
    pip_date: Mapped[date | None] = mapped_column(sa.Date)
    #: Pseudonymous participant id shown to providers and on statements instead of any personal data.
    participant_pseudonym: Mapped[str] = mapped_column(sa.String(40), unique=True)
    participant_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: Fernet ciphertext of the BSN (core.personal_data); never the plain number.
    bsn_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    #: Keyed hash of the BSN for lookups (DUO notifications carry the BSN).
    bsn_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    contract: Mapped[Contract] = relationship()
    municipality: Mapped[Municipality] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return self.reference


class ProgressEvent(db.Model):
    """One fact about a trajectory (progress-events.md). Never updated or deleted: a retraction voids it."""

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(sa.ForeignKey("trajectory.id"))
    #: Whose event_id namespace this is: "provider:<id>", "user:<id>" for staff, or "duo".
    sender: Mapped[str] = mapped_column(sa.String(40))
    #: The sender's own reference and idempotency key.
    event_id: Mapped[str] = mapped_column(sa.String(64))
    type: Mapped[str] = mapped_column(sa.String(20))
    occurred_on: Mapped[date] = mapped_column("date", sa.Date)
    #: attendance: the first day of the month reported.
    month: Mapped[date | None] = mapped_column(sa.Date)
    hours_offered: Mapped[Decimal | None] = mapped_column("hours_offered_e2", ScaledDecimal(2))
    hours_attended: Mapped[Decimal | None] = mapped_column("hours_attended_e2", ScaledDecimal(2))
    hours_excused: Mapped[Decimal | None] = mapped_column("hours_excused_e2", ScaledDecimal(2))
    skill: Mapped[str | None] = mapped_column(sa.String(3))
    level: Mapped[str | None] = mapped_column(sa.String(2))
    component: Mapped[str | None] = mapped_column(sa.String(3))
    result: Mapped[str | None] = mapped_column(sa.String(10))
    module: Mapped[str | None] = mapped_column(sa.String(6))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    destination: Mapped[str | None] = mapped_column(sa.String(10))
    #: retraction: the event it voids (same sender).
    retracts_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_event.id"), unique=True)
    #: api, csv, manual or duo.
    source: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    trajectory: Mapped[Trajectory] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("sender", "event_id"),
        sa.Index("ix_progress_event_trajectory_type", "trajectory_id", "type"),
    )
