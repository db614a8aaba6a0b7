"""Which milestone instances a trajectory has earned at a cut-off (payments.md, "Triggers").

A run streams each trajectory's counting events once into Facts (the earliest date per kind of event, the attendance
per month); every trigger then reads those facts, so the cost per event does not grow with the schedule.

Each milestone names the sources whose evidence may earn it (core.terms.SOURCES, issue 18). A trigger is read from
the facts of those sources' events; what only the other sources' events earn is a claim for staff to verify.

Effort (inspanning) milestones stop after the trajectory's inburgeringstermijn (issue 19): an instance counts only
when what it pays for lies in the termijn, the month of an attendance or hours milestone beginning in it.
"""
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import NamedTuple

from core.dates import month_end
from core.terms import DEFAULT_BUCKET, LEVELS, amount_on

NO_MONTH = "-"
_RANK = {level: rank for rank, level in enumerate(LEVELS)}
#: The event columns facts_of reads, in this order: hours in hundredths, as stored (hours_*_e2); last the origin,
#: which of core.terms.SOURCES reported the event (from its sender).
EVENT_FIELDS = ("trajectory_id", "type", "occurred_on", "month", "hours_offered", "hours_attended", "hours_excused",
                "bucket", "skill", "level", "component", "result", "module", "destination", "origin")


@dataclass
class Facts:
    """What one trajectory's counting events say, as the triggers read it."""

    first: dict = field(default_factory=dict)  # event type -> earliest date
    tests: dict = field(default_factory=dict)  # (skill, level) of a progress test -> earliest date
    passes: dict = field(default_factory=dict)  # (component, level) of a passed exam -> earliest date
    passed: dict = field(default_factory=dict)  # component of a passed exam, whatever its level -> earliest date
    modules: dict = field(default_factory=dict)  # module completed -> earliest date
    outflows: dict = field(default_factory=dict)  # destination -> earliest date
    lowered: dict = field(default_factory=dict)  # skill afgeschaald -> (date, level) of its earliest afschaling
    months: dict = field(default_factory=dict)  # attendance month -> [offered, attended, excused] in hundredths
    buckets: dict = field(default_factory=dict)  # hours bucket -> its own months, as `months` holds them all


def facts_of(events) -> Facts:
    """Facts of one trajectory's events (tuples in EVENT_FIELDS order, by date): voided ones are gone already,
    and what is dated after the dropout counts for nothing."""
    facts, dropout = Facts(), None
    for _, kind, day, month, offered, attended, excused, bucket, skill, level, component, result, module, \
            destination, _ in events:
        if dropout is not None and day > dropout:
            break  # in date order: nothing after this counts either
        if kind == "attendance":
            if month is not None:
                for hours in (facts.months.setdefault(month, [0, 0, 0]),
                              facts.buckets.setdefault(bucket or DEFAULT_BUCKET, {}).setdefault(month, [0, 0, 0])):
                    hours[0] += offered or 0
                    hours[1] += attended or 0
                    hours[2] += excused or 0
            continue
        facts.first.setdefault(kind, day)  # setdefault: the first seen is the earliest
        if kind == "progress_test":
            facts.tests.setdefault((skill, level), day)
        elif kind == "exam" and result == "geslaagd":
            facts.passes.setdefault((component, level), day)
            facts.passed.setdefault(component, day)
        elif kind == "module_completed":
            facts.modules.setdefault(module, day)
        elif kind == "outflow":
            facts.outflows.setdefault(destination, day)
        elif kind == "afschaling":
            facts.lowered.setdefault(skill, (day, level))
        elif kind == "dropout" and dropout is None:
            dropout = day
    return facts


