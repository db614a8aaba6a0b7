"""Uploaded files: the type is read from the content, zip containers are opened with limits, and the bytes are kept
under a generated name in the file storage (core/storage.py; the user's file name is only shown)."""
import hashlib
import io
import re
import uuid
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime
from xml.etree import ElementTree

import filetype
import sqlalchemy as sa
from flask import send_file
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.dates import UTCDateTime, now_utc
from core.errors import DomainError
from core.storage import delete_after_commit, storage

MAX_SIZE = 20 * 1024 * 1024
#: Office files are zips: refuse bombs before anyone opens them.
MAX_ZIP_ENTRIES = 2_000
MAX_UNPACKED = 200 * 1024 * 1024
TYPES = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "odt": "application/vnd.oasis.opendocument.text"}
PDF_HEADER = re.compile(rb"%PDF-\d\.\d\s")
#: What filetype recognises as a program; none may follow a PDF's header.
EXECUTABLES = {"exe", "elf", "wasm", "swf", "crx"}
REFUSED = "Alleen PDF, DOCX, XLSX en ODT tot 20 MB zijn toegestaan; dit bestand is {reason}."


def _refuse(reason: str):
    raise DomainError(REFUSED.format(reason=reason), field="file")


def detect_type(data: bytes) -> str:
    """pdf, docx, xlsx or odt from the bytes themselves; DomainError for anything else."""
    if len(data) > MAX_SIZE:
        _refuse("groter dan 20 MB")
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    if not data.startswith(b"PK\x03\x04"):
        _refuse("geen toegestaan bestandstype")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _office(archive)
    except zipfile.BadZipFile:
        _refuse("een beschadigd archief")


def _pdf(data: bytes) -> str:
    """A PDF opens with its header and ends with its trailer; a program right after the header (a polyglot that
    runs when saved under another name) or anything else in place of the PDF is refused."""
    header = PDF_HEADER.match(data)
    if header is None:
        _refuse("geen geldige PDF")
    following = filetype.guess(data[header.end():].lstrip())
    if following is not None and following.extension in EXECUTABLES:
        _refuse("een PDF waarin een programma zit")
    if b"startxref" not in data[-1024:] or b"%%EOF" not in data[-1024:]:
        _refuse("geen volledige PDF (het einde ontbreekt)")
    return "pdf"


def _office(archive: zipfile.ZipFile) -> str:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
        _refuse("een verdacht groot archief")
    names = {i.filename for i in infos}
    if "mimetype" in names and archive.read("mimetype").strip() == TYPES["odt"].encode():
        return "odt"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        _refuse_outside_links(archive, names)
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        _refuse_outside_links(archive, names)
        return "xlsx"
    _refuse("geen toegestaan bestandstype")


def _refuse_outside_links(archive: zipfile.ZipFile, names: set[str]) -> None:
    """A DOCX or XLSX may link to other files, which the reader fetches when it opens it: an external workbook, a
    remote template or picture (and, on a network path, hands over the user's credentials). Hyperlinks stay."""
    if any(name.startswith("xl/externalLinks/") for name in names):
        _refuse("een werkmap met koppelingen naar andere bestanden")
    for name in sorted(n for n in names if n.endswith(".rels")):
        try:
            relationships = ElementTree.fromstring(archive.read(name))
        except ElementTree.ParseError:
            _refuse("een beschadigd archief")
        if any(link.get("TargetMode") == "External" and not link.get("Type", "").endswith("/hyperlink")
               for link in relationships):
            _refuse("een document dat inhoud van buiten het bestand laadt")


def check_attachment(filename: str, data: bytes) -> str:
    """The detected type, which must also be what the file name says it is."""
    if not data:
        _refuse("leeg")
    file_type = detect_type(data)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension != file_type:
        _refuse(f"een {file_type.upper()}-bestand met de extensie .{extension or '(geen)'}")
    return file_type


def display_name(filename: str) -> str:
    """The user's file name without any path, for display and the download header only."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:200] or "bijlage"


@dataclass(frozen=True)
class StoredFile:
    filename: str
    stored_name: str
    file_type: str
    size: int
    sha256: str

    @property
    def columns(self) -> dict:
        """Keyword arguments for a model with StoredFileColumns."""
        return asdict(self)


def store(filename: str, data: bytes, folder: str) -> StoredFile:
    """Check the file and keep it as <folder>/<generated name>; returns what a model keeps of it."""
    name = display_name(filename)
    file_type = check_attachment(name, data)
    stored_name = uuid.uuid4().hex
    storage().put(f"{folder}/{stored_name}", io.BytesIO(data))
    return StoredFile(name, stored_name, file_type, len(data), hashlib.sha256(data).hexdigest())


def remove(folder: str, stored_name: str) -> None:
    """Remove the file once the deletion of its row is committed."""
    delete_after_commit(f"{folder}/{stored_name}")


def send(stored, folder: str):
    """The file as a download (never inline), with the detected type and the shown name."""
    return send_file(storage().open(f"{folder}/{stored.stored_name}"), as_attachment=True,
                     mimetype=TYPES[stored.file_type], download_name=stored.filename)


class StoredFileColumns:
    """The columns of a model that holds an uploaded file; `stored_name` is generated, `filename` only shown."""

    filename: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The type as detected from the content: pdf, docx, xlsx or odt.
    file_type: Mapped[str] = mapped_column(sa.String(10))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("user.id"))

    @declared_attr
    def created_by(cls) -> Mapped["User | None"]:  # noqa: F821 - core.models.User, resolved by the registry
        return relationship("User", foreign_keys=[cls.created_by_id])
