"""What the report pages and the API share: the scope of a report, checked against the user's, and the year-end
with its grant annex in one piece."""
from dataclasses import dataclass

from budget.services import municipality_by_code
from core.models import User
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
