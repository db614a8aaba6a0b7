"""Procurement cases: how one service is bought for a region or some municipalities.

A case holds the facts that decide which routes are allowed, the volumes that give the estimated value, the
weights of the criteria, the decisions taken on it and its purchase planning. Thresholds and route scores are
reference data with their own tables: they change every two years or by an admin, never in code.
"""
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.models import Municipality, Region, Service, User
from core.money import Money, ScaledDecimal


class ProcurementRoute(enum.StrEnum):
    INBESTEDEN = "inbesteden"
    QUASI_INBESTEDEN = "quasi_inbesteden"
    OPEN_HOUSE = "open_house"
    AANBESTEDING = "aanbesteding"
    SUBSIDIE = "subsidie"
    #: Horizontal public-public cooperation (Aanbestedingswet 2012 art. 2.24c).
    SAMENWERKING = "samenwerking"


ROUTE_LABELS = {
    ProcurementRoute.INBESTEDEN: "Inbesteden",
    ProcurementRoute.QUASI_INBESTEDEN: "Quasi-inbesteden",
    ProcurementRoute.OPEN_HOUSE: "Open House",
    ProcurementRoute.AANBESTEDING: "Aanbesteding",
    ProcurementRoute.SUBSIDIE: "Subsidie",
    ProcurementRoute.SAMENWERKING: "Horizontale samenwerking",
}


class Procedure(enum.StrEnum):
    """The tender procedure that follows from the estimated value."""

    EUROPEES_VERLICHT_REGIME = "europees_verlicht_regime"
    EUROPEES = "europees"
    NATIONAAL_OPENBAAR = "nationaal_openbaar"
    MEERVOUDIG_ONDERHANDS = "meervoudig_onderhands"
    ENKELVOUDIG_ONDERHANDS = "enkelvoudig_onderhands"


PROCEDURE_LABELS = {
    Procedure.EUROPEES_VERLICHT_REGIME: "Europese procedure onder het verlicht regime",
    Procedure.EUROPEES: "Europese openbare of niet-openbare procedure",
    Procedure.NATIONAAL_OPENBAAR: "Nationale openbare procedure",
    Procedure.MEERVOUDIG_ONDERHANDS: "Meervoudig onderhandse procedure",
    Procedure.ENKELVOUDIG_ONDERHANDS: "Enkelvoudig onderhandse procedure",
}


class ThresholdKind(enum.StrEnum):
    SOCIAL_SERVICES = "social_services"
    OTHER_SERVICES = "other_services"


procurement_case_municipality = sa.Table(
    "procurement_case_municipality",
    db.metadata,
    sa.Column("procurement_case_id", sa.ForeignKey("procurement_case.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True),
)


class ProcurementCase(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"))
    #: Set when the case is regional; the municipalities are then (some of) the region's.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Expected participants per year over all participating municipalities.
    expected_participants_per_year: Mapped[int] = mapped_column(default=0)
    #: Optional split of the participants per municipality: {code: participants per year}.
    participants_by_municipality: Mapped[dict | None] = mapped_column(sa.JSON)
    price_per_trajectory: Mapped[Decimal] = mapped_column("price_per_trajectory_cents", Money(),
                                                          default=Decimal("0.00"))
    term_years: Mapped[int] = mapped_column(default=1)
    #: Every extension option together, in years; they count in the estimated value.
    extension_years: Mapped[int] = mapped_column(default=0)
    #: The facts that decide the blockers, keyed as in the API (own_capacity, controlled_entity, ...).
    facts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Weight per criterion code; criteria without a weight count as 1.
    weights: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The day delivery starts; purchasing must be finished a full quarter before.
    delivery_starts_on: Mapped[date | None] = mapped_column(sa.Date)
    #: The planned announcement: the day the procedure starts, whose EU threshold applies (not the assessment's day).
    announcement_planned_on: Mapped[date | None] = mapped_column(sa.Date)

    service: Mapped[Service] = relationship()
    region: Mapped[Region | None] = relationship()
    municipalities: Mapped[list[Municipality]] = relationship(secondary=procurement_case_municipality,
                                                              order_by=Municipality.code)
    created_by: Mapped[User | None] = relationship()
    decisions: Mapped[list["ProcurementDecision"]] = relationship(
        back_populates="case", order_by="ProcurementDecision.id", cascade="all, delete-orphan")
    milestones: Mapped[list["PlanningMilestone"]] = relationship(
        back_populates="case", order_by="(PlanningMilestone.due_on, PlanningMilestone.position)",
        cascade="all, delete-orphan")

    @property
    def total_years(self) -> int:
        return self.term_years + self.extension_years

    @property
    def decision_in_force(self) -> "ProcurementDecision | None":
        approved = [d for d in self.decisions if d.is_approved and d.superseded_at is None]
        return approved[-1] if approved else None

    @property
    def pending_decision(self) -> "ProcurementDecision | None":
        pending = [d for d in self.decisions if not d.is_approved and d.superseded_at is None]
        return pending[-1] if pending else None

    @property
    def is_local(self) -> bool:
        return self.region_id is None

    def __str__(self) -> str:
        return self.title or f"{self.service} ({', '.join(m.name for m in self.municipalities)})"


class ProcurementDecision(db.Model):
    """The chosen route with its motivation; in force once approved by a second person, until superseded."""

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("procurement_case.id", ondelete="CASCADE"), index=True)
    route: Mapped[ProcurementRoute] = mapped_column(enum_type(ProcurementRoute, 20))
    motivation: Mapped[str] = mapped_column(sa.Text)
    #: The tender procedure at the time of the decision (only for aanbesteding).
    procedure: Mapped[Procedure | None] = mapped_column(enum_type(Procedure, 30))
    estimated_value: Mapped[Decimal] = mapped_column("estimated_value_cents", Money())
    #: The assessment as it stood when the decision was taken (the memo shows this one).
    assessment: Mapped[list] = mapped_column(sa.JSON)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procurement_decision.id"))

    case: Mapped[ProcurementCase] = relationship(back_populates="decisions")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def status(self) -> str:
        if self.superseded_at is not None:
            return "superseded"
        return "approved" if self.is_approved else "pending"


class PlanningMilestone(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("procurement_case.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    #: Template code, e.g. publication, award, standstill_end, signature.
    code: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(120))
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    #: 'upcoming' or 'overdue' as the daily planning job last saw it; empty otherwise.
    alert: Mapped[str | None] = mapped_column(sa.String(10))

    case: Mapped[ProcurementCase] = relationship(back_populates="milestones")


class Threshold(db.Model):
    """An EU procurement threshold with its validity period and its published source."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ThresholdKind] = mapped_column(enum_type(ThresholdKind, 20))
    amount: Mapped[Decimal] = mapped_column("amount_cents", Money())
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(300))

    __table_args__ = (sa.UniqueConstraint("kind", "valid_from"),)


class RouteScore(db.Model):
    """How well a route does on one criterion (0-5); an admin keeps this table."""

    id: Mapped[int] = mapped_column(primary_key=True)
    route: Mapped[ProcurementRoute] = mapped_column(enum_type(ProcurementRoute, 20))
    criterion: Mapped[str] = mapped_column(sa.String(40))
    score: Mapped[Decimal] = mapped_column(ScaledDecimal(1))
    explanation: Mapped[str] = mapped_column(sa.String(300), default="")

    __table_args__ = (sa.UniqueConstraint("route", "criterion"),)
