"""The council report's narrative sections (written, approved by a second person, versions kept) and each
municipality's indicator codes for its grant annex."""
import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.models import Municipality, Region, User


class GrantMeasure(enum.StrEnum):
    """The figures of the grant annex that a municipality gives its own indicator code."""

    SPENT = "besteding"
    CORRECTIONS = "correcties_voorgaande_jaren"


MEASURE_LABELS = {GrantMeasure.SPENT: "Besteding (lasten) van het jaar",
                  GrantMeasure.CORRECTIONS: "Correcties op voorgaande jaren"}


class GrantIndicatorCode(db.Model):
    """The municipality's own code for one figure of the grant annex (for instance its SiSa indicator)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    measure: Mapped[GrantMeasure] = mapped_column(enum_type(GrantMeasure, 40))
    code: Mapped[str] = mapped_column(sa.String(40))

    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (sa.UniqueConstraint("municipality_id", "measure", name="uq_grant_indicator_code_measure"),)


class NarrativeStatus(enum.StrEnum):
    CONCEPT = "concept"
    APPROVED = "vastgesteld"


NARRATIVE_STATUS_LABELS = {NarrativeStatus.CONCEPT: "Concept", NarrativeStatus.APPROVED: "Vastgesteld"}
#: The narrative sections of a council report, in order, with their Dutch headings.
SECTIONS = {"toelichting": "Toelichting", "risicos": "Risico's", "vooruitblik": "Vooruitblik"}


class CouncilReport(db.Model):
    """The council report of one municipality or region over one period; its narrative lives in versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The scope: a region or one municipality (exactly one is set).
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    region: Mapped[Region | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    versions: Mapped[list["NarrativeVersion"]] = relationship(back_populates="report",
                                                              order_by="NarrativeVersion.number")

    __table_args__ = (
        sa.CheckConstraint("(region_id IS NULL) <> (municipality_id IS NULL)", name="one_scope"),
        sa.CheckConstraint("starts_on <= ends_on", name="period"),
        # One report per scope and period; the empty scope column would escape a plain unique key.
        sa.Index("uq_council_report_region", "region_id", "starts_on", "ends_on", unique=True,
                 sqlite_where=sa.text("region_id IS NOT NULL"), postgresql_where=sa.text("region_id IS NOT NULL")),
        sa.Index("uq_council_report_municipality", "municipality_id", "starts_on", "ends_on", unique=True,
                 sqlite_where=sa.text("municipality_id IS NOT NULL"),
                 postgresql_where=sa.text("municipality_id IS NOT NULL")),
    )

    @property
    def latest(self) -> "NarrativeVersion | None":
        return self.versions[-1] if self.versions else None

    @property
    def approved(self) -> "NarrativeVersion | None":
        """The most recently approved version: the one a published report carries."""
        return next((v for v in reversed(self.versions) if v.status == NarrativeStatus.APPROVED), None)

    def __str__(self) -> str:
        scope = f"regio {self.region}" if self.region is not None else f"gemeente {self.municipality}"
        return f"Raadsrapportage {scope} {self.starts_on:%d-%m-%Y} t/m {self.ends_on:%d-%m-%Y}"


class NarrativeVersion(db.Model):
    """One saved text of the narrative sections; never changed afterwards except its approval stamp."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("council_report.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    toelichting: Mapped[str] = mapped_column(sa.Text, default="")
    risicos: Mapped[str] = mapped_column(sa.Text, default="")
    vooruitblik: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[NarrativeStatus] = mapped_column(enum_type(NarrativeStatus, 12), default=NarrativeStatus.CONCEPT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    report: Mapped[CouncilReport] = relationship(back_populates="versions")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __table_args__ = (sa.UniqueConstraint("report_id", "number", name="uq_narrative_version_number"),)

    @property
    def status_label(self) -> str:
        return NARRATIVE_STATUS_LABELS[self.status]

    def sections(self) -> list[tuple[str, str]]:
        return [(heading, getattr(self, key)) for key, heading in SECTIONS.items()]


#: An approved version cannot be changed or deleted, in the database itself, whatever the application does. Run
#: after the table is created: by create_all below and by the migration that added it.
APPROVED_READ_ONLY_DDL = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION narrative_version_read_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN IF OLD.status = 'vastgesteld' THEN RAISE EXCEPTION 'an approved narrative version is read-only'; "
        "END IF; RETURN COALESCE(NEW, OLD); END $$",
        "CREATE TRIGGER narrative_version_read_only BEFORE UPDATE OR DELETE ON narrative_version "
        "FOR EACH ROW EXECUTE FUNCTION narrative_version_read_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER narrative_version_no_update BEFORE UPDATE ON narrative_version "
        "WHEN OLD.status = 'vastgesteld' BEGIN SELECT RAISE(ABORT, 'an approved narrative version is read-only'); END",
        "CREATE TRIGGER narrative_version_no_delete BEFORE DELETE ON narrative_version "
        "WHEN OLD.status = 'vastgesteld' BEGIN SELECT RAISE(ABORT, 'an approved narrative version is read-only'); END",
    ],
}
for _dialect, _statements in APPROVED_READ_ONLY_DDL.items():
    for _statement in _statements:
        sa.event.listen(NarrativeVersion.__table__, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect))
