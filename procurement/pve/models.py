"""Programma van Eisen: a document per procurement case, saved as versions."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dates import UTCDateTime, now_utc
from core.extensions import db
from core.models import User
from procurement.models import ProcurementCase


class Pve(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_case_id: Mapped[int] = mapped_column(sa.ForeignKey("procurement_case.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    procurement_case: Mapped[ProcurementCase] = relationship()
    versions: Mapped[list["PveVersion"]] = relationship(back_populates="pve", order_by="PveVersion.number")


class PveVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    pve_id: Mapped[int] = mapped_column(sa.ForeignKey("pve.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(20), default="concept")
    #: The prestatie-indicatoren section: KPI agreements as core.terms.validate_kpi_agreements returns them.
    kpis: Mapped[list | None] = mapped_column(sa.JSON)
    #: The financiering section: {"price_per_trajectory", "ceiling", "milestones"} (core.terms rules).
    financing: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adopted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    pve: Mapped[Pve] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    adopted_by: Mapped[User | None] = relationship(foreign_keys=[adopted_by_id])

    __table_args__ = (sa.UniqueConstraint("pve_id", "number"),)
