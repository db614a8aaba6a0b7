"""The indicators of kpis.md as pure functions of trajectories and their (non-voided) progress events.

Each rule takes the window [start, end] (inclusive), the trajectories and their timelines, plus the
agreement's params, and returns a Result: the value (empty when the denominator is zero) together with the
trajectories behind its numerator and denominator, so that every figure can be drilled down.
"""
import statistics
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.terms import DEFAULT_BUCKET, KPI_NAMES, LEVELS
from trajectories.events import SWITCH_REASON

RATIO_PLACES = Decimal("0.0001")
ENDING_TYPES = ("completed", "dropout")


@dataclass
class Result:
    kpi: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal
    numerator_ids: set = field(default_factory=set)
    denominator_ids: set = field(default_factory=set)
    #: The durations behind a median, so that medians of several groups can be combined.
    samples: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return KPI_NAMES[self.kpi]


@dataclass
class Timeline:
    """One trajectory's valid events in date order, with the facts several rules share."""

    trajectory_id: int
    municipality_id: int
    referral_date: date
    events: list
    #: The dates the termijn's indicators read (issue 19); the termijn's last day is that of its extension, if any.
    kennisgeving_on: date | None = None
    pip_date: date | None = None
    term_last_day: date | None = None

    def first(self, *types: str):
        return next((e for e in self.events if e.type in types), None)

    @cached_property
    def by_type(self) -> dict[str, list]:
        """The events per type, each list in date order (the rules look at a few types each)."""
        found: dict[str, list] = {}
        for event in self.events:
            found.setdefault(event.type, []).append(event)
        return found

    @cached_property
    def started_on(self) -> date | None:
        event = self.first("start")
        return event.occurred_on if event else None

    @cached_property
    def ended_on(self) -> date | None:
        event = self.first(*ENDING_TYPES)
        return event.occurred_on if event else None

    def is_active_in(self, start: date, end: date) -> bool:
        """Started on or before the window's end and not ended before its start."""
        return (self.started_on is not None and self.started_on <= end
                and (self.ended_on is None or self.ended_on >= start))

    def target_level(self, skill: str, day: date, level: str) -> str:
        """The level an onderdeel is held to on `day`: lowered by an afschaling dated on or before it (issue 19)."""
        for event in self.by_type.get("afschaling", ()):
            if event.skill == skill and event.occurred_on <= day and LEVELS.index(event.level) < LEVELS.index(level):
                return event.level
        return level

    def dated_in(self, start: date, end: date, *types: str) -> list:
        """The events of these types dated in [start, end], per type in date order."""
        return [e for kind in types for e in self.by_type.get(kind, ()) if start <= e.occurred_on <= end]


def build_timelines(trajectories, events) -> list[Timeline]:
    """Timelines from raw events: retractions and the events they void are left out."""
    voided = {e.retracts_id for e in events if e.type == "retraction"}
    by_trajectory = {t.id: [] for t in trajectories}
    for event in sorted(events, key=lambda e: (e.occurred_on, e.id)):
        if event.type != "retraction" and event.id not in voided and event.trajectory_id in by_trajectory:
            by_trajectory[event.trajectory_id].append(event)
    return [Timeline(t.id, t.municipality_id, t.referral_date, by_trajectory[t.id], t.kennisgeving_on, t.pip_date,
                     t.term_last_day) for t in trajectories]


def ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO_PLACES, ROUND_HALF_UP)


def _counted(kpi: str, numerator_ids: set, denominator_ids: set) -> Result:
    return Result(kpi, ratio(len(numerator_ids), len(denominator_ids)), Decimal(len(numerator_ids)),
                  Decimal(len(denominator_ids)), numerator_ids, denominator_ids)


def _in_time(kpi: str, timelines, start, end, weeks, since, done) -> Result:
    """The trajectories whose deadline (`weeks` after the day `since` gives) lies in the window; counted when the day
    `done` gives is on or before it. A trajectory without its `since` day is left out."""
    due = {t.trajectory_id: since(t) + timedelta(days=7 * int(weeks)) for t in timelines if since(t) is not None}
    denominator = {tid for tid, day in due.items() if start <= day <= end}
    numerator = {t.trajectory_id for t in timelines if t.trajectory_id in denominator
                 and done(t) is not None and done(t) <= due[t.trajectory_id]}
    return _counted(kpi, numerator, denominator)


def timely_start(timelines, start, end, weeks=10, **_) -> Result:
    return _in_time("timely_start", timelines, start, end, weeks, lambda t: t.referral_date, lambda t: t.started_on)


def timely_pip(timelines, start, end, weeks=10, **_) -> Result:
    """The PIP within `weeks` of DUO's kennisgeving (ten weeks in the law)."""
    return _in_time("timely_pip", timelines, start, end, weeks, lambda t: t.kennisgeving_on, lambda t: t.pip_date)


def start_after_pip(timelines, start, end, weeks=6, **_) -> Result:
    """The start of the route within `weeks` of the PIP."""
    return _in_time("start_after_pip", timelines, start, end, weeks, lambda t: t.pip_date, lambda t: t.started_on)


