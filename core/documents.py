"""Documents kept on a provider or a contract (certificates, VOG, insurance, signed contracts): the shared columns
and verbs. Each domain has its own table and kinds; the file checks and storage are core.files'."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import audit, files
from core.dates import UTCDateTime, now_utc
from core.errors import DomainError
from core.extensions import db
from core.models import User


class DocumentColumns(files.StoredFileColumns):
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Valid through this day (inclusive), e.g. a certificate or an insurance policy; empty when it does not expire.
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    #: Set when a newer document replaced this one; it stays listed and downloadable.
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def is_expired_on(self, day: date) -> bool:
        return self.valid_until is not None and day > self.valid_until


def listing(model, of_owner) -> sa.Select:
    """The owner's documents (`of_owner`: e.g. ContractDocument.contract_id == contract.id): current ones first,
    newest first."""
    return sa.select(model).where(of_owner).order_by(model.superseded_at.is_not(None), model.created_at.desc(),
                                                     model.id.desc())


def _replaced(documents, model, document_id: int | None):
    """The owner's current document that the new one replaces; None when none is named."""
    if not document_id:
        return None
    found = db.session.scalar(documents.where(model.id == document_id, model.superseded_at.is_(None)))
    if found is None:
        raise DomainError("Het te vervangen document bestaat niet of is al vervangen.", field="supersedes_id")
    return found


def add_document(document, owner, documents, kinds, data: dict, filename: str, content: bytes, by: User | None,
                 folder: str):
    """Check and store the file, then keep the document on `owner` (`documents`: a select of the owner's
    documents). A named earlier document (`supersedes_id`) stays listed, marked superseded. Audited on the owner."""
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError("Geef het document een titel.", field="title")
    try:
        document.kind = kinds(data.get("kind"))
    except ValueError:
        raise DomainError("Kies een soort document.", field="kind") from None
    replaced = _replaced(documents, type(document), data.get("supersedes_id"))
    stored = files.store(filename, content, folder)
    for name, value in stored.columns.items():
        setattr(document, name, value)
    document.title, document.valid_until, document.created_by = title, data.get("valid_until"), by
    db.session.add(document)
    db.session.flush()
    prefix = type(owner).__name__.lower()
    audit.record(by, f"{prefix}_document_added", owner, f"Document {document.title} ({document.filename}) toegevoegd",
                 {"document": [None, document.id], "sha256": [None, document.sha256]})
    if replaced is not None:
        replaced.superseded_at, replaced.superseded_by = now_utc(), document
        audit.record(by, f"{prefix}_document_superseded", owner,
                     f"Document {replaced.title} vervangen door {document.title}",
                     {"document": [replaced.id, document.id]})
    return document


def delete_document(document, owner, by: User | None, folder: str) -> None:
    """Remove the document and, once the deletion is committed, its file; a document it replaced is current
    again. The audit line keeps its name and checksum."""
    for older in document.replaces:
        older.superseded_at, older.superseded_by = None, None
    audit.record(by, f"{type(owner).__name__.lower()}_document_deleted", owner,
                 f"Document {document.title} ({document.filename}) verwijderd",
                 {"document": [document.id, None], "sha256": [document.sha256, None]})
    files.remove(folder, document.stored_name)
    db.session.delete(document)
