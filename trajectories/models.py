"""Trajectories (one participant referred to one contract) and their append-only progress events."""
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from contracts.models import Contract, ProviderListVersion
from core.conflicts import on_conflict
from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.leases import LeaseColumns
from core.models import Municipality, User
from core.money import ScaledDecimal
from core.references import Reference, check_per_statement
from trajectories.events import SWITCH_REASON


class TrajectoryStatus(enum.StrEnum):
    REFERRED = "aangemeld"
    ACTIVE = "actief"
    INTERRUPTED = "onderbroken"
    DROPPED_OUT = "uitgevallen"
    #: Closed for a route switch (dropout with reason schakelen): no uitval, the participant goes on elsewhere.
    SWITCHED = "geschakeld"
    COMPLETED = "afgerond"


#: The event types that move a trajectory's status; the others leave it as it is.
STATUS_AFTER = {"start": TrajectoryStatus.ACTIVE, "interruption": TrajectoryStatus.INTERRUPTED,
                "resumption": TrajectoryStatus.ACTIVE, "dropout": TrajectoryStatus.DROPPED_OUT,
                "completed": TrajectoryStatus.COMPLETED}


def derive_status(events) -> TrajectoryStatus:
    """The status after the non-voided events, taken by date (then arrival)."""
    voided = {e.retracts_id for e in events if e.retracts_id is not None}
    status = TrajectoryStatus.REFERRED
    for event in sorted(events, key=lambda e: (e.occurred_on, e.id or 0)):
        if event.id not in voided and event.type in STATUS_AFTER:
            status = TrajectoryStatus.SWITCHED if event.reason == SWITCH_REASON else STATUS_AFTER[event.type]
    return status


class Trajectory(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The municipality's reference, e.g. TRJ-2026-00042; providers report against it.
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True,
                                           info=on_conflict("reference", "Deze trajectreferentie bestaat al."))
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    referral_date: Mapped[date] = mapped_column(sa.Date)
    pip_date: Mapped[date | None] = mapped_column(sa.Date)
    #: DUO's kennisgeving of the inburgeringsplicht (SS139: the ten weeks to set the leerroute in a PIP start).
    kennisgeving_on: Mapped[date | None] = mapped_column(sa.Date)
    #: The last day of the inburgeringstermijn, and of its extension when DUO extended it (SS103/SS104): from DUO
    #: or entered by staff. Effort milestones stop after it (payments.md; Contract.pays_effort_in_extension).
    term_ends_on: Mapped[date | None] = mapped_column(sa.Date)
    term_extended_until: Mapped[date | None] = mapped_column(sa.Date)
    #: DUO's PIP flag alfabetiseringsonderwijs within the leerroute: A (analfabeet), AA (anders-gealfabetiseerd);
    #: empty for NVT.
    alfabetisering: Mapped[str | None] = mapped_column(sa.String(2))
    #: The leerroute is combined with work (duaal traject).
    is_duaal: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Open House: the participant chose this provider from the version of the published list shown to them (a
    #: municipality choosing for the participant would turn Open House into a public contract).
    chosen_by_participant: Mapped[bool | None] = mapped_column()
    provider_list_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider_list_version.id"))
    #: A route switch (schakelen): the trajectory this one continues, closed with reason "schakelen" on the
    #: referral date of this one.
    switched_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("trajectory.id"))
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
    provider_list_version: Mapped[ProviderListVersion | None] = relationship()
    switched_from: Mapped["Trajectory | None"] = relationship(remote_side=lambda: Trajectory.id,
                                                             back_populates="switched_to")
    switched_to: Mapped["Trajectory | None"] = relationship(back_populates="switched_from", uselist=False)
    events: Mapped[list["ProgressEvent"]] = relationship(
        primaryjoin=lambda: Trajectory.id == foreign(ProgressEvent.trajectory_id), back_populates="trajectory",
        order_by=lambda: [ProgressEvent.occurred_on, ProgressEvent.id], viewonly=True)

    #: A payment line names (trajectory, contract, municipality) (core.references). The unique index makes the three
    #: a key: changing one then waits for the check of a line not yet committed, and that check for the change.
    __table_args__ = (
        sa.Index("uq_trajectory_contract_municipality", "id", "contract_id", "municipality_id", unique=True),
        sa.Index("uq_trajectory_switched_from_id", "switched_from_id", unique=True),)

    @property
    def status(self) -> TrajectoryStatus:
        return derive_status(self.events)

    def __str__(self) -> str:
        return self.reference


