"""Which milestone instances a trajectory has earned at a cut-off (payments.md, "Triggers").

Pure functions over one trajectory's events, so that the run can stream the events trajectory by trajectory.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.dates import month_end
from core.money import percentage_of
from core.terms import LEVELS

NO_MONTH = "-"
_RANK = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Term:
    """A milestone as the calculation needs it, detached from the session."""

    code: str
    label: str
    kind: str
    position: int
    trigger: str
    params: dict
    amount: Decimal


@dataclass(frozen=True)
class Earned:
    term: Term
    month: date | None
    trigger_date: date

    @property
    def key(self) -> tuple[str, str]:
        return self.term.code, month_key(self.month)


def month_key(month: date | None) -> str:
    return NO_MONTH if month is None else month.strftime("%Y-%m")


def term_of(milestone, price: Decimal) -> Term:
    amount = milestone.amount if milestone.amount is not None else percentage_of(milestone.percentage, price)
    return Term(milestone.code, milestone.label, milestone.kind, milestone.position, milestone.trigger,
                dict(milestone.params or {}), amount)


def counting(events: list) -> list:
    """Drop what counts for nothing: events dated after the trajectory's dropout (voided ones are gone already)."""
    dropouts = [e.occurred_on for e in events if e.type == "dropout"]
    if not dropouts:
        return events
    dropout = min(dropouts)
    return [e for e in events if e.occurred_on <= dropout]


def _first(events, match) -> date | None:
    dates = [e.occurred_on for e in events if match(e)]
    return min(dates) if dates else None


def _latest_of_earliest(events, names, match) -> date | None:
    """The latest of the per-name earliest qualifying dates; None unless every name qualifies."""
    earliest = [_first(events, lambda e, name=name: match(e, name)) for name in names]
    return None if not earliest or None in earliest else max(earliest)


def _at_least(level: str | None, wanted: str) -> bool:
    return level in _RANK and _RANK[level] >= _RANK[wanted]


def _passed(e) -> bool:
    return e.type == "exam" and e.result == "geslaagd"


def _attendance_months(events) -> list[tuple[date, Decimal, Decimal, Decimal]]:
    totals: dict[date, list[Decimal]] = {}
    for e in events:
        if e.type == "attendance" and e.month is not None:
            row = totals.setdefault(e.month, [Decimal(0), Decimal(0), Decimal(0)])
            row[0] += e.hours_offered or 0
            row[1] += e.hours_attended or 0
            row[2] += e.hours_excused or 0
    return [(month, *totals[month]) for month in sorted(totals)]


def _attendance(term: Term, events) -> list[Earned]:
    min_rate = Decimal(str(term.params.get("min_rate", "0.80")))
    earned = []
    for month, offered, attended, excused in _attendance_months(events):
        due = offered - excused
        if due > 0 and attended >= min_rate * due:  # attended / due >= min_rate, without dividing
            earned.append(Earned(term, month, month_end(month)))
    max_months = term.params.get("max_months")
    return earned[:max_months] if max_months else earned


def _hours(term: Term, events) -> date | None:
    needed, running = Decimal(str(term.params["hours"])), Decimal(0)
    for month, _, attended, _ in _attendance_months(events):
        running += attended
        if running >= needed:
            return month_end(month)
    return None


def _level(term: Term, events) -> date | None:
    wanted = term.params["level"]
    return _latest_of_earliest(events, term.params["skills"], lambda e, skill: _at_least(e.level, wanted) and (
        (e.type == "progress_test" and e.skill == skill) or (_passed(e) and e.component == skill)))


def _exam(term: Term, events) -> date | None:
    wanted = term.params.get("level", "B1")
    return _latest_of_earliest(events, term.params["components"], lambda e, component: _passed(e) and (
        e.component == component and (component == "KNM" or _at_least(e.level, wanted))))


_SINGLE = {
    "start": lambda term, events: _first(events, lambda e: e.type == "start"),
    "hours": _hours,
    "level": _level,
    "exam": _exam,
    "module": lambda term, events: _first(
        events, lambda e: e.type == "module_completed" and e.module == term.params["module"]),
    "completed": lambda term, events: _first(events, lambda e: e.type == "completed"),
    "outflow": lambda term, events: _first(
        events, lambda e: e.type == "outflow" and e.destination in term.params["destinations"]),
}


def earned_instances(terms: list[Term], events: list, cutoff: date) -> list[Earned]:
    """Every instance earned on or before the cut-off, in schedule order."""
    events = counting(events)
    earned = []
    for term in terms:
        if term.trigger == "attendance_month":
            earned += [e for e in _attendance(term, events) if e.trigger_date <= cutoff]
            continue
        trigger_date = _SINGLE[term.trigger](term, events)
        if trigger_date is not None and trigger_date <= cutoff:
            earned.append(Earned(term, None, trigger_date))
    return earned
