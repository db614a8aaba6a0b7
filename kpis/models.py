"""Stored monthly indicator values (written by the nightly job, read by the dashboards) and red alerts."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.models import Contract
from core.dates import UTCDateTime, now_utc
from core.extensions import db
from core.models import Municipality, User
from core.money import ScaledDecimal
from providers.models import Provider

STATUS_LABELS = {"green": "groen", "red": "rood", "grey": "grijs"}


class MonthlyValue:
    """The columns every stored monthly value has; all rows of one job run share `computed_at`."""

    kpi: Mapped[str] = mapped_column(sa.String(30))
    #: The first day of the month.
    month: Mapped[date] = mapped_column(sa.Date)
    value: Mapped[Decimal | None] = mapped_column("value_e4", ScaledDecimal(4))
    numerator: Mapped[Decimal | None] = mapped_column("numerator_e4", ScaledDecimal(4))
    denominator: Mapped[Decimal] = mapped_column("denominator_e4", ScaledDecimal(4))
    status: Mapped[str] = mapped_column(sa.String(5))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class KpiValue(MonthlyValue, db.Model):
    """One agreed indicator of one contract for one calendar month, contract-wide or for one municipality."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    #: municipality_id or 0 for the whole contract: NULL would escape the unique constraint.
    scope_key: Mapped[int] = mapped_column()
    #: The agreement's norm and direction when the value was computed.
    norm: Mapped[Decimal] = mapped_column("norm_e4", ScaledDecimal(4))
    direction: Mapped[str] = mapped_column(sa.String(3))

    contract: Mapped[Contract] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("contract_id", "scope_key", "kpi", "month", name="uq_kpi_value_scope_month"),
        sa.Index("ix_kpi_value_contract_month", "contract_id", "month"),
    )


class KpiAggregateValue(MonthlyValue, db.Model):
    """One indicator (every one of kpis.md) for one calendar month over more than one contract: all of a
    provider's trajectories, a provider's trajectories in one municipality, or all of a municipality's."""

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    #: provider_id or 0 (every provider), municipality_id or 0 (every municipality): the unique key without NULLs.
    provider_key: Mapped[int] = mapped_column()
    scope_key: Mapped[int] = mapped_column()
    #: A provider's norm where all its agreements on the indicator agree; otherwise (and for municipalities) none.
    norm: Mapped[Decimal | None] = mapped_column("norm_e4", ScaledDecimal(4))
    direction: Mapped[str | None] = mapped_column(sa.String(3))

    provider: Mapped[Provider | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("provider_key", "scope_key", "month", "kpi", name="uq_kpi_aggregate_value_key"),
    )


class KpiAlert(db.Model):
    """An indicator that turned red in a month (it was green or grey the month before)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    scope_key: Mapped[int] = mapped_column()
    kpi: Mapped[str] = mapped_column(sa.String(30))
    month: Mapped[date] = mapped_column(sa.Date)
    value: Mapped[Decimal] = mapped_column("value_e4", ScaledDecimal(4))
    norm: Mapped[Decimal] = mapped_column("norm_e4", ScaledDecimal(4))
    direction: Mapped[str] = mapped_column(sa.String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    contract: Mapped[Contract] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    handled_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("contract_id", "scope_key", "kpi", "month", name="uq_kpi_alert_scope_month"),)

    @property
    def is_open(self) -> bool:
        return self.handled_at is None
