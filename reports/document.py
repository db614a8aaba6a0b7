"""The council report as tables of text, one source for the PDF and the workbook: each table a title, a header
and rows. The publishable variant suppresses small numbers (reports.suppression) and names no person."""
from dataclasses import dataclass

from core.formats import format_date, format_money, format_short_month
from core.term_text import kpi_norm, kpi_value
from kpis.pdf import STATUS
from reports.council import VOLUMES, CouncilTables, Trend
from reports.models import NarrativeStatus, NarrativeVersion
from reports.suppression import SMALL, is_small, suppress_table

#: The months of a trend shown in a table: the last ones of the period.
TREND_COLUMNS = 6
SUPPRESSION_NOTE = ('Aantallen van 1 tot en met 4 deelnemers staan er als "< 5"; een "x" is weggelaten omdat het '
                    "kleine aantal anders uit het totaal is af te leiden. Een percentage over minder dan 5 "
                    "deelnemers staat er als \"< 5\".")


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    #: The money table, after which the PDF draws the Begroting's charts.
    is_money: bool = False


@dataclass
class Document:
    title: str
    subtitle: str
    version_line: str
    is_draft: bool
    narrative: NarrativeVersion | None
    sections: list[Section]
    #: On every page: the report, its period, version and date, short enough for one line.
    footer: str


def period_label(tables: CouncilTables) -> str:
    return f"{format_date(tables.start, long=True)} tot en met {format_date(tables.end, long=True)}"


def version_line(narrative: NarrativeVersion | None, today) -> str:
    made = f"Opgemaakt {format_date(today)}"
    if narrative is None:
        return f"{made} · tekst nog niet geschreven · concept"
    if narrative.status == NarrativeStatus.APPROVED:
        return f"{made} · versie {narrative.number}, vastgesteld {format_date(narrative.approved_at)}"
    return f"{made} · versie {narrative.number} · concept"


def council_document(tables: CouncilTables, narrative: NarrativeVersion | None, *, publishable: bool) -> Document:
    """Every table of the report; publishable: small numbers suppressed and the approved text only."""
    if publishable and narrative is not None and narrative.status != NarrativeStatus.APPROVED:
        narrative = None
    sections = [volume_section(tables, publishable), indicator_section("Indicatoren", tables.indicators,
                                                                       tables, publishable)]
    sections += [indicator_section(f"Aanbieder {p.provider.name}", p.trends, tables, publishable, norms=True)
                 for p in tables.providers]
    if tables.money_rows is not None:
        sections.append(money_section(tables))
    sections.append(Section("Signalen in de periode", ["Soort", "Datum", "Signaal"],
                            [[s.kind_label, format_date(s.on), s.message] for s in tables.signals]))
    is_draft = narrative is None or narrative.status != NarrativeStatus.APPROVED
    title = f"Raadsrapportage inburgering {tables.label}"
    version = "concept" if narrative is None else f"versie {narrative.number}" + (" concept" if is_draft else "")
    footer = (f"Raadsrapportage {tables.label} {tables.start:%d-%m-%Y} t/m {tables.end:%d-%m-%Y} · {version} · "
              f"{format_date(tables.today)}" + (" · publieksversie" if publishable else ""))
    return Document(title + (" (publieksversie)" if publishable else ""), period_label(tables),
                    version_line(narrative, tables.today), is_draft, narrative, sections, footer)


def volume_section(tables: CouncilTables, publishable: bool) -> Section:
    counts = [[row.counts[c] for c in VOLUMES] for row in tables.volumes]
    if publishable:
        cells, totals = suppress_table(counts)
    else:
        cells = [[str(v) for v in row] for row in counts]
        totals = [str(tables.total.counts[c]) for c in VOLUMES]
    rows = [[row.label, *line] for row, line in zip(tables.volumes, cells)] + [["Totaal", *totals]]
    return Section("Aantallen per leerroute en participatietraject", ["Dienst", *VOLUMES.values()], rows,
                   SUPPRESSION_NOTE if publishable else "")


def _value(indicator, publishable: bool) -> str:
    if publishable and is_small(int(indicator.result.denominator)):
        return SMALL
    return kpi_value(indicator.result.value, indicator.kpi)


def indicator_section(title: str, trends: list[Trend], tables: CouncilTables, publishable: bool,
                      norms: bool = False) -> Section:
    shown = tables.months[-TREND_COLUMNS:]
    header = ["Indicator", "Periode", *(["Norm", "Status"] if norms else []),
              *(format_short_month(m) for m in shown)]
    rows = []
    for trend in trends:
        whole = trend.whole
        judged = [kpi_norm(whole.norm, whole.direction, whole.kpi), STATUS[whole.status]] if norms else []
        months = [_value(m.indicator, publishable) for m in trend.by_month[-TREND_COLUMNS:]]
        rows.append([whole.result.name, _value(whole, publishable), *judged, *months])
    return Section(title, header, rows)


def money_section(tables: CouncilTables) -> Section:
    header = ["Financieringsbron", f"Begroting {tables.end.year}", "Gerealiseerd in de periode",
              f"Gerealiseerd {tables.end.year}", "Verplicht", "Prognose rest van het jaar", "Verwacht jaartotaal",
              "Vrij"]
    rows = [[r.cell.funding_source_label, format_money(r.cell.budget) if r.cell.has_budget else "-",
             format_money(r.realised_in_period), format_money(r.cell.realised), format_money(r.cell.committed),
             format_money(r.cell.forecast), format_money(r.cell.expected_year_total),
             format_money(r.cell.free) if r.cell.has_budget else "-"] for r in tables.money_rows]
    return Section("Geld per financieringsbron", header, rows, is_money=True)
