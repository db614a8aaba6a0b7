"""Shared reportlab styles and one helper that builds a document to bytes."""
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("title", parent=_base["Title"], fontSize=22, leading=28, spaceAfter=18),
    "h1": ParagraphStyle("h1", parent=_base["Heading1"], fontSize=15, leading=19, spaceBefore=12),
    "h2": ParagraphStyle("h2", parent=_base["Heading2"], fontSize=12, leading=15),
    "body": ParagraphStyle("body", parent=_base["BodyText"], fontSize=10, leading=14),
    "bullet": ParagraphStyle("bullet", parent=_base["BodyText"], fontSize=10, leading=14, leftIndent=14,
                             bulletIndent=4),
    "small": ParagraphStyle("small", parent=_base["BodyText"], fontSize=8, leading=10),
}
TABLE_STYLE = TableStyle([
    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
    ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])


def text(value, style: str = "body") -> Paragraph:
    """A paragraph of plain text: reportlab reads markup, so user text is escaped."""
    return Paragraph(escape(str(value if value is not None else "")), STYLES[style])


def table(header: list[str], rows: list[list], widths: list[float] | None = None) -> Table:
    cells = [[text(h, "small") for h in header]] + [[text(c, "small") for c in row] for row in rows]
    result = Table(cells, colWidths=widths, repeatRows=1)
    result.setStyle(TABLE_STYLE)
    return result


def build_pdf(story: list, *, title: str, footer: str, watermark: str | None = None) -> bytes:
    """The story as A4 bytes; every page gets `footer` and its page number, and the watermark if given."""

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(2 * cm, 1.2 * cm, footer)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Pagina {doc.page}")
        if watermark:
            canvas.setFont("Helvetica-Bold", 80)
            canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.15))
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, 0, watermark)
        canvas.restoreState()

    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=2 * cm, rightMargin=2 * cm,
                            topMargin=2 * cm, bottomMargin=2 * cm)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
