"""Payment runs and their lines (payments.md), the paid-instance and contract ledgers that guard them, and the
finance settings (paying organisation, ledger accounts)."""
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from contracts.models import Contract
from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.leases import LeaseColumns
from core.models import Municipality, Region, Service, User
from core.files import StoredFileColumns
from core.money import Money, ScaledDecimal
from core.references import Reference, check_per_statement
from trajectories.models import Trajectory
from providers.models import Provider


class RunStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    CANCELLED = "cancelled"


RUN_STATUS_LABELS = {RunStatus.DRAFT: "Concept", RunStatus.APPROVED: "Goedgekeurd",
                     RunStatus.CANCELLED: "Geannuleerd"}
RUN_TRANSITIONS = {RunStatus.DRAFT: {RunStatus.APPROVED, RunStatus.CANCELLED}, RunStatus.APPROVED: set(),
                   RunStatus.CANCELLED: set()}


class Calculation(enum.StrEnum):
    """Where a draft's lines stand: being calculated in the background, failed (no lines; recalculate), or done."""

    CALCULATING = "calculating"
    FAILED = "failed"
    DONE = "done"


class LineStatus(enum.StrEnum):
    NEW = "new"
    CORRECTION = "correction"
    HELD = "held"


LINE_STATUS_LABELS = {LineStatus.NEW: "Nieuw", LineStatus.CORRECTION: "Correctie", LineStatus.HELD: "Aangehouden"}
HELD_AT_CEILING = "plafond bereikt"
#: A held line whose milestone only a claim earns: the contract's evidence rules want staff to verify it first.
AWAITING_VERIFICATION = "wacht op verificatie"

