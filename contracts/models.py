"""Contracts with their payment schedule (milestones), KPI agreements and tariff changes, Open House
admissions, contract documents, and the alerts contract managers see on their start page."""
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.conflicts import on_conflict
from core.dates import UTCDateTime, now_utc
from core.documents import DocumentColumns
from core.extensions import db, enum_type
from core.models import Municipality, Service, User
from core.money import Money, ScaledDecimal
from core.terms import default_sources
from procurement.models import ProcurementCase, ProcurementRoute
from procurement.pve.models import PveVersion
from providers.models import Provider


class ContractStatus(enum.StrEnum):
    CONCEPT = "concept"
    ACTIVE = "active"
    ENDED = "ended"
    TERMINATED = "terminated"


CONTRACT_STATUS_LABELS = {ContractStatus.CONCEPT: "Concept", ContractStatus.ACTIVE: "Actief",
                          ContractStatus.ENDED: "Beëindigd", ContractStatus.TERMINATED: "Ontbonden"}
#: Allowed status changes; the service refuses any other.
CONTRACT_TRANSITIONS = {
    ContractStatus.CONCEPT: {ContractStatus.ACTIVE, ContractStatus.TERMINATED},
    ContractStatus.ACTIVE: {ContractStatus.ENDED, ContractStatus.TERMINATED},
    ContractStatus.ENDED: set(),
    ContractStatus.TERMINATED: set(),
}


class RunOff(enum.StrEnum):
    """What a trajectory that outlives its contract is paid (issue 19): on until it ends, or until a date."""

    UNTIL_TRAJECTORY_END = "tot_einde_traject"
    UNTIL_DATE = "tot_datum"


RUN_OFF_LABELS = {RunOff.UNTIL_TRAJECTORY_END: "Tot het einde van het traject",
                  RunOff.UNTIL_DATE: "Tot en met een datum"}


contract_municipality = sa.Table(
    "contract_municipality",
    db.metadata,
    sa.Column("contract_id", sa.ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True),
)


class Contract(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True,
                                           info=on_conflict("reference", "Er is al een contract met dit kenmerk."))
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
    #: Extension options: how many, of how many months each, and the last day to decide on the next one.
    extension_count: Mapped[int] = mapped_column(default=0)
    extension_months: Mapped[int | None] = mapped_column()
    option_deadline: Mapped[date | None] = mapped_column(sa.Date)
    #: Uitloop: milestones of a trajectory that outlives the contract are paid until the trajectory ends, or only
    #: when earned on or before run_off_until (never before ends_on).
    run_off: Mapped[RunOff] = mapped_column(enum_type(RunOff, 20), server_default=RunOff.UNTIL_TRAJECTORY_END.value)
    run_off_until: Mapped[date | None] = mapped_column(sa.Date)
    #: Effort (inspanning) milestones stop after a trajectory's inburgeringstermijn; when DUO extended it, they
    #: are paid until the extension's end only if this is set (issue 19).
    pays_effort_in_extension: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
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
    tariff_changes: Mapped[list["TariffChange"]] = relationship(
        back_populates="contract", order_by="TariffChange.effective_on", cascade="all, delete-orphan")
    #: The Open House admission this contract came from, if any.
    admission: Mapped["Admission | None"] = relationship(
        primaryjoin="Contract.id == foreign(Admission.contract_id)", viewonly=True, uselist=False)

    #: A payment line names (contract, provider) (core.references). The unique index makes the two a key: changing
    #: the provider then waits for the check of a line not yet committed, and that check for the change.
    __table_args__ = (sa.Index("uq_contract_provider", "id", "provider_id", unique=True),)

    def is_active_on(self, day: date) -> bool:
        """Start and end dates are both inclusive."""
        return self.starts_on <= day <= self.ends_on

    def is_in_force_on(self, day: date) -> bool:
        """Takes participants on `day`: within its term, and neither a concept nor dissolved."""
        return self.status in (ContractStatus.ACTIVE, ContractStatus.ENDED) and self.is_active_on(day)

    @property
    def pays_until(self) -> date | None:
        """The last day on which a milestone is still paid, or None: until the trajectory ends."""
        return self.run_off_until if self.run_off == RunOff.UNTIL_DATE else None

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
    #: Who may report what earns it (core.terms.SOURCES): the contract's evidence rule, by default the template's.
    sources: Mapped[list] = mapped_column(sa.JSON, default=lambda context: default_sources(
        context.get_current_parameters()["trigger"], context.get_current_parameters()["kind"]))

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