@dataclass(frozen=True)
class Term:
    """A milestone as the calculation needs it, detached from the session; `when` reads its trigger from Facts."""

    code: str
    label: str
    kind: str
    position: int
    trigger: str
    #: What it pays from each day on: the first from date.min, then one per tariff change that alters it.
    tariffs: tuple[tuple[date, Decimal], ...]
    #: The sources whose evidence may earn it.
    sources: frozenset[str]
    when: object = field(compare=False, repr=False)

    @property
    def is_effort(self) -> bool:
        """An inspanning milestone: it stops after the inburgeringstermijn."""
        return self.kind == "inspanning"

    def amount_on(self, day: date) -> Decimal:
        """What this milestone pays for an instance whose trigger date is `day`."""
        if len(self.tariffs) == 1:
            return self.tariffs[0][1]
        return self.tariffs[bisect_right(self.tariffs, day, key=itemgetter(0)) - 1][1]


class Earned(NamedTuple):
    """An earned milestone instance (a tuple: a national run makes millions of them)."""

    term: Term
    month: date | None
    trigger_date: date

    @property
    def key(self) -> tuple[str, str]:
        return self.term.code, month_key(self.month)


@cache  # a run asks for the same few dozen months over and over
def month_key(month: date | None) -> str:
    return NO_MONTH if month is None else month.strftime("%Y-%m")


_month_end = cache(month_end)


def term_of(milestone, price: Decimal, tariff_changes=()) -> Term:
    """The milestone with core.terms.amount_on asked once per tariff period: the amount only changes on the day a
    tariff change takes effect, so a run need not ask it per line."""
    tariffs = [(date.min, amount_on(milestone, price, tariff_changes, date.min))]
    for day in sorted({change.effective_on for change in tariff_changes}):
        amount = amount_on(milestone, price, tariff_changes, day)
        if amount != tariffs[-1][1]:
            tariffs.append((day, amount))
    params = dict(milestone.params or {})
    return Term(milestone.code, milestone.label, milestone.kind, milestone.position, milestone.trigger,
                tuple(tariffs), frozenset(milestone.sources), _TRIGGERS[milestone.trigger](params))


def _earliest(dates) -> date | None:
    found = [d for d in dates if d is not None]
    return min(found) if found else None


def _latest_of_earliest(earliest: list) -> date | None:
    """The latest of the per-name earliest qualifying dates; None unless every name qualifies."""
    return None if not earliest or None in earliest else max(earliest)


@cache
def _levels_from(wanted: str) -> tuple[str, ...]:
    return tuple(level for level in LEVELS if _RANK[level] >= _RANK[wanted])


def _reached(facts: Facts, skill: str, wanted: str, date_at) -> date | None:
    """The earliest day `skill` reached its target level, `date_at(level)` giving the earliest qualifying date at a
    level. After an afschaling of the skill below `wanted` the target is the lowered level, from the afschaling's
    date on: reaching it earlier counts on that date."""
    at_target = _earliest([date_at(level) for level in _levels_from(wanted)])
    lowered = facts.lowered.get(skill)
    if lowered is None or _RANK[lowered[1]] >= _RANK[wanted]:
        return at_target
    since, level = lowered
    at_lowered = _earliest([date_at(level) for level in _levels_from(level)])
    return _earliest([at_target, max(at_lowered, since) if at_lowered is not None else None])


def _months(facts: Facts, bucket: str | None) -> dict:
    """The attendance per month in one hours bucket, or in all of them (a milestone naming none)."""
    return facts.months if bucket is None else facts.buckets.get(bucket, {})


def _attendance(params):
    """The qualifying months: attended / (offered - excused) >= min_rate; the first max_months of them, by month."""
    min_rate, max_months = Decimal(str(params.get("min_rate", "0.80"))), params.get("max_months")
    bucket = params.get("bucket")

    def months(facts: Facts) -> list[date]:
        qualifying = [month for month, (offered, attended, excused) in sorted(_months(facts, bucket).items())
                      if offered - excused > 0 and attended >= min_rate * (offered - excused)]  # without dividing
        return qualifying[:max_months] if max_months else qualifying
    return months


