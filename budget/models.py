"""Budget lines per municipality, year and funding source (in versions), and which funding source pays a contract."""
import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.models import Contract
from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.models import Municipality, Service, User
from core.money import Money


class FundingSource(enum.StrEnum):
    """The money streams a municipality must keep apart."""

    GEMEENTEFONDS = "gemeentefonds"
    SPUK = "spuk"
    ONDERWIJSROUTE_TOESLAG = "onderwijsroute_toeslag"
    EIGEN_MIDDELEN = "eigen_middelen"


FUNDING_SOURCE_LABELS = {FundingSource.GEMEENTEFONDS: "Gemeentefonds", FundingSource.SPUK: "SPUK Wi2021",
                         FundingSource.ONDERWIJSROUTE_TOESLAG: "Toeslag onderwijsroute",
                         FundingSource.EIGEN_MIDDELEN: "Eigen middelen"}
#: The source that pays a service unless a contract says otherwise: the specific grant (SPUK Wi2021) pays the
#: voorzieningen (leerroutes, MAP/PVT/KNM, maatschappelijke begeleiding, ontzorgen); the gemeentefonds pays the
#: execution (intake, PIP), which is bought outside these contracts.
SERVICE_FUNDING = {"b1_route": FundingSource.SPUK, "onderwijsroute": FundingSource.SPUK,
                   "z_route": FundingSource.SPUK, "alfabetisering": FundingSource.SPUK, "knm": FundingSource.SPUK,
                   "map": FundingSource.SPUK, "pvt": FundingSource.SPUK,
                   "maatschappelijke_begeleiding": FundingSource.SPUK, "financieel_ontzorgen": FundingSource.SPUK,
                   "duaal_traject": FundingSource.SPUK}


def service_funding(service_code: str) -> FundingSource:
    return SERVICE_FUNDING.get(service_code, FundingSource.SPUK)


class BudgetVersion(enum.StrEnum):
    """The stages of a year's budget, in order; a later stage restates the lines it names."""

    PRIMITIEF = "primitief"
    VOORJAARSNOTA = "voorjaarsnota"
    NAJAARSNOTA = "najaarsnota"


VERSION_LABELS = {BudgetVersion.PRIMITIEF: "Primitieve begroting", BudgetVersion.VOORJAARSNOTA: "Voorjaarsnota",
                  BudgetVersion.NAJAARSNOTA: "Najaarsnota"}
VERSION_ORDER = {version: rank for rank, version in enumerate(BudgetVersion)}


class BudgetLine(db.Model):
    """The amount budgeted for one municipality, year and funding source (optionally one service) in one version.

    The line in force for a key (municipality, year, source, service) is the one of the latest version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"))
    year: Mapped[int] = mapped_column()
    funding_source: Mapped[FundingSource] = mapped_column(enum_type(FundingSource, 30))
    #: Empty: the line covers every service paid from this source.
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"))
    version: Mapped[BudgetVersion] = mapped_column(enum_type(BudgetVersion, 20))
    amount: Mapped[Decimal] = mapped_column("amount_cents", Money())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    municipality: Mapped[Municipality] = relationship()
    service: Mapped[Service | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    # One line per key and version; a NULL service would escape a plain unique key, hence the two partial ones.
    __table_args__ = (
        sa.Index("uq_budget_line_key", "municipality_id", "year", "funding_source", "service_id", "version",
                 unique=True, sqlite_where=sa.text("service_id IS NOT NULL"),
                 postgresql_where=sa.text("service_id IS NOT NULL")),
        sa.Index("uq_budget_line_key_all_services", "municipality_id", "year", "funding_source", "version",
                 unique=True, sqlite_where=sa.text("service_id IS NULL"),
                 postgresql_where=sa.text("service_id IS NULL")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
    )

    @property
    def funding_source_label(self) -> str:
        return FUNDING_SOURCE_LABELS[self.funding_source]

    @property
    def version_label(self) -> str:
        return VERSION_LABELS[self.version]


class ContractFunding(db.Model):
    """Which funding source pays a contract: for all its municipalities (no municipality) or for one of them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    funding_source: Mapped[FundingSource] = mapped_column(enum_type(FundingSource, 30))

    contract: Mapped[Contract] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    __table_args__ = (
        sa.Index("uq_contract_funding_municipality", "contract_id", "municipality_id", unique=True,
                 sqlite_where=sa.text("municipality_id IS NOT NULL"),
                 postgresql_where=sa.text("municipality_id IS NOT NULL")),
        sa.Index("uq_contract_funding_contract", "contract_id", unique=True,
                 sqlite_where=sa.text("municipality_id IS NULL"), postgresql_where=sa.text("municipality_id IS NULL")),
    )

    @property
    def funding_source_label(self) -> str:
        return FUNDING_SOURCE_LABELS[self.funding_source]
