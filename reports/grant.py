"""The grant annex: the specific grant's (SPUK Wi2021) costs per municipality and year, each figure under the
municipality's own indicator code, for its accountability annex (SiSa)."""
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from budget.models import FundingSource
from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import Municipality, User
from core.scope import Action, require
from payments.models import PaymentLine, PaymentRun, RunStatus
from reports.models import MEASURE_LABELS, GrantIndicatorCode, GrantMeasure
from reports.yearend import ZERO, year_rows

GRANT = FundingSource.SPUK
#: The annex shows the chosen year and at most this many years before it (from the first year with payments).
YEARS_BACK = 4


@dataclass
class GrantYear:
    year: int
    #: The year's costs: realised, accrued and held.
    spent: Decimal
    corrections: Decimal

    def figure(self, measure: GrantMeasure) -> Decimal:
        return self.spent if measure == GrantMeasure.SPENT else self.corrections


def grant_years(municipality: Municipality, year: int) -> list[GrantYear]:
    """The grant's figures of `year` and of the earlier years (up to YEARS_BACK) since the first payment."""
    first_paid = db.session.scalar(
        sa.select(sa.func.min(PaymentLine.trigger_date)).join(PaymentRun, PaymentRun.id == PaymentLine.run_id)
        .where(PaymentRun.status == RunStatus.APPROVED, PaymentLine.municipality_id == municipality.id))
    start = max(year - YEARS_BACK, min(first_paid.year if first_paid else year, year))
    result = []
    for each in range(start, year + 1):
        rows = [row for row in year_rows(municipality, each) if row.funding_source == GRANT]
        result.append(GrantYear(each, sum((r.realised + r.accrued + r.held for r in rows), ZERO),
                                sum((r.corrections_earlier_years for r in rows), ZERO)))
    return result


def indicator_codes(municipality: Municipality) -> dict[GrantMeasure, str]:
    """The municipality's code per figure; an empty string where it set none."""
    own = {row.measure: row.code for row in db.session.scalars(
        sa.select(GrantIndicatorCode).where(GrantIndicatorCode.municipality_id == municipality.id))}
    return {measure: own.get(measure, "") for measure in GrantMeasure}


def set_indicator_code(municipality: Municipality, measure: GrantMeasure, code: str, *, by: User) -> None:
    """Give one figure of the annex the municipality's own code (empty: none); audited."""
    require(by, Action.GRANT_CODES, [municipality])
    code = (code or "").strip()
    if len(code) > 40:
        raise DomainError("Een indicatorcode is hoogstens 40 tekens.", field="code")
    row = db.session.scalar(sa.select(GrantIndicatorCode).where(
        GrantIndicatorCode.municipality_id == municipality.id, GrantIndicatorCode.measure == measure))
    before = row.code if row is not None else ""
    if row is None:
        row = GrantIndicatorCode(municipality=municipality, measure=measure, code=code)
        db.session.add(row)
    row.code = code
    db.session.flush()
    audit.record(by, "grant_indicator_code_set", row, f"{municipality.name}, {MEASURE_LABELS[measure]}: {code}",
                 {"code": [before, code]})
