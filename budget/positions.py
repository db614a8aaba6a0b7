"""One pass over a scope's trajectories on a day: what each has earned and been paid (the rules of the payment runs,
payments/rules.py, on the same stream of events), what its schedule can still pay it (committed), and the history
that the forecast's time-to-milestone curves are estimated from.

Everything is added up per (contract, municipality) as it goes, so memory does not grow with the trajectories.
"""
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from budget.schedules import Schedule, months_between, schedules
from contracts.models import Contract, ContractLedger
from core.extensions import db
from core.models import region_municipality
from payments.calculation import stream_trajectories
from payments.rules import NO_MONTH, Evidence, earned_instances
from trajectories.models import Trajectory

ZERO = Decimal("0.00")
#: The time of a milestone that a trajectory that ended without it will never reach: it stays at risk for ever.
NEVER = 10_000
#: Where a paid row of stream_trajectories keeps the paid line's trigger date.
PAID_TRIGGER_DATE = 13


def ended_on(facts, day: date) -> date | None:
    """The day a trajectory ended (dropout or completion) on or before `day`; None while it runs."""
    ends = [d for d in (facts.first.get("dropout"), facts.first.get("completed")) if d is not None and d <= day]
    return min(ends) if ends else None


@dataclass
class History:
    """What a group of trajectories shows: per milestone (time from referral in months, observed) -> trajectories,
    the same for the end of the trajectory, and per monthly milestone the months at risk and qualifying by age."""

    trajectories: int = 0
    #: The age of the oldest trajectory: how many months the history covers.
    oldest: int = 0
    milestones: dict = field(default_factory=lambda: defaultdict(Counter))
    ends: Counter = field(default_factory=Counter)
    #: code -> {last month at risk: trajectories}; at risk in month u = those whose last month is u or later.
    at_risk_until: dict = field(default_factory=lambda: defaultdict(Counter))
    qualifying: dict = field(default_factory=lambda: defaultdict(Counter))


@dataclass
class Book:
    """The pass's totals per (contract, municipality), and the histories per contract and per (service, region)."""

    day: date
    schedules: dict[int, Schedule]
    committed: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    #: Earned and not yet paid (held lines included), less the clawbacks of paid milestones no longer earned.
    pending: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    paid: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    running: Counter = field(default_factory=Counter)
    #: (contract, municipality, code) -> {age in months: running trajectories that have not earned it}
    waiting: dict = field(default_factory=lambda: defaultdict(Counter))
    #: (contract, municipality, code) -> {(age, months it can still pay): running trajectories}
    monthly: dict = field(default_factory=lambda: defaultdict(Counter))
    histories: dict = field(default_factory=lambda: defaultdict(History))
    region_of: dict = field(default_factory=dict)

    def history_key(self, contract_id: int, municipality_id: int) -> tuple:
        """The wider group a thin contract history falls back to: its service in the municipality's region."""
        return "service", self.schedules[contract_id].contract.service_id, self.region_of.get(municipality_id)


def book(member_ids: list[int], day: date) -> Book:
    """The pass over the trajectories of these municipalities referred on or before `day`, as things stood then."""
    contract_ids = db.session.scalars(sa.select(Trajectory.contract_id).distinct().where(
        Trajectory.municipality_id.in_(member_ids or [-1]))).all()
    result = Book(day, schedules(contract_ids))
    result.region_of = dict(db.session.execute(sa.select(region_municipality.c.municipality_id,
                                                         sa.func.min(region_municipality.c.region_id))
                                               .group_by(region_municipality.c.municipality_id)).all())
    with closing(stream_trajectories(member_ids, Trajectory.referral_date)) as stream:
        for trajectory, events, paid in stream:
            if trajectory[6] <= day:
                _take(result, trajectory, events, paid)
    return result