class TariffChange(db.Model):
    """An amendment of the tariff from `effective_on`: milestones earned before that day keep the old amounts
    (core.terms.amount_on says what a milestone pays on a day)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    effective_on: Mapped[date] = mapped_column(sa.Date)
    price_per_trajectory: Mapped[Decimal] = mapped_column("price_per_trajectory_cents", Money())
    #: New fixed amounts per milestone code, as strings ({"START": "600.00"}); percentages follow the price.
    amounts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    contract: Mapped[Contract] = relationship(back_populates="tariff_changes")
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("contract_id", "effective_on", info=on_conflict(
        "effective_on", "Op deze datum gaat al een tariefwijziging in.")),)


class OpenHouse(db.Model):
    """An Open House procedure for a procurement case: uniform terms that every admitted provider contracts on."""

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_case_id: Mapped[int] = mapped_column(sa.ForeignKey("procurement_case.id"), unique=True, info=on_conflict(
        "procurement_case", "Voor deze inkoopzaak bestaat al een Open House."))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    price_per_trajectory: Mapped[Decimal] = mapped_column("price_per_trajectory_cents", Money())
    #: The payment schedule and KPI agreements of the uniform terms (core.terms shapes, amounts as strings).
    milestones: Mapped[list] = mapped_column(sa.JSON, default=list)
    kpis: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The admission checklist: requirements every applicant must meet, fixed when the Open House is opened.
    requirements: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The adopted PvE version the uniform terms were taken from (none when they were all given by hand); every
    #: admitted provider's contract records it.
    pve_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pve_version.id"))
    #: Providers may apply while this is set (throughout the term).
    is_open: Mapped[bool] = mapped_column(default=True)
    #: The public announcement of the admission procedure (Falk Pharma, r.o. 44-46): admissions open only after it.
    announced_on: Mapped[date | None] = mapped_column(sa.Date)
    announcement_url: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    procurement_case: Mapped[ProcurementCase] = relationship()
    pve_version: Mapped[PveVersion | None] = relationship()
    applications: Mapped[list["Admission"]] = relationship(back_populates="open_house", order_by="Admission.id")
    list_versions: Mapped[list["ProviderListVersion"]] = relationship(
        back_populates="open_house", order_by="ProviderListVersion.number", cascade="all, delete-orphan")

    def is_announced_on(self, day: date) -> bool:
        return self.announced_on is not None and self.announced_on <= day

    def list_version(self, number: int | None) -> "ProviderListVersion | None":
        return next((v for v in self.list_versions if v.number == number), None)

    def __str__(self) -> str:
        return self.title


class ProviderListVersion(db.Model):
    """One dated version of an Open House's published list of admitted providers: a participant chooses from the
    version shown, and the referral records which. Every change of the list is a new version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    open_house_id: Mapped[int] = mapped_column(sa.ForeignKey("open_house.id"), index=True)
    number: Mapped[int] = mapped_column()
    published_on: Mapped[date] = mapped_column(sa.Date)
    #: The admitted providers as published: [{"provider_id", "name", "city"}].
    providers: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    open_house: Mapped[OpenHouse] = relationship(back_populates="list_versions")

    __table_args__ = (sa.UniqueConstraint("open_house_id", "number"),)

    def lists(self, provider_id: int) -> bool:
        return any(p["provider_id"] == provider_id for p in self.providers)


class AdmissionStatus(enum.StrEnum):
    APPLIED = "applied"
    ADMITTED = "admitted"
    REFUSED = "refused"
    SUSPENDED = "suspended"
    EXCLUDED = "excluded"