def on_course_in_term(timelines, start, end, **_) -> Result:
    """Of the trajectories with a known termijn that run in the window or complete in it: those that completed on or
    before the termijn's last day, or that at the window's end still run within it. Off course: completed after
    it, or still running when it ended. A dropout or switch takes a trajectory out from its date on."""
    denominator, numerator = set(), set()
    for t in timelines:
        if t.term_last_day is None or not t.is_active_in(start, end):
            continue
        completed = t.first("completed")
        if t.ended_on is not None and t.ended_on <= end and completed is None:
            continue  # ended otherwise (uitval, schakelen) by the window's end: no longer on any course
        denominator.add(t.trajectory_id)
        reached = completed.occurred_on if completed is not None and completed.occurred_on <= end else end
        if reached <= t.term_last_day:
            numerator.add(t.trajectory_id)
    return _counted("on_course_in_term", numerator, denominator)


def attendance_rate(timelines, start, end, bucket=None, **_) -> Result:
    """Over the attendance of one hours bucket, or of all of them."""
    attended = expected = Decimal(0)
    ids = set()
    for timeline in timelines:
        for event in timeline.by_type.get("attendance", ()):
            if start <= event.month <= end and (bucket is None or (event.bucket or DEFAULT_BUCKET) == bucket):
                attended += event.hours_attended or 0
                expected += (event.hours_offered or 0) - (event.hours_excused or 0)
                ids.add(timeline.trajectory_id)
    return Result("attendance_rate", ratio(attended, expected), attended, expected, ids, ids)


def dropout_rate(timelines, start, end, **_) -> Result:
    denominator = {t.trajectory_id for t in timelines if t.is_active_in(start, end)}
    numerator = {t.trajectory_id for t in timelines
                 if any(e.reason == "uitval" for e in t.dated_in(start, end, "dropout"))}
    return _counted("dropout_rate", numerator, denominator)


def exam_pass_rate(timelines, start, end, level="B1", **_) -> Result:
    """An afgeschaald onderdeel's exams count at its lowered level."""
    exams = [(t.trajectory_id, e) for t in timelines for e in t.dated_in(start, end, "exam")
             if e.result in ("geslaagd", "gezakt") and e.level == t.target_level(e.component, e.occurred_on, level)]
    passed = [tid for tid, e in exams if e.result == "geslaagd"]
    return Result("exam_pass_rate", ratio(len(passed), len(exams)), Decimal(len(passed)), Decimal(len(exams)),
                  set(passed), {tid for tid, _ in exams})


def _made_progress(timeline: Timeline, start: date, end: date) -> bool:
    best: dict[str, int] = {}
    for event in timeline.by_type.get("progress_test", ()):
        rank = LEVELS.index(event.level)
        earlier = best.get(event.skill, LEVELS.index("A0"))  # a first test counts only above A0
        if start <= event.occurred_on <= end and rank > earlier:
            return True
        best[event.skill] = max(rank, best.get(event.skill, rank))
    return False


def level_progress(timelines, start, end, **_) -> Result:
    denominator = {t.trajectory_id for t in timelines if t.is_active_in(start, end)}
    numerator = {t.trajectory_id for t in timelines if t.trajectory_id in denominator and _made_progress(t, start, end)}
    return _counted("level_progress", numerator, denominator)


def median_duration(timelines, start, end, **_) -> Result:
    """Days from start to completed; the numerator is left empty: a median has no counted part."""
    days = {}
    for timeline in timelines:
        completed = timeline.dated_in(start, end, "completed")
        if completed and timeline.started_on is not None:
            days[timeline.trajectory_id] = (completed[0].occurred_on - timeline.started_on).days
    ids = set(days)
    return Result("median_duration", _median(days.values()), None, Decimal(len(ids)), ids, ids, sorted(days.values()))


def _median(samples) -> Decimal | None:
    samples = list(samples)
    return Decimal(str(statistics.median(samples))).quantize(RATIO_PLACES) if samples else None


def outflow_work_rate(timelines, start, end, **_) -> Result:
    """A trajectory closed for a route switch did not end the participant's route: it is left out."""
    numerator = {t.trajectory_id for t in timelines
                 if any(e.destination == "werk" for e in t.dated_in(start, end, "outflow"))}
    denominator = {t.trajectory_id for t in timelines
                   if any(e.reason != SWITCH_REASON for e in t.dated_in(start, end, *ENDING_TYPES))}
    return _counted("outflow_work_rate", numerator, denominator)


RULES = {"timely_start": timely_start, "attendance_rate": attendance_rate, "dropout_rate": dropout_rate,
         "exam_pass_rate": exam_pass_rate, "level_progress": level_progress, "median_duration": median_duration,
         "outflow_work_rate": outflow_work_rate, "on_course_in_term": on_course_in_term, "timely_pip": timely_pip,
         "start_after_pip": start_after_pip}
assert RULES.keys() == KPI_NAMES.keys()


def combine(kpi: str, results) -> Result:
    """One result over disjoint groups of trajectories (each trajectory in one group): counts and hours add up,
    a median is taken over the durations of every group. Equal to the rule over all the groups' timelines."""
    results = list(results)
    if kpi == "median_duration":
        samples = sorted(s for r in results for s in r.samples)
        return Result(kpi, _median(samples), None, Decimal(len(samples)), samples=samples)
    numerator = sum((r.numerator for r in results), Decimal(0))
    denominator = sum((r.denominator for r in results), Decimal(0))
    return Result(kpi, ratio(numerator, denominator), numerator, denominator)


def status(value: Decimal | None, norm: Decimal | None, direction: str | None) -> str:
    """green when the value meets the norm, red when it does not, grey when the value (or the norm) is empty."""
    if value is None or norm is None:
        return "grey"
    meets = value >= norm if direction == "min" else value <= norm
    return "green" if meets else "red"