def _take(result: Book, trajectory, events, paid_rows) -> None:
    _, _, contract_id, municipality_id, _, effort_until, referral = trajectory
    schedule, day = result.schedules[contract_id], result.day
    evidence = Evidence(events, effort_until)  # what the milestones' own sources earned; claims wait for staff
    facts, earned = evidence.all, {e.key: e for e in earned_instances(schedule.terms, evidence, day)[0]}
    paid = {(row[1], row[2]): row[3] for row in paid_rows
            if row[PAID_TRIGGER_DATE] is None or row[PAID_TRIGGER_DATE] <= day}  # what was paid by `day`
    pending = sum((schedule.amount_on(e.term.code, e.trigger_date) for key, e in earned.items() if key not in paid),
                  ZERO) - sum((amount for key, amount in paid.items() if key not in earned), ZERO)
    end, age = ended_on(facts, day), months_between(referral, day)
    months = defaultdict(list)  # monthly milestone -> the ages of the months it earned
    for e in earned.values():
        if e.month is not None:
            months[e.term.code].append(months_between(referral, e.month))
    here = (contract_id, municipality_id)
    potential = ZERO
    if end is None:
        result.running[here] += 1
        potential = _potential(result, schedule, here, earned, months, age)
    paid_total = sum(paid.values(), ZERO)
    result.committed[here] += min(pending + potential, max(ZERO, schedule.capacity(referral, day) - paid_total))
    result.pending[here] += pending
    result.paid[here] += paid_total
    seen = _observed(schedule, earned, months, referral, age, end)
    for key in (("contract", contract_id), result.history_key(contract_id, municipality_id)):
        _remember(result.histories[key], age, *seen)


def _potential(result: Book, schedule: Schedule, here: tuple, earned: dict, months: dict, age: int) -> Decimal:
    """What the schedule can still pay a running trajectory beyond what it earned, at today's tariff; each
    not yet earned milestone and each month a monthly milestone can still pay is counted for the forecast."""
    potential = ZERO
    for term in schedule.single:
        if (term.code, NO_MONTH) not in earned:
            potential += schedule.amount_on(term.code, result.day)
            result.waiting[(*here, term.code)][age] += 1
    for term in schedule.monthly:
        slots = schedule.slots(term, len(months.get(term.code, ())), result.day)
        potential += schedule.amount_on(term.code, result.day) * slots
        result.monthly[(*here, term.code)][age, slots] += 1
    return potential


def _observed(schedule: Schedule, earned: dict, months: dict, referral: date, age: int, end: date | None) -> tuple:
    """What one trajectory adds to a history: (its end, (code, (month, observed)) per milestone, (code, last month
    at risk) and (code, the months it qualified) per monthly milestone)."""
    last = months_between(referral, end) if end is not None else age - 1  # its last month observed
    ending = (last, True) if end is not None else (last, False) if last >= 0 else None
    milestones = []
    for term in schedule.single:
        e = earned.get((term.code, NO_MONTH))
        if e is not None:
            milestones.append((term.code, (months_between(referral, e.trigger_date), True)))
        elif end is not None:
            milestones.append((term.code, (NEVER, False)))
        elif last >= 0:
            milestones.append((term.code, (last, False)))
    at_risk, qualifying = [], []
    for term in schedule.monthly:
        ages, limit = sorted(months.get(term.code, ())), schedule.limit(term)
        until = min(last, ages[limit - 1]) if limit and len(ages) >= limit else last
        if until >= 0:
            at_risk.append((term.code, until))
        if ages:
            qualifying.append((term.code, ages))
    return ending, milestones, at_risk, qualifying


def _remember(history: History, age: int, ending, milestones, at_risk, qualifying) -> None:
    """Add one trajectory's observations to a group's history."""
    history.trajectories += 1
    history.oldest = max(history.oldest, age)
    if ending is not None:
        history.ends[ending] += 1
    for code, key in milestones:
        history.milestones[code][key] += 1
    for code, until in at_risk:
        history.at_risk_until[code][until] += 1
    for code, ages in qualifying:
        history.qualifying[code].update(ages)


def contract_rooms(contract_ids) -> dict[int, Decimal]:
    """What each contract with a ceiling may still pay: its ceiling less what approved runs paid."""
    rows = db.session.execute(sa.select(Contract.id, Contract.ceiling, ContractLedger.paid_total)
                              .outerjoin(ContractLedger, ContractLedger.contract_id == Contract.id)
                              .where(Contract.id.in_(list(contract_ids)), Contract.ceiling.is_not(None))).all()
    return {cid: ceiling - (paid or ZERO) for cid, ceiling, paid in rows}
