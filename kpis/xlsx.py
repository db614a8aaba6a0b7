"""The scorecard as a workbook: one sheet for the period, per municipality and per month."""
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from core.formats import format_month
from core.term_text import kpi_norm
from core.terms import DIRECTIONS
from kpis.pdf import STATUS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
HEADER = ["Scope", "Maand", "Indicator", "Code", "Waarde", "Norm", "Richting", "Status", "Teller", "Noemer"]


def _cell_value(value):
    """openpyxl turns a string starting with '=' into a formula; text that could start one gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _append(sheet, values) -> None:
    sheet.append([_cell_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING


def _rows(scope: str, month: str, indicators):
    for i in indicators:
        yield [scope, month, i.result.name, i.kpi, None if i.result.value is None else float(i.result.value),
               kpi_norm(i.norm, i.direction, i.kpi), DIRECTIONS.get(i.direction, ""), STATUS[i.status],
               None if i.result.numerator is None else float(i.result.numerator), float(i.result.denominator)]


def render_scorecard_xlsx(data: dict) -> bytes:
    contract = data["contract"]
    period = f"{format_month(data['first'])} t/m {format_month(data['last'])}"
    book = Workbook()
    sheet = book.active
    sheet.title = "Scorekaart"
    _append(sheet, ["Contract", contract.reference, "Aanbieder", contract.provider.name, "Periode", period])
    _append(sheet, HEADER)
    rows = list(_rows("Hele contract", period, data["indicators"]))
    for municipality, indicators in data["by_municipality"]:
        rows += _rows(municipality.name, period, indicators)
    for month, indicators in data["monthly"]:
        rows += _rows("Hele contract", format_month(month), indicators)
    for row in rows:
        _append(sheet, row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
