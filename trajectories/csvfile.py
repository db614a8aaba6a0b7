"""Reading progress-event CSV files: UTF-8 with or without BOM, `,` or `;`, CRLF or LF, a header row of known fields
in Dutch (the template's) or English (the spec's), in any case and with spaces or underscores alike.

Python's csv module is lenient where we must not be (security-checks.md): it keeps a BOM unless told, lets NUL
bytes through and puts surplus cells under a None key. Each of those is refused here with a Dutch reason.
"""
import csv
import io
from typing import IO, Iterator

from core.errors import DomainError
from core.formats import format_count
from core.terms import DEFAULT_BUCKET, HOURS_BUCKETS
from trajectories.events import ALL_FIELDS, COMMON_FIELDS, DUTCH_COLUMNS, TYPE_FIELDS, TYPE_LABELS, TYPE_WORDS

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_FIELD = 10_000
TEMPLATE_ROWS = [
    {"event_id": "AB-0001", "trajectory": "TRJ-2026-00042", "type": "start", "date": "02-02-2026"},
    {"event_id": "AB-0002", "trajectory": "TRJ-2026-00042", "type": "attendance", "date": "28-02-2026",
     "month": "2026-02", "hours_offered": "48", "hours_attended": "40,5", "hours_excused": "4", "bucket": "taal_knm"},
    {"event_id": "AB-0003", "trajectory": "TRJ-2026-00042", "type": "progress_test", "date": "10-03-2026",
     "skill": "LE", "level": "A2"},
    {"event_id": "AB-0004", "trajectory": "TRJ-2026-00042", "type": "retraction", "date": "11-03-2026",
     "retracts": "AB-0003"},
]


def _key(name: str) -> str:
    """A header cell as it is matched: lower case, with spaces, underscores and hyphens alike."""
    return " ".join(name.lower().replace("_", " ").replace("-", " ").split())


#: Every header name a file may use, Dutch or English, to the field it names.
COLUMNS = {_key(name): field for field in ALL_FIELDS for name in (field, DUTCH_COLUMNS[field])}


class UnreadableFile(DomainError):
    """The file as a whole cannot be read (encoding, header): 422 with the reason."""


class FileTooLarge(DomainError):
    status_code = 413


class TooManyRows(FileTooLarge):
    def __init__(self):
        super().__init__(f"Het bestand heeft meer dan {format_count(MAX_ROWS)} regels.")


def template_csv() -> str:
    """The template in Dutch: Dutch column names and event types, Dutch dates."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(DUTCH_COLUMNS[field] for field in ALL_FIELDS)
    writer.writerows([TYPE_LABELS[row["type"]].lower() if field == "type" else row.get(field, "")
                      for field in ALL_FIELDS] for row in TEMPLATE_ROWS)
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
    """The fields the header's columns name, in their order."""
    if not any(header):
        raise UnreadableFile("Het bestand is leeg of heeft geen kopregel.")
    unknown = [h for h in header if _key(h) not in COLUMNS]
    if unknown:
        raise UnreadableFile(f"Onbekende kolommen: {', '.join(u[:40] for u in unknown[:10])}. Toegestaan zijn: "
                             f"{', '.join(DUTCH_COLUMNS.values())} (of de Engelse namen: {', '.join(ALL_FIELDS)}).")
    fields = [COLUMNS[_key(h)] for h in header]
    twice = sorted({DUTCH_COLUMNS[f] for f in fields if fields.count(f) > 1})
    if twice:
        raise UnreadableFile(f"Deze kolom komt twee keer voor in de kopregel: {', '.join(twice)}.")
    missing = [f for f in COMMON_FIELDS if f not in fields]
    if missing:
        raise UnreadableFile(f"Verplichte kolommen ontbreken: {', '.join(f'{DUTCH_COLUMNS[f]} ({f})' for f in missing)}.")
    return fields


def _row(fields: list[str], cells: list[str]) -> dict | None:
    """The row's non-empty cells by field name, stripped: the shape trajectories.events.parse_event expects of CSV.

    None for a blank line, which is skipped."""
    row = {name: text for name, value in zip(fields, cells) if (text := value.strip())}
    if "type" in row:
        row["type"] = TYPE_WORDS.get(row["type"].lower(), row["type"])
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


def column_guide() -> list[tuple[str, str]]:
    """Per Dutch column name, the kinds of event that fill it: ("maand", "aanwezigheid")."""
    uses = {field: ", ".join(TYPE_LABELS[kind].lower() for kind, fields in TYPE_FIELDS.items() if field in fields)
            for field in ALL_FIELDS}
    uses |= {field: "elke gebeurtenis" for field in COMMON_FIELDS}
    uses["type"] = f"elke gebeurtenis; een van: {', '.join(TYPE_WORDS)}"
    uses["bucket"] += f"; een van: {', '.join(HOURS_BUCKETS)} (leeg: {DEFAULT_BUCKET})"
    return [(DUTCH_COLUMNS[field], uses[field]) for field in ALL_FIELDS]
