"""Providers (aanbieders) of leerroutes and participatietrajecten."""
import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.bank_details import BankChangeStatus, BankDetailChange
from core.conflicts import on_conflict
from core.dates import UTCDateTime, now_utc
from core.documents import DocumentColumns
from core.extensions import db, enum_type


class KeurmerkStatus(enum.StrEnum):
    """The Blik op Werk keurmerk inburgeren as its register shows it."""

    NONE = "geen"
    VALID_UNTIL = "geldig_tot"
    INDEFINITE = "onbepaalde_tijd"
    SUSPENDED = "geschorst"
    WITHDRAWN = "ingetrokken"


KEURMERK_LABELS = {KeurmerkStatus.NONE: "Geen keurmerk", KeurmerkStatus.VALID_UNTIL: "Geldig tot en met",
                   KeurmerkStatus.INDEFINITE: "Geldig voor onbepaalde tijd", KeurmerkStatus.SUSPENDED: "Geschorst",
                   KeurmerkStatus.WITHDRAWN: "Ingetrokken"}


def _dated_keurmerk(context) -> str:
    """A provider stored with only an end date holds a keurmerk valid until that date."""
    dated = context.get_current_parameters().get("keurmerk_valid_until") is not None
    return (KeurmerkStatus.VALID_UNTIL if dated else KeurmerkStatus.NONE).value


class Provider(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kvk_number: Mapped[str] = mapped_column(sa.String(8), unique=True,
                                            info=on_conflict("kvk_number", "Er is al een aanbieder met dit KvK-nummer."))
    #: Normalised IBAN (upper case, no spaces).
    iban: Mapped[str] = mapped_column(sa.String(34))
    bic: Mapped[str | None] = mapped_column(sa.String(11))
    street: Mapped[str | None] = mapped_column(sa.String(200))
    postcode: Mapped[str | None] = mapped_column(sa.String(7))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(30))
    #: Blik op Werk keurmerk inburgeren: its status, the last day it is (or was) valid when dated (inclusive), and
    #: for a suspended or withdrawn keurmerk the first day it no longer holds.
    keurmerk_status: Mapped[KeurmerkStatus] = mapped_column(enum_type(KeurmerkStatus, 20), default=_dated_keurmerk,
                                                            server_default=KeurmerkStatus.NONE.value)
    keurmerk_valid_until: Mapped[date | None] = mapped_column(sa.Date)
    keurmerk_status_since: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    #: A change of IBAN and BIC waiting for a second person (core.bank_details); iban and bic stand until then.
    pending_bank_change: Mapped[BankDetailChange | None] = relationship(
        primaryjoin=lambda: sa.and_(BankDetailChange.provider_id == Provider.id,
                                    BankDetailChange.status == BankChangeStatus.PENDING),
        viewonly=True, uselist=False)

    def has_valid_keurmerk_on(self, day: date) -> bool:
        """Valid through its end date, or for good; a suspension or withdrawal ends it from its date on."""
        status, until = self.keurmerk_status, self.keurmerk_valid_until
        if status == KeurmerkStatus.VALID_UNTIL:
            return until is not None and day <= until
        if status in (KeurmerkStatus.SUSPENDED, KeurmerkStatus.WITHDRAWN):
            since = self.keurmerk_status_since
            return since is not None and day < since and (until is None or day <= until)
        return status == KeurmerkStatus.INDEFINITE

    @property
    def keurmerk_text(self) -> str:
        """The keurmerk in Dutch, as the pages show it."""
        label = KEURMERK_LABELS[self.keurmerk_status]
        if self.keurmerk_status == KeurmerkStatus.VALID_UNTIL:
            return f"{label} {self.keurmerk_valid_until:%d-%m-%Y}"
        if self.keurmerk_status in (KeurmerkStatus.SUSPENDED, KeurmerkStatus.WITHDRAWN):
            return f"{label} sinds {self.keurmerk_status_since:%d-%m-%Y}"
        return label

    def __str__(self) -> str:
        return self.name


class ProviderDocumentKind(enum.StrEnum):
    KEURMERK = "keurmerk"
    VOG = "vog"
    INSURANCE = "verzekering"
    OTHER = "overig"


PROVIDER_DOCUMENT_LABELS = {ProviderDocumentKind.KEURMERK: "Keurmerk-certificaat Blik op Werk",
                            ProviderDocumentKind.VOG: "Verklaring Omtrent het Gedrag (VOG)",
                            ProviderDocumentKind.INSURANCE: "Verzekering", ProviderDocumentKind.OTHER: "Overig"}


class ProviderDocument(DocumentColumns, db.Model):
    """A document of a provider, seen by staff and the provider's own users."""

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ProviderDocumentKind] = mapped_column(enum_type(ProviderDocumentKind, 20))
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider_document.id", ondelete="SET NULL"))

    provider: Mapped[Provider] = relationship()
    superseded_by: Mapped["ProviderDocument | None"] = relationship(remote_side=[id], back_populates="replaces")
    replaces: Mapped[list["ProviderDocument"]] = relationship(back_populates="superseded_by")
