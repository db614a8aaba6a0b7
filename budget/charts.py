"""The Begroting chart of one funding source in one year: cumulative realised, the forecast with its band, and
the budget as a line (core.charts), for the page and the council report."""
from datetime import date

from markupsafe import Markup

from budget.overview import Cell
from core.charts import Band, Line, line_chart
from core.formats import SHORT_MONTHS, format_money


def year_chart(cell: Cell, today: date) -> Markup:
    """Realised through the last complete month, from there the expected total with its band; the budget line."""
    where = cell.municipality.name if cell.municipality else "alle gemeenten"
    # Months before `current` are past: realised; from the month before it on the line is the expected total.
    current = today.month - 1 if cell.year == today.year else (12 if cell.year < today.year else 0)
    realised = [m.cumulative_realised if n < current else None for n, m in enumerate(cell.months)]
    start = max(0, current - 1)
    expected = [m.cumulative_expected if n >= start and current < 12 else None for n, m in enumerate(cell.months)]
    lines = [Line("Gerealiseerd", realised), Line("Verwacht", expected, "dashed")]
    if cell.has_budget:
        lines.append(Line("Begroting", [cell.budget] * 12, "dotted"))
    band = Band("Bandbreedte prognose", [m.cumulative_low if v is not None else None
                                         for m, v in zip(cell.months, expected)],
                [m.cumulative_high if v is not None else None for m, v in zip(cell.months, expected)])
    description = (f"Cumulatieve uitgaven {cell.funding_source_label} {cell.year}, {where}, per maand: gerealiseerd "
                   f"{format_money(cell.realised)}, verwacht jaartotaal {format_money(cell.expected_year_total)}, "
                   + (f"begroting {format_money(cell.budget)}." if cell.has_budget else "geen begroting vastgelegd.")
                   + " De cijfers staan in de tabel naast de grafiek.")
    return line_chart(f"{cell.funding_source_label} {cell.year}: {where}", description, SHORT_MONTHS, lines,
                      band=band if current < 12 else None)
