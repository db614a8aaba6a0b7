"""The council report as tables of text, one source for the page, the PDF and the workbook: each table a title, a
header and rows. The publishable variant suppresses small numbers over all its tables at once (reports.suppression)
and names no person: the tables are built with their counts as keys first, and written out once every count and
every sum between them is known."""
from dataclasses import dataclass

from core.formats import format_date, format_money, format_short_month
from core.term_text import kpi_norm, kpi_value
from kpis.pdf import STATUS
from kpis.rules import ratio
from reports.council import VOLUMES, CouncilTables, Trend
from reports.models import NarrativeStatus, NarrativeVersion
from reports.process import MONTHLY_UP_TO, PROCESS_KPIS
from reports.suppression import SMALL, WITHHELD, Counts, is_small

#: The months of a trend shown in a table: the last ones of the period.
TREND_COLUMNS = 6
SUPPRESSION_NOTE = ('Aantallen van 1 tot en met 4 deelnemers staan er als "< 5"; een "x" (5 of meer) is weggelaten '
                    "omdat een klein aantal anders uit een totaal is af te leiden, ook over de tabellen heen. Een "
                    'percentage over minder dan 5 deelnemers staat er als "< 5", een percentage uit een weggelaten '
                    'aantal als "x".')
PROCESS_TEXT = {"timely_pip": "het PIP binnen {weeks} weken na de kennisgeving van DUO, geteld in de maand waarin "
                              "die weken om zijn",
                "start_after_pip": "de start van de leerroute binnen {weeks} weken na het PIP, geteld in de maand "
                                   "waarin die weken om zijn",
                "on_course_in_term": "afgerond binnen de inburgeringstermijn (met verlenging), of aan het eind van "
                                     "de maand of het kwartaal nog daarbinnen bezig; over de lopende trajecten met "
                                     "een bekende termijn"}
PROCESS_HEADER = ["Voldaan", "Niet voldaan", "Aantal", "Percentage"]


@dataclass(frozen=True)
class Count:
    """A table cell holding the count under this key (reports.suppression.Counts)."""

    key: tuple


@dataclass(frozen=True)
class Rate:
    """A percentage of two counts: withheld when either of them is."""

    met: tuple
    of: tuple
    kpi: str


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
    counts = Counts(publishable)
    indicators = [t for t in tables.indicators if t.whole.kpi not in PROCESS_KPIS]
    sections = [volume_section(tables, counts), indicator_section("Indicatoren", indicators, tables, publishable),
                *process_sections(tables, counts)]
    sections += [indicator_section(f"Aanbieder {p.provider.name}", p.trends, tables, publishable, norms=True)
                 for p in tables.providers]
    if tables.money_rows is not None:
        sections.append(money_section(tables))
    sections.append(Section("Signalen in de periode", ["Soort", "Datum", "Signaal"],
                            [[s.kind_label, format_date(s.on), s.message] for s in tables.signals]))
    for section in sections:
        section.rows = [[written(cell, counts) for cell in row] for row in section.rows]
    is_draft = narrative is None or narrative.status != NarrativeStatus.APPROVED
    title = f"Raadsrapportage inburgering {tables.label}"
    version = "concept" if narrative is None else f"versie {narrative.number}" + (" concept" if is_draft else "")
    footer = (f"Raadsrapportage {tables.label} {tables.start:%d-%m-%Y} t/m {tables.end:%d-%m-%Y} · {version} · "
              f"{format_date(tables.today)}" + (" · publieksversie" if publishable else ""))
    return Document(title + (" (publieksversie)" if publishable else ""), period_label(tables),
                    version_line(narrative, tables.today), is_draft, narrative, sections, footer)


def written(cell, counts: Counts) -> str:
    """A cell as published: a count or a percentage of two, or text as it is."""
    if isinstance(cell, Count):
        return counts.text(cell.key)
    if isinstance(cell, Rate):
        met, of = counts.values[cell.met], counts.values[cell.of]
        if not of:
            return "-"
        if not (counts.is_shown(cell.met) and counts.is_shown(cell.of)):
            return SMALL if is_small(of) else WITHHELD
        return kpi_value(ratio(met, of), cell.kpi)
    return cell


def volume_section(tables: CouncilTables, counts: Counts) -> Section:
    keys = {c: [counts.count(("volume", row.service.id, c), row.counts[c]) for row in tables.volumes] for c in VOLUMES}
    rows = [[row.label, *(Count(keys[c][n]) for c in VOLUMES)] for n, row in enumerate(tables.volumes)]
    totals = [Count(counts.total(("volume", None, c), keys[c])) for c in VOLUMES]
    return Section("Aantallen per leerroute en participatietraject", ["Dienst", *VOLUMES.values()],
                   rows + [["Totaal", *totals]], SUPPRESSION_NOTE if counts.publishable else "")


def _process_row(counts: Counts, key: tuple, label: str, result) -> list:
    """Voldaan and niet voldaan, their sum (the indicator's denominator) and the percentage."""
    met = counts.count((*key, "met"), int(result.numerator))
    unmet = counts.count((*key, "unmet"), int(result.denominator - result.numerator))
    return [label, Count(met), Count(unmet), Count(counts.total((*key, "of"), [met, unmet])),
            Rate(met, (*key, "of"), result.kpi)]


def _column_totals(counts: Counts, total: list, rows: list[list]) -> None:
    """The sums a reader sees down a table: the total row's counts over the other rows'."""
    for n in (1, 2, 3):
        counts.total(total[n].key, [row[n].key for row in rows])


def process_sections(tables: CouncilTables, counts: Counts) -> list[Section]:
    """Per process indicator the scope's period figures per municipality (a region) and per month or quarter; the
    period's row is one figure in both tables."""
    sections = []
    per = "maand" if len(tables.months) <= MONTHLY_UP_TO else "kwartaal"
    for indicator in tables.process:
        name, whole = indicator.whole.name, (indicator.kpi, "whole")
        note = f"{name}: {PROCESS_TEXT[indicator.kpi].format(weeks=indicator.weeks)}."
        if counts.publishable:
            note += " " + SUPPRESSION_NOTE
        if len(tables.municipalities) > 1:
            rows = [_process_row(counts, (indicator.kpi, "municipality", m.id), m.name, result)
                    for m, result in indicator.by_municipality]
            total = _process_row(counts, whole, "Totaal", indicator.whole)
            _column_totals(counts, total, rows)
            sections.append(Section(f"{name} per gemeente", ["Gemeente", *PROCESS_HEADER], rows + [total], note))
        rows = [_process_row(counts, (indicator.kpi, "bucket", b.start), b.label, result)
                for b, result in indicator.by_bucket]
        total = _process_row(counts, whole, "Hele periode", indicator.whole)
        if indicator.is_additive:
            _column_totals(counts, total, rows)
        sections.append(Section(f"{name} per {per}", [per.capitalize(), *PROCESS_HEADER], rows + [total], note))
    return sections


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