ADMISSION_LABELS = {AdmissionStatus.APPLIED: "Aangemeld", AdmissionStatus.ADMITTED: "Toegelaten",
                    AdmissionStatus.REFUSED: "Afgewezen", AdmissionStatus.SUSPENDED: "Geschorst",
                    AdmissionStatus.EXCLUDED: "Uitgesloten"}
ADMISSION_TRANSITIONS = {
    AdmissionStatus.APPLIED: {AdmissionStatus.ADMITTED, AdmissionStatus.REFUSED},
    AdmissionStatus.ADMITTED: {AdmissionStatus.SUSPENDED, AdmissionStatus.EXCLUDED},
    AdmissionStatus.SUSPENDED: {AdmissionStatus.ADMITTED, AdmissionStatus.EXCLUDED},
    AdmissionStatus.REFUSED: set(),
    AdmissionStatus.EXCLUDED: set(),
}


class Admission(db.Model):
    """A provider's application to an Open House and the decision on it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    open_house_id: Mapped[int] = mapped_column(sa.ForeignKey("open_house.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    status: Mapped[AdmissionStatus] = mapped_column(enum_type(AdmissionStatus, 20), default=AdmissionStatus.APPLIED)
    #: {requirement: true/false} as checked by the contract manager.
    checklist: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The motivation of the last decision (admission, refusal, suspension, exclusion).
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contract.id"))

    open_house: Mapped[OpenHouse] = relationship(back_populates="applications")
    provider: Mapped[Provider] = relationship()
    decided_by: Mapped[User | None] = relationship()
    contract: Mapped[Contract | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("open_house_id", "provider_id", info=on_conflict(
        "provider", "Deze aanbieder heeft zich al aangemeld.")),)


class AlertKind(enum.StrEnum):
    KEURMERK = "keurmerk"
    CONTRACT_END = "contract_end"
    OPTION_DEADLINE = "option_deadline"
    CEILING = "ceiling"


class Alert(db.Model):
    """A warning raised by the daily job; one per kind, object and due date (the `key` makes it unique)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    kind: Mapped[AlertKind] = mapped_column(enum_type(AlertKind, 20))
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    message: Mapped[str] = mapped_column(sa.String(300))
    raised_on: Mapped[date] = mapped_column(sa.Date)
    resolved_on: Mapped[date | None] = mapped_column(sa.Date)

    provider: Mapped[Provider | None] = relationship()
    contract: Mapped[Contract | None] = relationship()


class ContractDocumentKind(enum.StrEnum):
    SIGNED = "getekend"
    AMENDMENT = "wijziging"
    OTHER = "overig"


CONTRACT_DOCUMENT_LABELS = {ContractDocumentKind.SIGNED: "Getekend contract",
                            ContractDocumentKind.AMENDMENT: "Wijziging", ContractDocumentKind.OTHER: "Overig"}


class ContractDocument(DocumentColumns, db.Model):
    """A document of a contract, seen by whoever sees the contract (its provider included)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ContractDocumentKind] = mapped_column(enum_type(ContractDocumentKind, 20))
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contract_document.id", ondelete="SET NULL"))

    contract: Mapped[Contract] = relationship()
    superseded_by: Mapped["ContractDocument | None"] = relationship(remote_side=[id], back_populates="replaces")
    replaces: Mapped[list["ContractDocument"]] = relationship(back_populates="superseded_by")


class ContractLedger(db.Model):
    """What approved payment runs paid per contract (payments books it); the check constraint keeps concurrent
    approvals under the ceiling."""

    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), primary_key=True)
    paid_total: Mapped[Decimal] = mapped_column("paid_total_cents", Money(), default=Decimal("0.00"))
    #: The ceiling as it was at the last approval that raised the total; empty when none applied.
    ceiling: Mapped[Decimal | None] = mapped_column("ceiling_cents", Money())

    __table_args__ = (sa.CheckConstraint("ceiling_cents IS NULL OR paid_total_cents <= ceiling_cents",
                                         name="ceiling"),)