class ProgressEvent(db.Model):
    """One fact about a trajectory (progress-events.md). Never updated or deleted: a retraction voids it."""

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    #: trajectory_id and created_by_id are foreign keys checked per statement (below).
    trajectory_id: Mapped[int] = mapped_column()
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
    #: attendance: the bucket DUO counts the hours in (core.terms.HOURS_BUCKETS); empty for the other types.
    bucket: Mapped[str | None] = mapped_column(sa.String(12))
    skill: Mapped[str | None] = mapped_column(sa.String(3))
    level: Mapped[str | None] = mapped_column(sa.String(2))
    component: Mapped[str | None] = mapped_column(sa.String(3))
    result: Mapped[str | None] = mapped_column(sa.String(10))
    module: Mapped[str | None] = mapped_column(sa.String(6))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    destination: Mapped[str | None] = mapped_column(sa.String(10))
    #: afschaling: the version of the PIP the lowered level follows from.
    pip_version: Mapped[str | None] = mapped_column(sa.String(20))
    #: retraction: the event it voids (same sender).
    retracts_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_event.id"), unique=True)
    #: api, csv, manual or duo.
    source: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column()

    trajectory: Mapped[Trajectory] = relationship(
        primaryjoin=lambda: foreign(ProgressEvent.trajectory_id) == Trajectory.id, back_populates="events")
    created_by: Mapped[User | None] = relationship(primaryjoin=lambda: foreign(ProgressEvent.created_by_id) == User.id)

    __table_args__ = (
        sa.UniqueConstraint("sender", "event_id"),
        sa.Index("ix_progress_event_trajectory_type", "trajectory_id", "type"),
    )


# An uploaded file stores a million events in one statement: their keys are checked per statement.
check_per_statement(
    db.metadata,
    Reference("fk_progress_event_trajectory_id_trajectory", "progress_event", ("trajectory_id",), "trajectory"),
    Reference("fk_progress_event_created_by_id_user", "progress_event", ("created_by_id",), "user"),
)


class ImportStatus(enum.StrEnum):
    VALIDATING = "validating"
    INVALID = "invalid"
    READY = "ready"
    IMPORTING = "importing"
    DONE = "done"
    #: The work broke off (a worker lost too often, or an unexpected error): retry or discard it.
    FAILED = "failed"
    DISCARDED = "discarded"


class ProgressImport(LeaseColumns, db.Model):
    """A CSV file uploaded in the UI (validated by a worker, previewed, then imported on confirmation) or a large
    one sent to the API (imported by a worker at once)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(sa.String(40))
    #: Its key in the file storage (core/storage.py), generated; the user's file name is only shown.
    stored_name: Mapped[str] = mapped_column(sa.String(64))
    original_name: Mapped[str] = mapped_column(sa.String(200), default="")
    size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    status: Mapped[ImportStatus] = mapped_column(enum_type(ImportStatus, 12), default=ImportStatus.VALIDATING)
    rows: Mapped[int] = mapped_column(default=0)
    #: Rows handled so far by the running pass, for the progress bar.
    processed: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    #: The first errors found ({"line", "field", "message"}), and the first rows for the preview.
    errors: Mapped[list] = mapped_column(sa.JSON, default=list)
    error_count: Mapped[int] = mapped_column(default=0)
    preview: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Confirmed for import (in the UI, or an API upload that is no dry run): a retry imports rather than checks.
    confirmed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Why the work failed (Dutch, for the user) when the status is FAILED.
    failure: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))

    created_by: Mapped[User] = relationship()

    @property
    def percent(self) -> int:
        return 100 if not self.rows else min(100, self.processed * 100 // self.rows)
