"""The council report's tables as a workbook: a sheet per table, the title, period and version on top."""
import io
import re

from openpyxl import Workbook

from payments.exports import add_sheet
from reports.document import Document


def render_council_xlsx(document: Document) -> bytes:
    book = Workbook()
    cover = book.active
    cover.title = "Rapportage"
    for line in (document.title, document.subtitle, document.version_line):
        cover.append([line])
    used = set()
    for section in document.sections:
        name = re.sub(r"[\\/*?:\[\]]", " ", section.title)[:31]
        while name in used:  # sheet titles are unique and at most 31 characters
            name = f"{name[:28]} {len(used)}"
        used.add(name)
        list(add_sheet(book, name, section.header, section.rows))
        if section.note:
            book[name].append([])
            book[name].append([section.note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
