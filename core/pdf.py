"""Shared reportlab styles and one helper that turns a title and flowables into PDF bytes."""
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from xml.sax.saxutils import escape

STYLES = getSampleStyleSheet()
TABLE_STYLE = TableStyle([
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
    ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])


def para(text: str, style: str = "BodyText") -> Paragraph:
    """A paragraph of plain text: user input is escaped, never read as reportlab markup."""
    return Paragraph(escape(str(text)), STYLES[style])


def table(rows: list[list], col_widths: list[float] | None = None) -> Table:
    """A table whose first row is the header; cells are wrapped as escaped paragraphs."""
    cells = [[c if not isinstance(c, str) else para(c) for c in row] for row in rows]
    result = Table(cells, colWidths=col_widths, repeatRows=1)
    result.setStyle(TABLE_STYLE)
    return result


def document(title: str, flowables: list) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm)
    doc.build([para(title, "Title"), *flowables])
    return buffer.getvalue()
