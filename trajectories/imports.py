"""CSV files of progress events handled by a Celery worker: from the UI checked first (a dry run), previewed and
imported on confirmation; from the API (a large file) imported at once.

The file waits in the storage (core/storage.py) that every machine reads; the row carries a lease (core.leases),
so that work whose worker died is taken over, or after a few tries marked failed, when it can be retried or
discarded. The file is removed once it is imported, refused or discarded.
"""
import logging
import secrets

import sqlalchemy as sa
from celery import shared_task

from core import leases
from core.dates import today
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import User
from core.storage import delete_after_commit, storage
from trajectories import services
from trajectories.csvfile import MAX_BYTES, FileTooLarge, count_rows, read_events
from trajectories.models import ImportStatus, ProgressImport

log = logging.getLogger(__name__)
PREVIEW_ROWS = 20
BUSY = (ImportStatus.VALIDATING, ImportStatus.IMPORTING)
FAILED = "Het verwerken is onverwacht mislukt; er is niets opgeslagen. Probeer het opnieuw of verwijder het bestand."
LOST = ("Het verwerken is {attempts} keer afgebroken doordat de server die het bestand verwerkte wegviel; er is "
        "niets opgeslagen. Probeer het opnieuw of verwijder het bestand.")


def measure(stream) -> int:
    """The file's number of rows, read before any row is parsed; FileTooLarge over 50 MB or MAX_ROWS rows."""
    if stream.seek(0, 2) > MAX_BYTES:
        raise FileTooLarge("Het bestand is groter dan 50 MB.")
    stream.seek(0)
    return count_rows(stream)


def save_upload(stream, filename: str, *, by: User, confirmed: bool = False) -> ProgressImport:
    """Store the file under a generated key, refuse it when too large or too long, and queue its work: a check
    (a dry run), or the import itself when `confirmed`."""
    size, rows = stream.seek(0, 2), measure(stream)
    key = f"imports/{secrets.token_hex(16)}.csv"
    storage().put(key, stream)
    item = ProgressImport(sender=services.sender_for(by), stored_name=key, size=size, rows=rows,
                          original_name=(filename or "")[:200], created_by=by, confirmed=confirmed,
                          status=ImportStatus.IMPORTING if confirmed else ImportStatus.VALIDATING)
    db.session.add(item)
    leases.queue(item)
    return item


def visible_imports(user: User):
    return sa.select(ProgressImport).where(ProgressImport.created_by_id == user.id)


def waiting():
    return ProgressImport.status.in_(BUSY)


@shared_task(name="trajectories.run_import")
def run_import(import_id: int) -> None:
    """Check or import the file (the row's status says which) if this worker gets its lease."""
    leases.run(ProgressImport, import_id, _run)


def _run(import_id: int, lease: leases.Lease) -> None:
    item = db.session.get(ProgressImport, import_id)
    confirm, preview = item.status == ImportStatus.IMPORTING, []
    try:
        with storage().open(item.stored_name) as stream:
            preview = [row for _, row in zip(range(PREVIEW_ROWS), _rows(stream))]
            stream.seek(0)
            outcome = services.import_csv(stream, sender=item.sender, source="csv", by=item.created_by,
                                          today=today(), on_progress=lease.progress)
    except DomainError as exc:
        outcome = exc
    except Exception:
        log.exception("progress import %s failed", import_id)
        outcome = None
    if not (confirm and isinstance(outcome, services.ImportResult)):
        db.session.rollback()  # a check, or a refused file: nothing is stored
    if not lease.release():
        return
    item = db.session.get(ProgressImport, import_id)
    item.preview = preview
    _record(item, outcome, confirm)
    if item.status in (ImportStatus.DONE, ImportStatus.INVALID):
        delete_after_commit(item.stored_name)
    db.session.commit()


def _record(item: ProgressImport, outcome: services.ImportResult | DomainError | None, confirm: bool) -> None:
    if outcome is None:
        _fail(item, FAILED)
    elif isinstance(outcome, DomainError):
        item.status, item.processed = ImportStatus.INVALID, 0
        item.errors = outcome.errors or [{"line": None, "field": None, "message": outcome.message}]
        item.error_count = getattr(outcome, "count", len(item.errors))
    else:
        item.status = ImportStatus.DONE if confirm else ImportStatus.READY
        item.rows, item.accepted, item.duplicates = outcome.rows, outcome.accepted, outcome.duplicates
        item.processed = outcome.rows


def _rows(stream):
    try:
        yield from (row for _, row in read_events(stream))
    except DomainError:
        return


def _fail(item: ProgressImport, message: str) -> None:
    item.status, item.failure, item.processed = ImportStatus.FAILED, message, 0


def give_up(item: ProgressImport, attempts: int) -> None:
    """The lease sweep's verdict after too many lost workers: failed, with the file kept for a retry."""
    _fail(item, LOST.format(attempts=attempts))


def confirm(item: ProgressImport) -> None:
    if item.status != ImportStatus.READY:
        raise Conflict("Dit bestand is niet (meer) klaar om te importeren.")
    item.status, item.confirmed, item.processed = ImportStatus.IMPORTING, True, 0
    leases.queue(item)


def retry(item: ProgressImport) -> None:
    """Do a failed import's work again: the check, or the import when it was confirmed."""
    if item.status != ImportStatus.FAILED:
        raise Conflict("Alleen een mislukte verwerking kan opnieuw worden geprobeerd.")
    item.status = ImportStatus.IMPORTING if item.confirmed else ImportStatus.VALIDATING
    item.failure, item.processed = None, 0
    leases.queue(item)


def discard(item: ProgressImport) -> None:
    """Give up a failed or unconfirmed import; its file is removed once this is committed."""
    if item.status not in (ImportStatus.FAILED, ImportStatus.READY):
        raise Conflict("Dit bestand wordt verwerkt of is al afgehandeld en kan niet worden verwijderd.")
    item.status = ImportStatus.DISCARDED
    delete_after_commit(item.stored_name)
