"""The charts of the indicator pages (core.charts): an indicator's trend with its norm and its red months marked,
and the dashboard's number of indicators of one status per month. The pages show the numbers as a table beside."""
from datetime import date

from markupsafe import Markup

from core.charts import Line, Marks, line_chart, ticks
from core.formats import format_count, format_short_month
from core.term_text import kpi_norm, kpi_value
from kpis.trends import TrendMonth

#: The dashboard chart's line per status it counts.
COUNTED = {"red": "Rode indicatoren", "green": "Groene indicatoren", "grey": "Indicatoren zonder waarde"}
TABLE_NOTE = "De cijfers staan in de tabel naast de grafiek."


def _span(months: list[date]) -> str:
    return f"van {format_short_month(months[0])} tot en met {format_short_month(months[-1])}"


def trend_chart(points: list[TrendMonth], kpi: str, title: str) -> Markup:
    """The value per month, the norm as a dashed line where there is one, each red month a diamond marked "rood"."""
    lines = [Line("Waarde", [p.value for p in points])]
    norms = [p.norm for p in points]
    if any(norm is not None for norm in norms):
        lines.append(Line("Norm", norms, "dashed"))
    red = [p.status == "red" for p in points]
    last = next((p for p in reversed(points) if p.norm is not None), None)
    norm = f"norm {kpi_norm(last.norm, last.direction, kpi)}" if last else "geen norm"
    reds = ", ".join(format_short_month(p.month) for p in points if p.status == "red") or "geen"
    description = (f"{title}: waarde per maand {_span([p.month for p in points])}, {norm}. Rood (norm niet "
                   f"gehaald): {reds}. {TABLE_NOTE}")
    top = max((v for line in lines for v in line.values if v is not None), default=0)
    return line_chart(title, description, [format_short_month(p.month) for p in points], lines,
                      formatter=lambda value: kpi_value(value, kpi), y_labels=ticks(top),
                      marks=Marks("Rood: norm niet gehaald", "rood", red) if any(red) else None)


def status_chart(counts: list[tuple[date, int]], status: str) -> Markup:
    """The number of indicators of this status per month, on a whole-number axis."""
    label = COUNTED[status]
    description = (f"Aantal {label.lower()} per maand {_span([m for m, _ in counts])}: "
                   + ", ".join(f"{format_short_month(m)} {n}" for m, n in counts) + f". {TABLE_NOTE}")
    return line_chart(f"{label} per maand", description, [format_short_month(m) for m, _ in counts],
                      [Line(label, [n for _, n in counts])], formatter=format_count,
                      y_labels=ticks(max(n for _, n in counts), least=1))
