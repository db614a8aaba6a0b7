"""The council report as a Dutch PDF: title, period and version, the narrative, the tables, and per funding source
the Begroting's chart (cumulative realised, the expected total and the budget) drawn with reportlab."""
from reportlab.graphics.charts.legends import LineLegend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Spacer

from budget.overview import Cell
from core.formats import SHORT_MONTHS
from core.pdf import build_pdf, table, text
from reports.document import Document
from reports.models import SECTIONS

WIDTH, HEIGHT = 16 * cm, 6.5 * cm


def year_chart(cell: Cell) -> Drawing:
    """The Begroting page's chart of one source: lines told apart by dash pattern as well as by colour."""
    drawing = Drawing(WIDTH, HEIGHT + 1.2 * cm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 1.8 * cm, 1 * cm, WIDTH - 2.2 * cm, HEIGHT - 1 * cm
    series = [("Gerealiseerd", [m.cumulative_realised for m in cell.months], None),
              ("Verwacht", [m.cumulative_expected for m in cell.months], (4, 2))]
    if cell.has_budget:
        series.append(("Begroting", [cell.budget] * 12, (1, 2)))
    plot.data = [[(n + 1, float(v)) for n, v in enumerate(values)] for _, values, _ in series]
    palette = [colors.HexColor("#01689b"), colors.HexColor("#e17000"), colors.HexColor("#39870c")]
    for n, (_, _, dash) in enumerate(series):
        plot.lines[n].strokeColor, plot.lines[n].strokeWidth = palette[n], 1.5
        plot.lines[n].strokeDashArray = dash
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax, plot.xValueAxis.valueSteps = 1, 12, list(range(1, 13))
    plot.xValueAxis.labelTextFormat = lambda n: SHORT_MONTHS[int(n) - 1]
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.labelTextFormat = lambda v: f"{v / 1000:,.0f}k".replace(",", ".")
    legend = LineLegend()
    legend.x, legend.y, legend.fontSize, legend.dx = 1.8 * cm, HEIGHT + 0.6 * cm, 8, 16
    legend.alignment, legend.columnMaximum = "right", 1
    legend.colorNamePairs = [(palette[n], label) for n, (label, _, _) in enumerate(series)]
    drawing.add(plot)
    drawing.add(legend)
    drawing.add(String(0, HEIGHT + 1 * cm, f"{cell.funding_source_label} {cell.year} (cumulatief, euro)",
                       fontSize=9, fontName="Helvetica-Bold"))
    return drawing


def _narrative(document: Document, key: str) -> list:
    body = getattr(document.narrative, key) if document.narrative else "Nog niet vastgesteld."
    return [text(SECTIONS[key], "h1"), *(text(part) for part in (body or "-").split("\n\n"))]


def render_council_pdf(document: Document, charts: list[Cell]) -> bytes:
    """The PDF of a council report; every page carries the report, its version and date, and its number."""
    story = [text(document.title, "title"), text(document.subtitle, "h2"), text(document.version_line),
             *_narrative(document, "toelichting")]
    for section in document.sections:
        story += [text(section.title, "h1"), table(section.header, section.rows) if section.rows else text("Geen.")]
        if section.note:
            story.append(text(section.note, "small"))
        if section.is_money:
            story += [item for cell in charts for item in (Spacer(1, 0.6 * cm), year_chart(cell))]
    story += _narrative(document, "risicos") + _narrative(document, "vooruitblik")
    return build_pdf(story, title=document.title, footer=document.footer,
                     watermark="CONCEPT" if document.is_draft else None)
