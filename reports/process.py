"""The process indicators of the council report (issue 23): PIP within ten weeks of DUO's kennisgeving, start within
N weeks of the PIP, and on course within the inburgeringstermijn, over every trajectory of the scope (not per
contract, with the KPI pages' default terms), per municipality over the period and per month or quarter of it."""
from dataclasses import dataclass
from datetime import date

from core.dates import month_end
from core.formats import format_short_month
from core.models import Municipality
from core.terms import KPI_PARAMS
from kpis.rules import Result, Timeline
from kpis.services import add_months, compute

PROCESS_KPIS = ("timely_pip", "start_after_pip", "on_course_in_term")
#: Counted in the month or quarter of each trajectory's deadline, so the months add up to the period; on course
#: is judged at the end of each month or quarter, and a trajectory runs through several.
ADDITIVE = ("timely_pip", "start_after_pip")
#: Up to this many months the trend is per month, above it per quarter.
MONTHLY_UP_TO = 6
QUARTER_NAMES = ("1e", "2e", "3e", "4e")


@dataclass
class Bucket:
    """A month or quarter of the trend, clipped to the report's period."""

    start: date
    end: date
    label: str


@dataclass
class ProcessIndicator:
    kpi: str
    #: Over the whole scope and period.
    whole: Result
    by_municipality: list[tuple[Municipality, Result]]
    by_bucket: list[tuple[Bucket, Result]]

    @property
    def weeks(self) -> int | None:
        param = KPI_PARAMS[self.kpi].get("weeks")
        return param.default if param else None

    @property
    def is_additive(self) -> bool:
        return self.kpi in ADDITIVE


def buckets(start: date, end: date, months: list[date]) -> list[Bucket]:
    """Per month of the period when it touches at most MONTHLY_UP_TO months, otherwise per calendar quarter."""
    if len(months) <= MONTHLY_UP_TO:
        return [Bucket(max(m, start), min(month_end(m), end), format_short_month(m)) for m in months]
    firsts = sorted({m.replace(month=(m.month - 1) // 3 * 3 + 1) for m in months})
    return [Bucket(max(q, start), min(month_end(add_months(q, 2)), end),
                   f"{QUARTER_NAMES[(q.month - 1) // 3]} kwartaal {q.year}") for q in firsts]


def process_indicators(municipalities: list[Municipality], timelines: list[Timeline], start: date, end: date,
                       months: list[date]) -> list[ProcessIndicator]:
    """Each process indicator over the scope's timelines, per municipality and per month or quarter."""
    per_municipality = {m.id: [t for t in timelines if t.municipality_id == m.id] for m in municipalities}
    trend = buckets(start, end, months)
    return [ProcessIndicator(kpi, compute(timelines, kpi, None, start, end),
                             [(m, compute(per_municipality[m.id], kpi, None, start, end)) for m in municipalities],
                             [(b, compute(timelines, kpi, None, b.start, b.end)) for b in trend])
            for kpi in PROCESS_KPIS]
