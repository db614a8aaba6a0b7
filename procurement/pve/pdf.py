"""The PvE as PDF: title page, contents, sections, KPI and milestone tables; CONCEPT unless adopted."""
import re
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from core.pdf import STYLES, build_pdf, table, text
from core.formats import format_date
from core.term_text import kpi_name, kpi_norm, milestone_condition, milestone_value
from core.terms import MILESTONE_KINDS
from procurement.pve.content import milestone_lines
from procurement.pve.models import STATUS_LABELS, PveVersion

_BOLD, _ITALIC = re.compile(r"\*\*(.+?)\*\*"), re.compile(r"(?<!\*)\*(?!\*)(.+?)\*")


def _inline(line: str) -> str:
    return _ITALIC.sub(r"<i>\1</i>", _BOLD.sub(r"<b>\1</b>", escape(line)))


def markdown_flowables(body: str) -> list:
    """A small Markdown subset for print: paragraphs, bullet lists and headings."""
    flowables = []
    for block in re.split(r"\n\s*\n", body or ""):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("#"):
            flowables.append(Paragraph(_inline(lines.pop(0).lstrip("#").strip()), STYLES["h2"]))
        bullets = [line for line in lines if line[:2] in ("- ", "* ")]
        if bullets and len(bullets) == len(lines):
            flowables += [Paragraph(_inline(line[2:]), STYLES["bullet"], bulletText="•") for line in lines]
        elif lines:
            flowables.append(Paragraph(_inline(" ".join(lines)), STYLES["body"]))
    return flowables


def _kpi_table(kpis: list):
    rows = [[kpi_name(k["kpi"], k["params"]), kpi_norm(k["norm"], k["direction"], k["kpi"])] for k in kpis]
    return table(["Indicator", "Norm"], rows, [11 * cm, 5 * cm])


def _milestone_table(financing: dict):
    rows = [[m["code"], m["label"], MILESTONE_KINDS.get(m["kind"], m["kind"]), milestone_condition(m),
             milestone_value(m, financing["price_per_trajectory"])] for m in financing.get("milestones", [])]
    return table(["Code", "Omschrijving", "Soort", "Betaald bij", "Bedrag"], rows,
                 [2 * cm, 4 * cm, 2.3 * cm, 5.2 * cm, 3 * cm])


def render_pve_pdf(version: PveVersion) -> bytes:
    """Pure: everything comes from the version and its PvE; no queries."""
    pve, case = version.pve, version.pve.procurement_case
    day = version.adopted_at or version.created_at
    story = [Spacer(1, 5 * cm), Paragraph(escape(pve.title), STYLES["title"]),
             text(f"Programma van Eisen - {case.service.name}", "h2"),
             text("Deelnemende gemeenten: " + ", ".join(m.name for m in case.municipalities)),
             text(f"Versie {version.number} - {STATUS_LABELS[version.status]} - {format_date(day)}")]
    if version.is_adopted:
        story.append(text(f"Vastgesteld door {version.adopted_by.label} op {format_date(version.adopted_at)}"))
    story += [PageBreak(), text("Inhoud", "h1")]
    story += [text(f"{n}. {s['title']}") for n, s in enumerate(version.sections, start=1)]
    story.append(PageBreak())
    for n, section in enumerate(version.sections, start=1):
        story.append(text(f"{n}. {section['title']}", "h1"))
        story += markdown_flowables(section["body"])
        if section["key"] == "prestatie_indicatoren" and version.kpis:
            story += [Spacer(1, 6), _kpi_table(version.kpis)]
        if section["key"] == "financiering" and version.financing:
            financing = version.financing
            story.append(text("; ".join(milestone_lines(financing)[:2])))
            story += [Spacer(1, 6), _milestone_table(financing)]
    footer = f"{pve.title} - versie {version.number} - {format_date(day)}"
    return build_pdf(story, title=pve.title, footer=footer, watermark=None if version.is_adopted else "CONCEPT")