def _hours(params):
    needed = Decimal(str(params["hours"])) * 100  # the facts count hundredths
    bucket = params.get("bucket")

    def reached(facts: Facts) -> date | None:
        running, months = 0, _months(facts, bucket)
        for month in sorted(months):
            running += months[month][1]
            if running >= needed:
                return _month_end(month)
        return None
    return reached


def _level(params):
    wanted, skills = params["level"], params["skills"]

    def reached(facts: Facts, skill: str) -> date | None:
        return _reached(facts, skill, wanted, lambda level: _earliest(
            [facts.tests.get((skill, level)), facts.passes.get((skill, level))]))
    return lambda facts: _latest_of_earliest([reached(facts, skill) for skill in skills])


def _exam(params):
    wanted, components = params.get("level", "B1"), params["components"]

    def passed(facts: Facts, component: str) -> date | None:
        if component == "KNM":  # any passed KNM exam, whatever its level
            return facts.passed.get("KNM")
        return _reached(facts, component, wanted, lambda level: facts.passes.get((component, level)))
    return lambda facts: _latest_of_earliest([passed(facts, component) for component in components])


def _outflow(params):
    destinations = params["destinations"]
    return lambda facts: _earliest([facts.outflows.get(destination) for destination in destinations])


_TRIGGERS = {
    "start": lambda params: lambda facts: facts.first.get("start"),
    "attendance_month": _attendance,
    "hours": _hours,
    "level": _level,
    "exam": _exam,
    "module": lambda params: lambda facts: facts.modules.get(params["module"]),
    "completed": lambda params: lambda facts: facts.first.get("completed"),
    "outflow": _outflow,
}


class Evidence:
    """One trajectory's counting events (EVENT_FIELDS tuples, by date) and their facts: of all of them, and of the
    events of a set of sources, each made once and only when some source outside the set is present.
    `effort_until`: the last day of the termijn in which its effort milestones are paid (None: no end known)."""

    def __init__(self, events: list[tuple], effort_until: date | None = None):
        self.events, self.all, self.effort_until = events, facts_of(events), effort_until
        self.present = frozenset(event[-1] for event in events)
        self._of: dict[frozenset, Facts] = {}

    def facts_for(self, sources: frozenset) -> Facts:
        """The facts of these sources' events; a dropout ends the trajectory whoever reports it."""
        if self.present <= sources:
            return self.all
        if sources not in self._of:
            self._of[sources] = facts_of([e for e in self.events if e[-1] in sources or e[1] == "dropout"])
        return self._of[sources]


def earned_instances(terms: list[Term], evidence: Evidence, cutoff: date) -> tuple[list[Earned], list[Earned]]:
    """Every instance earned on or before the cut-off, in schedule order: those the milestone's own sources earn,
    and the claims, which only evidence from other sources earns."""
    earned, claimed = [], []
    for term in terms:
        trusted = evidence.facts_for(term.sources)
        until = evidence.effort_until if term.is_effort else None
        found = _instances(term, trusted, cutoff, until)
        earned += found
        if trusted is not evidence.all:
            keys = {e.key for e in found}
            claimed += [e for e in _instances(term, evidence.all, cutoff, until) if e.key not in keys]
    return earned, claimed


def _instances(term: Term, facts: Facts, cutoff: date, until: date | None) -> list[Earned]:
    """The instances earned by the cut-off; with `until`, only those whose day (the first of the month for attendance
    and hours) lies on or before it."""
    if term.trigger == "attendance_month":
        return [Earned(term, month, _month_end(month)) for month in term.when(facts)
                if _month_end(month) <= cutoff and (until is None or month <= until)]
    trigger_date = term.when(facts)
    if trigger_date is None or trigger_date > cutoff:
        return []
    if until is not None and (trigger_date.replace(day=1) if term.trigger == "hours" else trigger_date) > until:
        return []
    return [Earned(term, None, trigger_date)]
