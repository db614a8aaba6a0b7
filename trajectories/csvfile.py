"""Reading progress-event CSV files: UTF-8 with or without BOM, `,` or `;`, CRLF or LF, a header row of known fields.

Python's csv module is lenient where we must not be (security-checks.md): it keeps a BOM unless told, lets NUL
bytes through and puts surplus cells under a None key. Each of those is refused here with a Dutch reason.
"""
import csv
import io
from typing import IO, Iterator

from core.errors import DomainError
from trajectories.events import ALL_FIELDS, COMMON_FIELDS

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_FIELD = 10_000
TEMPLATE_ROWS = [
    {"event_id": "AB-0001", "trajectory": "TRJ-2026-00042", "type": "start", "date": "2026-02-02"},
    {"event_id": "AB-0002", "trajectory": "TRJ-2026-00042", "type": "attendance", "date": "2026-02-28",
     "month": "2026-02", "hours_offered": "48", "hours_attended": "40,5", "hours_excused": "4"},
    {"event_id": "AB-0003", "trajectory": "TRJ-2026-00042", "type": "progress_test", "date": "2026-03-10",
     "skill": "LE", "level": "A2"},
    {"event_id": "AB-0004", "trajectory": "TRJ-2026-00042", "type": "retraction", "date": "2026-03-11",
     "retracts": "AB-0003"},
]


class UnreadableFile(DomainError):
    """The file as a whole cannot be read (encoding, header): 422 with the reason."""


class FileTooLarge(DomainError):
    status_code = 413


class TooManyRows(FileTooLarge):
    def __init__(self):
        super().__init__(f"Het bestand heeft meer dan {MAX_ROWS:,} regels.".replace(",", "."))


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ALL_FIELDS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def read_events(stream: IO[bytes]) -> Iterator[tuple[int, dict]]:
    """Yield (line number, {field: text}) per data row; raise UnreadableFile or FileTooLarge for the whole file."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    try:
        header_line = text.readline()
        if "\x00" in header_line:  # valid UTF-8, but every other byte zero: UTF-16 without its byte order mark
            raise UnreadableFile("Het bestand is niet in UTF-8 gecodeerd (het lijkt UTF-16); sla het op als 'CSV UTF-8'.")
        delimiter = _delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter), [])
        fields = _check_header([h.strip() for h in header])
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        reader_line = 1
        for count, cells in enumerate(_limited(reader), start=1):
            line = reader_line + 1
            reader_line = reader.line_num + 1
            if count > MAX_ROWS:
                raise TooManyRows()
            row = _row(fields, cells)
            if row is not None:
                yield line, row
    except UnicodeDecodeError as exc:
        raise UnreadableFile("Het bestand is niet in UTF-8 gecodeerd; sla het op als 'CSV UTF-8'.") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"Het bestand is geen geldige CSV (na regel {reader_line}): {exc}.") from exc
    finally:
        text.detach()


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _limited(reader) -> Iterator[list[str]]:
    previous = csv.field_size_limit(MAX_FIELD)
    try:
        yield from reader
    finally:
        csv.field_size_limit(previous)


def _check_header(header: list[str]) -> list[str]:
    if not any(header):
        raise UnreadableFile("Het bestand is leeg of heeft geen kopregel.")
    unknown = [h for h in header if h not in ALL_FIELDS]
    if unknown:
        raise UnreadableFile(f"Onbekende kolommen: {', '.join(u[:40] for u in unknown[:10])}. "
                             f"Toegestaan zijn: {', '.join(ALL_FIELDS)}.")
    if len(set(header)) != len(header):
        raise UnreadableFile("Een kolom komt twee keer voor in de kopregel.")
    missing = [f for f in COMMON_FIELDS if f not in header]
    if missing:
        raise UnreadableFile(f"Verplichte kolommen ontbreken: {', '.join(missing)}.")
    return header


def _row(fields: list[str], cells: list[str]) -> dict | None:
    """The row's non-empty cells by field name, stripped: the shape trajectories.events.parse_event expects of CSV.

    None for a blank line, which is skipped."""
    row = {name: text for name, value in zip(fields, cells) if (text := value.strip())}
    if len(cells) != len(fields):
        if not any(value.strip() for value in cells):
            return None
        row["_shape"] = f"Deze regel heeft {len(cells)} velden; de kopregel {len(fields)}."
    elif not row:
        return None
    elif "\x00" in "".join(cells):
        row["_shape"] = "Deze regel bevat een ongeldig teken (NUL)."
    return row


def count_rows(stream: IO[bytes]) -> int:
    """The number of data rows, known before any row is parsed; FileTooLarge for more than MAX_ROWS.

    Lines are counted (a 50 MB file in a few milliseconds); only a file with more lines than that is counted again
    as CSV records, since a quoted field may span lines.
    """
    lines, last = 0, b"\n"
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    rows = max(0, lines + (last != b"\n") - 1)
    stream.seek(0)
    if rows > MAX_ROWS:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        try:
            rows = sum(1 for _ in _limited(csv.reader(text, delimiter=_delimiter(text.readline()))))
        except csv.Error:
            pass  # not a valid CSV, but more lines than allowed all the same
        finally:
            text.detach()
            stream.seek(0)
    if rows > MAX_ROWS:
        raise TooManyRows()
    return rows
