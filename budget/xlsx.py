"""The Begroting as a workbook: the year's figures per municipality and funding source, and every month."""
import io

from openpyxl import Workbook

from budget.overview import Overview
from payments.exports import safe_cell

MONEY = "#,##0.00"
SUMMARY = ["Gemeente", "Financieringsbron", "Begroting", "Gerealiseerd", "Verplicht", "Prognose rest van het jaar",
           "Verwacht jaartotaal", "Vrije ruimte", "Begroting op in"]
MONTHS = ["Gemeente", "Financieringsbron", "Maand", "Gerealiseerd", "Prognose", "Prognose laag", "Prognose hoog",
          "Cumulatief gerealiseerd", "Cumulatief verwacht"]


def render_overview_xlsx(figures: Overview, label: str) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "Overzicht"
    summary.append([f"Begroting {figures.year}, {label}, stand {figures.today:%d-%m-%Y}"])
    summary.append(SUMMARY)
    months = book.create_sheet("Per maand")
    months.append(MONTHS)
    for cell in figures.cells + figures.totals:
        where = cell.municipality.name if cell.municipality else "Totaal"
        summary.append([safe_cell(where), cell.funding_source_label, cell.budget if cell.has_budget else None,
                        cell.realised, cell.committed, cell.forecast, cell.expected_year_total,
                        cell.free if cell.has_budget else None,
                        cell.runs_out.strftime("%Y-%m") if cell.runs_out else ""])
        for month in cell.months:
            months.append([safe_cell(where), cell.funding_source_label, month.month.strftime("%Y-%m"), month.realised,
                           month.forecast, month.low, month.high, month.cumulative_realised,
                           month.cumulative_expected])
    for sheet, first in ((summary, 3), (months, 4)):
        for row in sheet.iter_rows(min_row=2, min_col=first):
            for value in row:
                value.number_format = MONEY
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
