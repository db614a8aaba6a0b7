"""What the report pages and the API share: the scope of a report, checked against the user's, and the year-end
with its grant annex in one piece."""
from dataclasses import dataclass
from datetime import date

from budget.services import municipality_by_code, region_for
from core.auth import can_see_municipality
from core.errors import DomainError
from core.models import Municipality, Region, User
from reports import FINANCE
from reports.council import CouncilTables, council_tables
from reports.document import Document, council_document
from reports.narrative import find_report
from reports.pdf import render_council_pdf
from reports.xlsx import render_council_xlsx
from reports.grant import GrantYear, grant_years, indicator_codes
from reports.models import GrantMeasure
from reports.yearend import YearEnd, year_end


@dataclass
class YearEndReport:
    result: YearEnd
    years: list[GrantYear]
    codes: dict[GrantMeasure, str]

    @property
    def grant(self) -> list[dict]:
        """The annex's lines: per year and figure its indicator code and amount."""
        return [{"year": each.year, "measure": measure.value, "indicator_code": self.codes[measure],
                 "amount": each.figure(measure)} for each in self.years for measure in GrantMeasure]


def year_end_report(code: str, year: int, user: User) -> YearEndReport:
    """The year-end of a municipality within the user's scope, with the grant annex and its indicator codes."""
    result = year_end(municipality_by_code(code, user), year)
    return YearEndReport(result, grant_years(result.municipality, year), indicator_codes(result.municipality))


def council_scope(user: User, *, municipality: str | None = None,
                  region_id: int | None = None) -> tuple[Region | None, list[Municipality], str]:
    """The council report's scope: one municipality, or a region (its municipalities within the user's scope)."""
    if municipality:
        found = municipality_by_code(municipality, user)
        return None, [found], f"gemeente {found.name}"
    if region_id is None:
        raise DomainError("Kies een gemeente of een regio.", field="municipality")
    region = region_for(region_id, user)
    return region, [m for m in region.municipalities if can_see_municipality(user, m)], f"regio {region.name}"


def council_report_tables(user: User, start: date, end: date, *, today: date, municipality: str | None = None,
                          region_id: int | None = None) -> CouncilTables:
    """The council report's tables within the user's scope; the money only for those who keep budgets."""
    _, municipalities, label = council_scope(user, municipality=municipality, region_id=region_id)
    return council_tables(municipalities, label, start, end, today=today, with_money=user.role in FINANCE)


def council_document_for(user: User, start: date, end: date, *, today: date, publishable: bool,
                         municipality: str | None = None, region_id: int | None = None) -> tuple[Document, list]:
    """The report as a document (tables and the narrative: the latest version, or for the publishable variant
    the approved one), and the Begroting's cells its PDF draws."""
    region, municipalities, label = council_scope(user, municipality=municipality, region_id=region_id)
    tables = council_tables(municipalities, label, start, end, today=today, with_money=user.role in FINANCE)
    report = find_report(start, end, region=region, municipality=None if region else municipalities[0])
    narrative = report and (report.approved if publishable else report.latest)
    return council_document(tables, narrative, publishable=publishable), tables.money.totals if tables.money else []


COUNCIL_MEDIA_TYPES = {"pdf": "application/pdf",
                       "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render_council(suffix: str, document: Document, charts: list) -> bytes:
    return render_council_pdf(document, charts) if suffix == "pdf" else render_council_xlsx(document)