payment_run_municipality = sa.Table(
    "payment_run_municipality",
    db.metadata,
    sa.Column("run_id", sa.ForeignKey("payment_run.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True),
)


class PaymentRun(LeaseColumns, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: YYYY-MM; the cut-off is the last day of this month.
    period: Mapped[str] = mapped_column(sa.String(7), index=True)
    #: The scope: a region or one municipality (exactly one is set).
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus, 10), default=RunStatus.DRAFT)
    total: Mapped[Decimal] = mapped_column("total_cents", Money(), default=Decimal("0.00"))
    held_total: Mapped[Decimal] = mapped_column("held_total_cents", Money(), default=Decimal("0.00"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Empty for runs the monthly job made; any finance user may approve those.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    calculated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A run made in the UI is calculated in the background; only a DONE calculation can be approved.
    calculation: Mapped[Calculation] = mapped_column(enum_type(Calculation, 12), default=Calculation.DONE,
                                                     server_default=Calculation.DONE.value)
    #: Trajectories of the scope, and how many the running calculation has handled (the progress bar).
    to_process: Mapped[int] = mapped_column(default=0, server_default="0")
    processed: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Why the last calculation failed (Dutch, for the user); empty otherwise.
    calculation_error: Mapped[str | None] = mapped_column(sa.String(300))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    #: The debtor (paying organisation) the run was approved with; its SEPA file pays from this and nothing else.
    debtor_name: Mapped[str | None] = mapped_column(sa.String(70))
    debtor_iban: Mapped[str | None] = mapped_column(sa.String(34))
    debtor_bic: Mapped[str | None] = mapped_column(sa.String(11))

    region: Mapped[Region | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    #: Every municipality the run covers, fixed when it is made; overlap checks use it.
    municipalities: Mapped[list[Municipality]] = relationship(secondary=payment_run_municipality,
                                                              order_by=Municipality.code)
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __table_args__ = (sa.CheckConstraint("(region_id IS NULL) <> (municipality_id IS NULL)",
                                         name="one_scope"),)

    @property
    def scope_label(self) -> str:
        return f"regio {self.region}" if self.region is not None else f"gemeente {self.municipality}"

    @property
    def status_label(self) -> str:
        return RUN_STATUS_LABELS[self.status]

    @property
    def percent(self) -> int:
        return 100 if not self.to_process else min(100, self.processed * 100 // self.to_process)

    def __str__(self) -> str:
        return f"Betaalrun {self.id} ({self.period}, {self.scope_label})"


class PaymentLine(db.Model):
    """One line of a run; milestone code, label and kind are copied so that a statement never changes."""

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    #: run, trajectory, contract, provider and municipality are foreign keys checked per statement (below); the
    #: last four are copied from the trajectory, and the keys check that the copies agree with it.
    run_id: Mapped[int] = mapped_column()
    trajectory_id: Mapped[int] = mapped_column()
    contract_id: Mapped[int] = mapped_column()
    provider_id: Mapped[int] = mapped_column()
    municipality_id: Mapped[int] = mapped_column()
    milestone_code: Mapped[str] = mapped_column(sa.String(20))
    milestone_label: Mapped[str] = mapped_column(sa.String(200))
    milestone_kind: Mapped[str] = mapped_column(sa.String(20))
    milestone_position: Mapped[int] = mapped_column()
    #: attendance_month: the first day of the month earned; empty for every other trigger.
    month: Mapped[date | None] = mapped_column(sa.Date)
    trigger_date: Mapped[date | None] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Money())
    status: Mapped[LineStatus] = mapped_column(enum_type(LineStatus, 12))
    #: Why a line is held or a correction (HELD_AT_CEILING, AWAITING_VERIFICATION, "ingetrokken", a verification's
    #: reason); the journal shows it.
    reason: Mapped[str | None] = mapped_column(sa.String(300))

    # Read only: lines are written in bulk (payments.services), never through these.
    run: Mapped[PaymentRun] = relationship(primaryjoin=lambda: foreign(PaymentLine.run_id) == PaymentRun.id,
                                           viewonly=True)
    # Joined on the id alone (not on the composite keys), so that an object already loaded is found without a query.
    trajectory: Mapped[Trajectory] = relationship(
        primaryjoin=lambda: foreign(PaymentLine.trajectory_id) == Trajectory.id, viewonly=True)
    contract: Mapped[Contract] = relationship(primaryjoin=lambda: foreign(PaymentLine.contract_id) == Contract.id,
                                              viewonly=True)
    provider: Mapped[Provider] = relationship(primaryjoin=lambda: foreign(PaymentLine.provider_id) == Provider.id,
                                              viewonly=True)
    municipality: Mapped[Municipality] = relationship(
        primaryjoin=lambda: foreign(PaymentLine.municipality_id) == Municipality.id, viewonly=True)

    #: The one index: lines are read per run, or per run and provider. Each further index cost a national run's
    #: COPY 1.3 s. Only the guards of core.references look lines up by trajectory or contract, when one is deleted
    #: or rekeyed, which the app never does; they then scan the table.
    __table_args__ = (sa.Index("ix_payment_line_run_provider", "run_id", "provider_id"),)

    @property
    def status_label(self) -> str:
        return LINE_STATUS_LABELS[self.status]


# A national run stores 1.5 million lines: their keys are checked per statement.
check_per_statement(
    db.metadata,
    Reference("fk_payment_line_run_id_payment_run", "payment_line", ("run_id",), "payment_run"),
    Reference("fk_payment_line_trajectory_id_trajectory", "payment_line",
              ("trajectory_id", "contract_id", "municipality_id"), "trajectory", ("id", "contract_id", "municipality_id")),
    Reference("fk_payment_line_contract_id_contract", "payment_line", ("contract_id", "provider_id"), "contract",
              ("id", "provider_id")),
)


class PaidInstance(db.Model):
    """A milestone instance that approved runs paid (their lines add up to more than zero).

    Approval inserts a row per new line and deletes it per clawback: the unique key is what makes paying one
    instance twice impossible, also when two runs are approved at the same moment.
    """

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(sa.ForeignKey("trajectory.id"))
    milestone_code: Mapped[str] = mapped_column(sa.String(20))
    #: YYYY-MM for attendance_month, '-' for the other triggers (a NULL would escape the unique key).
    month_key: Mapped[str] = mapped_column(sa.String(7))
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Money())
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_line.id"))

    __table_args__ = (sa.UniqueConstraint("trajectory_id", "milestone_code", "month_key",
                                          name="uq_paid_instance_key"),)


class PayingOrganisation(db.Model):
    """Who pays (the debtor of the SEPA file): set per region or per municipality."""

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), unique=True)
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(70))
    iban: Mapped[str] = mapped_column(sa.String(34))
    bic: Mapped[str | None] = mapped_column(sa.String(11))

    region: Mapped[Region | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    __table_args__ = (sa.CheckConstraint("(region_id IS NULL) <> (municipality_id IS NULL)",
                                         name="one_scope"),)


class RunCreditor(db.Model):
    """A provider of an approved run as it was paid: name, IBAN and BIC pinned at approval (its SEPA file)."""

    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_run.id", ondelete="CASCADE"), primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    iban: Mapped[str] = mapped_column(sa.String(34))
    bic: Mapped[str | None] = mapped_column(sa.String(11))


class LedgerAccount(db.Model):
    """The general-ledger account a line is booked on, per region, service and milestone kind."""

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"))
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    account: Mapped[str] = mapped_column(sa.String(20))

    region: Mapped[Region] = relationship()
    service: Mapped[Service] = relationship()

    __table_args__ = (sa.UniqueConstraint("region_id", "service_id", "kind",
                                          name="uq_ledger_account_region_service_kind"),)


class ClaimStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


CLAIM_STATUS_LABELS = {ClaimStatus.OPEN: "Te verifiëren", ClaimStatus.ACCEPTED: "Geaccepteerd",
                       ClaimStatus.REJECTED: "Afgewezen"}


class EvidenceClaim(db.Model):
    """A milestone instance that only evidence its contract's rules do not trust (a provider's exam report, say)
    earns: found by a run, verified by municipal staff. Accepted, it is earned; rejected, it is not, and a payment
    made for it is clawed back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(sa.ForeignKey("trajectory.id"), index=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    milestone_code: Mapped[str] = mapped_column(sa.String(20))
    milestone_label: Mapped[str] = mapped_column(sa.String(200))
    #: attendance_month: the first day of the month; the key as in paid_instance ('-' for the other triggers).
    month: Mapped[date | None] = mapped_column(sa.Date)
    month_key: Mapped[str] = mapped_column(sa.String(7))
    trigger_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ClaimStatus] = mapped_column(enum_type(ClaimStatus, 10), default=ClaimStatus.OPEN)
    found_in_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_run.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Staff's note on an acceptance; the reason of a rejection, which the provider sees.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    trajectory: Mapped[Trajectory] = relationship()
    contract: Mapped[Contract] = relationship()
    provider: Mapped[Provider] = relationship()
    municipality: Mapped[Municipality] = relationship()
    decided_by: Mapped[User | None] = relationship()
    attachment: Mapped["ClaimAttachment | None"] = relationship(back_populates="claim", uselist=False)

    __table_args__ = (sa.UniqueConstraint("trajectory_id", "milestone_code", "month_key",
                                          name="uq_evidence_claim_key"),)

    @property
    def status_label(self) -> str:
        return CLAIM_STATUS_LABELS[self.status]


class ClaimAttachment(StoredFileColumns, db.Model):
    """The evidence staff attached when they accepted a claim (PDF, DOCX, XLSX, ODT; core.files)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_claim.id"), unique=True)

    claim: Mapped[EvidenceClaim] = relationship(back_populates="attachment")


class SampleStatus(enum.StrEnum):
    OPEN = "open"
    JUSTIFIED = "justified"
    UNJUSTIFIED = "unjustified"


SAMPLE_STATUS_LABELS = {SampleStatus.OPEN: "Te controleren", SampleStatus.JUSTIFIED: "Terecht betaald",
                        SampleStatus.UNJUSTIFIED: "Onterecht betaald"}


class SampledLine(db.Model):
    """A result (prestatie) line of an approved run drawn for checking after payment; found unjustified, the next run
    claws it back with the reason, and the instance is not earned again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_run.id"), index=True)
    line_id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), unique=True)
    trajectory_id: Mapped[int] = mapped_column(sa.ForeignKey("trajectory.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    milestone_code: Mapped[str] = mapped_column(sa.String(20))
    month_key: Mapped[str] = mapped_column(sa.String(7))
    status: Mapped[SampleStatus] = mapped_column(enum_type(SampleStatus, 12), default=SampleStatus.OPEN)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    run: Mapped[PaymentRun] = relationship()
    line: Mapped[PaymentLine] = relationship(primaryjoin=lambda: foreign(SampledLine.line_id) == PaymentLine.id,
                                             viewonly=True)
    checked_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return SAMPLE_STATUS_LABELS[self.status]


class SamplingRule(db.Model):
    """How many result lines of each approved run of a region are checked: `percentage` of them, at least
    `minimum` (all when there are fewer)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), unique=True)
    percentage: Mapped[Decimal] = mapped_column("percentage_e2", ScaledDecimal(2))
    minimum: Mapped[int] = mapped_column()

    region: Mapped[Region] = relationship()
