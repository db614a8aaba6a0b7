"""The year-end figures as files, in the finance exports' own formats (payments.exports): the CSV in the journal's
two dialects (Excel-NL and machine), and a workbook written as the journal's (formula-safe text, amounts as
numbers)."""
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
#: The year-end CSV's formats: the journal's (payments.exports.JOURNAL_CSV), for Dutch Excel (";", decimal comma)
#: and for import into a financial system (",", decimal point); both with ISO dates.
CSV_FORMATS = {"excel": "journal.csv", "machine": "journal-machine.csv"}
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


def year_end_csv(result: YearEnd, csv_format: str = "excel") -> bytes:
    """The figures per source and ledger account in one of the journal's CSV formats (CSV_FORMATS)."""
    return csv_file(ROW_HEADER, row_lines(result), CSV_FORMATS[csv_format])


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


def year_end_download(result: YearEnd, years: list[GrantYear], codes: dict, suffix: str,
                  csv_format: str = "excel") -> tuple[bytes, str, str]:
    """The body, media type and file name of one download; a machine CSV is named so."""
    if suffix == "csv":
        body = year_end_csv(result, csv_format)
    else:
        body = year_end_xlsx(result, years, codes)
    machine = "-machine" if suffix == "csv" and csv_format == "machine" else ""
    return body, MEDIA_TYPES[suffix], f"jaarafsluiting-{result.municipality.code}-{result.year}{machine}.{suffix}"


MEDIA_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
