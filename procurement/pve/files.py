"""Attachment checks: the type is read from the content, zip containers are opened with limits."""
import io
import zipfile

from core.errors import DomainError

MAX_SIZE = 20 * 1024 * 1024
#: Office files are zips: refuse bombs before anyone opens them.
MAX_ZIP_ENTRIES = 2_000
MAX_UNPACKED = 200 * 1024 * 1024
TYPES = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "odt": "application/vnd.oasis.opendocument.text"}
REFUSED = "Alleen PDF, DOCX, XLSX en ODT tot 20 MB zijn toegestaan; dit bestand is {reason}."


def _refuse(reason: str):
    raise DomainError(REFUSED.format(reason=reason), field="file")


def detect_type(data: bytes) -> str:
    """pdf, docx, xlsx or odt from the bytes themselves; DomainError for anything else."""
    if len(data) > MAX_SIZE:
        _refuse("groter dan 20 MB")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        _refuse("geen toegestaan bestandstype")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
                _refuse("een verdacht groot archief")
            names = {i.filename for i in infos}
            if "mimetype" in names and archive.read("mimetype").strip() == TYPES["odt"].encode():
                return "odt"
    except zipfile.BadZipFile:
        _refuse("een beschadigd archief")
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    _refuse("geen toegestaan bestandstype")


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
