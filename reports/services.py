"""What the report pages and the API share: the scope of a report, checked against the user's, and the year-end
with its grant annex in one piece."""
from dataclasses import dataclass
from datetime import date

from budget.charts import year_chart
from budget.services import municipality_by_code, region_for
from core.auth import can_see_municipality
from core.errors import DomainError
from core.models import Municipality, Region, User
from payments.services import scope_data
from reports import FINANCE
from reports.council import CouncilTables, council_tables, period_months
from reports.document import Document, council_document
from reports.grant import GrantYear, grant_years, indicator_codes
from reports.models import SECTIONS, CouncilReport, GrantMeasure, NarrativeStatus, NarrativeVersion
from reports.narrative import approve_narrative, draft_authors, find_report, save_narrative
from reports.pdf import render_council_pdf
from reports.xlsx import render_council_xlsx
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


def scope_args(scope: str) -> dict:
    """A page's scope (r:<region id> or m:<CBS code>, as payments.services.scope_choices gives them) as the
    arguments of council_scope."""
    data = scope_data("", scope or "")
    return {"region_id": data["region_id"]} if "region_id" in data else {"municipality": data["municipality"]}


def council_page(user: User, scope: str, start: date, end: date, *, today: date) -> dict:
    """What the council report page shows: the document with the latest text, its report and the charts."""
    document, charts = council_document_for(user, start, end, today=today, publishable=False, **scope_args(scope))
    report = narrative_report(user, scope, start, end)
    return {"document": document, "charts": [(cell, year_chart(cell, today)) for cell in charts], "report": report,
            "may_approve": report is not None and report.latest is not None and report.latest.status ==
            NarrativeStatus.CONCEPT and user.id not in draft_authors(report)}


def narrative_report(user: User, scope: str, start: date, end: date) -> CouncilReport | None:
    region, municipalities, _ = council_scope(user, **scope_args(scope))
    return find_report(start, end, region=region, municipality=None if region else municipalities[0])


def save_narrative_for(user: User, scope: str, start: date, end: date, sections: dict) -> NarrativeVersion:
    """save_narrative for a page's scope, within the user's."""
    period_months(start, end)
    region, municipalities, _ = council_scope(user, **scope_args(scope))
    return save_narrative(start, end, {key: sections.get(key) or "" for key in SECTIONS}, by=user, region=region,
                          municipality=None if region else municipalities[0])


def approve_narrative_for(user: User, scope: str, start: date, end: date, number: int) -> NarrativeVersion:
    report = narrative_report(user, scope, start, end)
    if report is None:
        raise DomainError("Er is voor deze rapportage nog geen tekst geschreven.")
    return approve_narrative(report, number, by=user)
