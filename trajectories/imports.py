"""CSV uploads from the UI: stored under a generated name, validated in the background (a dry run, through
core.background), previewed, and imported on confirmation."""
import logging
import secrets
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from core import background
from core.dates import today
from core.errors import DomainError
from core.extensions import db
from core.models import User
from trajectories import services
from trajectories.csvfile import FileTooLarge, count_lines, read_events
from trajectories.events import ALL_FIELDS, DUTCH_COLUMNS, TYPE_LABELS
from trajectories.models import ImportStatus, ProgressImport

log = logging.getLogger(__name__)
PREVIEW_ROWS = 20


def save_upload(upload, *, by: User) -> ProgressImport:
    """Keep the file under a generated name (never the user's) and register the import."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + ".csv"
    path = folder / stored_name
    upload.save(path)
    size = path.stat().st_size
    if size > 50 * 1024 * 1024:
        path.unlink()
        raise FileTooLarge("Het bestand is groter dan 50 MB.")
    with path.open("rb") as stream:
        rows = count_lines(stream)
    item = ProgressImport(sender=services.sender_for(by), stored_name=stored_name, size=size, rows=rows,
                          original_name=(upload.filename or "")[:200], created_by=by)
    db.session.add(item)
    db.session.flush()
    return item


def visible_imports(user: User):
    return sa.select(ProgressImport).where(ProgressImport.created_by_id == user.id)


def processed(item: ProgressImport) -> int:
    return background.processed(item)


def start(import_id: int, confirm: bool) -> None:
    """Run a pass in the background (inline under TESTING)."""
    background.start(run_pass, import_id, confirm)


def run_pass(import_id: int, confirm: bool) -> None:
    """Validate (dry run) or import the file; the import row's outcome is committed with the events."""
    item = db.session.get(ProgressImport, import_id)
    path = Path(current_app.config["UPLOAD_DIR"]) / item.stored_name
    progress = background.Progress(item)
    preview = []
    try:
        with path.open("rb") as stream:
            preview = list(islice(_rows(stream), PREVIEW_ROWS))
            stream.seek(0)
            result = services.import_csv(stream, sender=item.sender, source="csv", by=item.created_by,
                                         today=today(), on_progress=progress)
    except DomainError as exc:
        db.session.rollback()
        _fail(item, exc)
    except Exception:
        db.session.rollback()
        log.exception("progress import %s failed", import_id)
        _fail(item, DomainError("Het verwerken is mislukt; er is niets opgeslagen. Probeer het opnieuw."))
    else:
        if not confirm:
            db.session.rollback()
        item.status = ImportStatus.DONE if confirm else ImportStatus.READY
        item.rows, item.accepted, item.duplicates = result.rows, result.accepted, result.duplicates
        item.processed = result.rows
    item.preview = preview
    db.session.commit()
    progress.done()
    if item.status == ImportStatus.DONE:
        path.unlink(missing_ok=True)


def _rows(stream):
    """The file's first rows for the preview, each with its line number: {"line", "values"}."""
    try:
        yield from ({"line": line, "values": row} for line, row in read_events(stream))
    except DomainError:
        return


def _fail(item: ProgressImport, exc: DomainError) -> None:
    item.status = ImportStatus.INVALID
    item.errors = exc.errors or [{"line": None, "field": None, "message": exc.message}]
    item.error_count = getattr(exc, "count", len(item.errors))
    item.processed = 0


def confirm(item: ProgressImport) -> None:
    if item.status != ImportStatus.READY:
        raise DomainError("Dit bestand is niet (meer) klaar om te importeren.")
    item.status = ImportStatus.IMPORTING
    item.processed = 0


@dataclass
class PreviewRow:
    line: int
    cells: list[str]
    errors: list[str]


def preview_table(item: ProgressImport) -> tuple[list[str], list[PreviewRow]]:
    """The preview as the page shows it: the Dutch names of the columns that hold a value, and per line its cells
    and the errors reported on it ("kolom: melding")."""
    rows = [row for row in item.preview or [] if isinstance(row, dict) and "line" in row]
    fields = [f for f in ALL_FIELDS if any(f in row["values"] for row in rows)]
    errors: dict[int, list[str]] = {}
    for error in item.errors or []:
        column = DUTCH_COLUMNS.get(error.get("field") or "")
        errors.setdefault(error.get("line"), []).append(f"{column}: {error['message']}" if column else error["message"])
    shown = [PreviewRow(row["line"], [_cell(f, row["values"].get(f, "")) for f in fields], errors.get(row["line"], []))
             for row in rows]
    return [DUTCH_COLUMNS[f] for f in fields], shown


def _cell(field: str, value: str) -> str:
    return TYPE_LABELS.get(value, value) if field == "type" else value
