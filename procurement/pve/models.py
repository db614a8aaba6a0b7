"""Programma van Eisen: a document per procurement case, saved as versions, reviewed and adopted."""
import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.conflicts import on_conflict
from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.files import StoredFileColumns
from core.models import User
from procurement.models import ProcurementCase


class PveStatus(enum.StrEnum):
    CONCEPT = "concept"
    IN_REVIEW = "in_review"
    ADOPTED = "vastgesteld"


STATUS_LABELS = {PveStatus.CONCEPT: "Concept", PveStatus.IN_REVIEW: "In review", PveStatus.ADOPTED: "Vastgesteld"}
#: Status changes the workflow allows; adoption additionally needs a second person.
TRANSITIONS = {
    PveStatus.CONCEPT: {PveStatus.IN_REVIEW},
    PveStatus.IN_REVIEW: {PveStatus.CONCEPT, PveStatus.ADOPTED},
    PveStatus.ADOPTED: set(),
}


class Pve(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_case_id: Mapped[int] = mapped_column(sa.ForeignKey("procurement_case.id"), unique=True, info=on_conflict(
        "procurement_case_id", "Voor deze inkoopzaak bestaat al een PvE."))
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    procurement_case: Mapped[ProcurementCase] = relationship()
    versions: Mapped[list["PveVersion"]] = relationship(back_populates="pve", order_by="PveVersion.number")
    comments: Mapped[list["PveComment"]] = relationship(back_populates="pve", order_by="PveComment.id",
                                                        cascade="all, delete-orphan")
    attachments: Mapped[list["PveAttachment"]] = relationship(back_populates="pve", order_by="PveAttachment.id",
                                                              cascade="all, delete-orphan")

    @property
    def latest(self) -> "PveVersion":
        return self.versions[-1]

    @property
    def adopted(self) -> "PveVersion | None":
        """The most recently adopted version: the one contracts are made from."""
        return next((v for v in reversed(self.versions) if v.status == PveStatus.ADOPTED), None)

    def version(self, number: int) -> "PveVersion | None":
        return next((v for v in self.versions if v.number == number), None)

    def __str__(self) -> str:
        return self.title


class PveVersion(db.Model):
    """One saved state of the PvE; never changed afterwards except its status (and adoption stamp)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pve_id: Mapped[int] = mapped_column(sa.ForeignKey("pve.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    status: Mapped[PveStatus] = mapped_column(enum_type(PveStatus, 20), default=PveStatus.CONCEPT)
    #: The text sections in order: [{"key", "title", "body"}], body in Markdown.
    sections: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The prestatie-indicatoren section: KPI agreements as core.terms.validate_kpi_agreements returns them.
    kpis: Mapped[list | None] = mapped_column(sa.JSON)
    #: The financiering section: {"price_per_trajectory", "ceiling", "milestones"} (core.terms rules).
    financing: Mapped[dict | None] = mapped_column(sa.JSON)
    #: What the author says changed in this version.
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adopted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    pve: Mapped[Pve] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    adopted_by: Mapped[User | None] = relationship(foreign_keys=[adopted_by_id])

    __table_args__ = (sa.UniqueConstraint("pve_id", "number", info=on_conflict(
        None, "Deze PvE is tegelijk door een ander opgeslagen; laad hem opnieuw en probeer het nog eens.")),)

    @property
    def is_adopted(self) -> bool:
        return self.status == PveStatus.ADOPTED

    def section(self, key: str) -> dict | None:
        return next((s for s in self.sections if s["key"] == key), None)


class PveComment(db.Model):
    """A review remark on one section, with the author's answer and whether it is resolved."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pve_id: Mapped[int] = mapped_column(sa.ForeignKey("pve.id", ondelete="CASCADE"), index=True)
    #: The version the reviewer read when commenting.
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("pve_version.id"))
    section_key: Mapped[str] = mapped_column(sa.String(40))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    pve: Mapped[Pve] = relationship(back_populates="comments")
    version: Mapped[PveVersion] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class PveAttachment(StoredFileColumns, db.Model):
    """An uploaded file; stored under a generated name, the user's file name is only shown."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pve_id: Mapped[int] = mapped_column(sa.ForeignKey("pve.id", ondelete="CASCADE"), index=True)

    pve: Mapped[Pve] = relationship(back_populates="attachments")
