"""The year-end figures as files, in the finance exports' own formats (payments.exports): the CSV dialect of the
journal, and a workbook written as the journal's (formula-safe text, amounts as numbers)."""
import io

from openpyxl import Workbook

from budget.models import FUNDING_SOURCE_LABELS
from payments.exports import add_sheet, csv_file
from reports.grant import GrantYear
from reports.models import MEASURE_LABELS, GrantMeasure
from reports.yearend import YearEnd

ROW_HEADER = ["gemeente_code", "gemeente", "jaar", "financieringsbron", "grootboekrekening", "kostenplaats",
              "gerealiseerd", "overlopend", "aangehouden", "correcties_voorgaande_jaren", "lasten_totaal"]
COMMITMENT_HEADER = ["gemeente_code", "gemeente", "jaar", "financieringsbron", "contract", "dienst", "aanbieder",
                     "verplichting_naar_volgend_jaar"]
GRANT_HEADER = ["gemeente_code", "gemeente", "jaar", "indicatorcode", "omschrijving", "bedrag"]


def row_lines(result: YearEnd):
    where = [result.municipality.code, result.municipality.name, result.year]
    for row in result.rows:
        yield [*where, FUNDING_SOURCE_LABELS[row.funding_source], row.ledger_account, row.cost_centre,
               row.realised, row.accrued, row.held, row.corrections_earlier_years, row.charged]


def commitment_lines(result: YearEnd):
    for c in result.commitments:
        yield [result.municipality.code, result.municipality.name, result.year,
               FUNDING_SOURCE_LABELS[c.funding_source], c.contract.reference, c.contract.service.name,
               c.contract.provider.name, c.carried]


def grant_lines(result: YearEnd, years: list[GrantYear], codes: dict):
    for each in years:
        for measure in GrantMeasure:
            yield [result.municipality.code, result.municipality.name, each.year, codes[measure],
                   MEASURE_LABELS[measure], each.figure(measure)]


def year_end_csv(result: YearEnd, years: list[GrantYear], codes: dict) -> bytes:
    return csv_file(ROW_HEADER, row_lines(result))


def year_end_xlsx(result: YearEnd, years: list[GrantYear], codes: dict) -> bytes:
    """The figures per source and ledger account, the commitments carried, and the grant annex."""
    book = Workbook()
    for title, header, lines, first in (("Jaarafsluiting", ROW_HEADER, row_lines(result), True),
                                        ("Verplichtingen", COMMITMENT_HEADER, commitment_lines(result), False),
                                        ("Subsidiebijlage", GRANT_HEADER, grant_lines(result, years, codes), False)):
        list(add_sheet(book, title, header, lines, first=first))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(result: YearEnd, suffix: str) -> str:
    return f"jaarafsluiting-{result.municipality.code}-{result.year}.{suffix}"


FILES = {"csv": (year_end_csv, "text/csv"),
         "xlsx": (year_end_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
