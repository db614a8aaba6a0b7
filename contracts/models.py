"""Contracts with their payment schedule (milestones) and KPI agreements."""
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.models import Municipality, Service
from core.money import Money, ScaledDecimal
from procurement.models import ProcurementCase, ProcurementRoute
from procurement.pve.models import PveVersion
from providers.models import Provider


class ContractStatus(enum.StrEnum):
    CONCEPT = "concept"
    ACTIVE = "active"
    ENDED = "ended"
    TERMINATED = "terminated"


contract_municipality = sa.Table(
    "contract_municipality",
    db.metadata,
    sa.Column("contract_id", sa.ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True),
)


class Contract(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"))
    procurement_route: Mapped[ProcurementRoute] = mapped_column(
        enum_type(ProcurementRoute, 20))
    procurement_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procurement_case.id"))
    #: The adopted PvE version this contract was made from (its milestones and KPI norms prefill the contract).
    pve_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pve_version.id"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    price_per_trajectory: Mapped[Decimal] = mapped_column("price_per_trajectory_cents", Money())
    #: Plafond: the most this contract may ever pay; empty means no ceiling.
    ceiling: Mapped[Decimal | None] = mapped_column("ceiling_cents", Money())
    status: Mapped[ContractStatus] = mapped_column(enum_type(ContractStatus, 20),
                                                   default=ContractStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    provider: Mapped[Provider] = relationship()
    service: Mapped[Service] = relationship()
    procurement_case: Mapped[ProcurementCase | None] = relationship()
    pve_version: Mapped[PveVersion | None] = relationship()
    municipalities: Mapped[list[Municipality]] = relationship(secondary=contract_municipality,
                                                              order_by=Municipality.code)
    milestones: Mapped[list["Milestone"]] = relationship(back_populates="contract", order_by="Milestone.position",
                                                         cascade="all, delete-orphan")
    kpi_agreements: Mapped[list["KpiAgreement"]] = relationship(back_populates="contract",
                                                                cascade="all, delete-orphan")

    def is_active_on(self, day: date) -> bool:
        """Start and end dates are both inclusive."""
        return self.starts_on <= day <= self.ends_on

    def __str__(self) -> str:
        return self.reference


class Milestone(db.Model):
    """One line of the payment schedule (payments.md); exactly one of amount and percentage is set."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    #: Order in the schedule; the ceiling takes lines in this order after date and trajectory.
    position: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    trigger: Mapped[str] = mapped_column(sa.String(30))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    amount: Mapped[Decimal | None] = mapped_column("amount_cents", Money())
    #: Percentage of the price per trajectory, four decimals.
    percentage: Mapped[Decimal | None] = mapped_column("percentage_e4", ScaledDecimal(4))

    contract: Mapped[Contract] = relationship(back_populates="milestones")

    __table_args__ = (sa.UniqueConstraint("contract_id", "code"),)


class KpiAgreement(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    kpi: Mapped[str] = mapped_column(sa.String(30))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    norm: Mapped[Decimal] = mapped_column("norm_e4", ScaledDecimal(4))
    direction: Mapped[str] = mapped_column(sa.String(3))

    contract: Mapped[Contract] = relationship(back_populates="kpi_agreements")

    __table_args__ = (sa.UniqueConstraint("contract_id", "kpi"),)
