"""The forecast: expected payments per month from the current month through December two years on, per (contract,
municipality), from (a) the running trajectories and (b) the referrals the procurement cases expect.

(a) Each milestone a running trajectory has not earned is weighted by the chance, given its age, that it earns it
in each coming month (the Kaplan-Meier curves of budget/survival.py); each month a monthly milestone can still pay
by the chance that the trajectory still runs then times the share of such months that qualified; what is earned
and not paid falls in the current month. (b) A referral expected in a month follows the same curves from month 0.
The contract's ceiling caps the total, and the forecast of the running trajectories never exceeds their commitment.
Amounts are estimates: probabilities times euros in floating point, rounded half-up to cents at the end.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from budget.positions import Book, book, contract_rooms
from budget.schedules import MONTHLY, schedules
from budget.survival import (Z, Curve, attendance_rate, chosen, default_curve, default_running, expected_months,
                             kaplan_meier)
from contracts.models import Contract, ContractStatus
from core.extensions import db
from core.models import region_municipality
from procurement.models import ProcurementCase

#: The three series of every forecast: the expected value and the bounds of its band.
POINT, LOW, HIGH = range(3)


def horizon(day: date) -> list[date]:
    """The first days of the months from `day`'s month through December two years on."""
    index, last = day.year * 12 + day.month - 1, (day.year + 2) * 12 + 11
    return [date(i // 12, i % 12 + 1, 1) for i in range(index, last + 1)]


@dataclass
class Forecast:
    day: date
    months: list[date]
    #: (contract, municipality) -> array (3, months): point, low, high.
    running: dict = field(default_factory=dict)
    new: dict = field(default_factory=dict)
    book: Book | None = None
    #: (contract, code) -> where its curve came from (contract, dienst in de regio, standaard).
    sources: dict = field(default_factory=dict)


def region_members(municipality_ids) -> list[int]:
    """The municipalities of every region these belong to (the history the curves are estimated from)."""
    regions = sa.select(region_municipality.c.region_id).where(
        region_municipality.c.municipality_id.in_(list(municipality_ids) or [-1]))
    found = set(db.session.scalars(sa.select(region_municipality.c.municipality_id).where(
        region_municipality.c.region_id.in_(regions))))
    return sorted(found | set(municipality_ids))


def forecast(municipality_ids, day: date) -> Forecast:
    """The forecast for these municipalities as things stand on `day` (a past day for the backtest)."""
    members = region_members(municipality_ids)
    result = Forecast(day, horizon(day), book=book(members, day))
    curves = _Curves(result)
    _from_running(result, curves)
    _from_referrals(result, curves, members)
    _cap_at_ceilings(result)
    _cap_at_commitments(result)
    wanted = set(municipality_ids)
    result.running = {key: value for key, value in result.running.items() if key[1] in wanted}
    result.new = {key: value for key, value in result.new.items() if key[1] in wanted}
    return result


class _Curves:
    """The curves per (contract, municipality's region, milestone), estimated once."""

    def __init__(self, result: Forecast):
        self.result, self.cache, self.windows = result, {}, {}

    def window(self, curve, age: int, call) -> tuple:
        """A curve's probabilities over the horizon for one age, computed once per curve and age."""
        key = (id(curve), age)
        if key not in self.windows:
            self.windows[key] = np.array(call())
        return self.windows[key]

    def history(self, contract_id: int, municipality_id: int):
        b = self.result.book
        service_key = b.history_key(contract_id, municipality_id) if contract_id in b.schedules else None
        return chosen(b.histories, ("contract", contract_id), service_key)

    def milestone(self, schedule, municipality_id: int, term) -> Curve:
        history, label = self.history(schedule.contract.id, municipality_id)
        service = schedule.contract.service.code
        key = (id(history) if history else None, service, term.trigger, term.code)
        if key not in self.cache:
            counts = history.milestones.get(term.code, {}) if history else {}
            self.cache[key] = kaplan_meier(history, counts, default_curve(service, term.trigger), label)
        self.result.sources[schedule.contract.id, term.code] = self.cache[key].source
        return self.cache[key]

    def running(self, schedule, municipality_id: int) -> tuple[Curve, dict]:
        history, label = self.history(schedule.contract.id, municipality_id)
        service = schedule.contract.service.code
        key = (id(history) if history else None, service, tuple(term.code for term in schedule.monthly))
        if key not in self.cache:
            curve = kaplan_meier(history, history.ends if history else {}, default_running(service), label)
            rates = {term.code: attendance_rate(history, term.code) for term in schedule.monthly}
            self.cache[key] = (curve, rates)
        return self.cache[key]


def _add(target: dict, key: tuple, series, months: int, weight: float = 1.0) -> None:
    if key not in target:
        target[key] = np.zeros((3, months))
    target[key] += weight * np.asarray(series)


def _from_running(result: Forecast, curves: _Curves) -> None:
    b, months = result.book, len(result.months)
    for (contract_id, municipality_id, code), ages in b.waiting.items():
        schedule = b.schedules[contract_id]
        term = next(t for t in schedule.terms if t.code == code)
        curve, amount = curves.milestone(schedule, municipality_id, term), float(schedule.amount_on(code, b.day))
        for age, count in ages.items():
            window = curves.window(curve, age, lambda: curve.conditional(age, months))
            _add(result.running, (contract_id, municipality_id), window, months, count * amount)
    for (contract_id, municipality_id, code), groups in b.monthly.items():
        schedule = b.schedules[contract_id]
        running, rates = curves.running(schedule, municipality_id)
        amount = float(schedule.amount_on(code, b.day))
        for (age, slots), count in groups.items():
            window = curves.window(rates[code], (age, slots),
                                   lambda: expected_months(running, rates[code], age, months, slots))
            _add(result.running, (contract_id, municipality_id), window, months, count * amount)
    for key, pending in b.pending.items():
        _add(result.running, key, [np.eye(1, months)[0]] * 3, months, float(pending))


def expected_referrals(contracts: list[Contract], municipality_ids: set[int], months: list[date]) -> dict:
    """(contract, municipality) -> referrals expected per month: the procurement case's participants per year
    (its split per municipality, or evenly over its municipalities), shared by the case's active contracts, in
    the months after the current one that the contract runs."""
    by_case = defaultdict(list)
    for contract in contracts:
        by_case[contract.procurement_case_id].append(contract)
    result = {}
    for contract in contracts:
        case = contract.procurement_case
        own = {m.code: m for m in case.municipalities if m.id in municipality_ids and m in contract.municipalities}
        split = case.participants_by_municipality or {}
        for code, municipality in own.items():
            yearly = split.get(code, 0) if split else case.expected_participants_per_year / len(case.municipalities)
            per_month = float(yearly) / 12 / len(by_case[contract.procurement_case_id])
            result[contract.id, municipality.id] = np.array(
                [per_month if n > 0 and contract.starts_on.replace(day=1) <= month <= contract.ends_on else 0.0
                 for n, month in enumerate(months)])
    return result


def _from_referrals(result: Forecast, curves: _Curves, members: list[int]) -> None:
    months = len(result.months)
    contracts = db.session.scalars(
        sa.select(Contract).where(Contract.procurement_case_id.is_not(None), Contract.status == ContractStatus.ACTIVE,
                                  Contract.ends_on >= result.day)
        .options(selectinload(Contract.procurement_case).selectinload(ProcurementCase.municipalities),
                 selectinload(Contract.municipalities))).all()
    expected = expected_referrals(contracts, set(members), result.months)
    found = schedules({contract_id for contract_id, _ in expected}) | result.book.schedules
    for (contract_id, municipality_id), per_month in expected.items():
        schedule = found[contract_id]
        profile = np.zeros((3, months))
        for term in schedule.terms:
            amount = float(schedule.amount_on(term.code, result.day))
            if term.trigger == MONTHLY:
                running, rates = curves.running(schedule, municipality_id)
                series = expected_months(running, rates[term.code], 0, months,
                                         schedule.slots(term, 0, result.day))
            else:
                series = curves.milestone(schedule, municipality_id, term).conditional(0, months)
            profile += amount * np.array(series)
        spread = Z / np.sqrt(max(per_month.sum(), 1.0))  # Poisson: the count itself is uncertain
        counts = (per_month, per_month * max(0.0, 1 - spread), per_month * (1 + spread))
        result.new[contract_id, municipality_id] = np.array(
            [np.convolve(count, profile[n])[:months] for n, count in enumerate(counts)])


def _cap_at_ceilings(result: Forecast) -> None:
    """Per contract with a ceiling, the forecast of all its municipalities together stops where the room is spent."""
    contracts = {key[0] for key in (*result.running, *result.new)}
    for contract_id, room in contract_rooms(contracts).items():
        parts = [(target, key) for target in (result.running, result.new) for key in target if key[0] == contract_id]
        total = sum(target[key] for target, key in parts)
        allowed = np.diff(np.minimum(np.cumsum(total, axis=1), max(0.0, float(room))), axis=1, prepend=0.0)
        factor = np.divide(allowed, total, out=np.zeros_like(total), where=total > 0)
        for target, key in parts:
            target[key] = target[key] * np.where(total > 0, factor, 1.0)


def _cap_at_commitments(result: Forecast) -> None:
    """The forecast from running trajectories never exceeds what they are committed."""
    for key, series in result.running.items():
        committed = float(result.book.committed.get(key, 0))
        totals = series.sum(axis=1)
        for n in (POINT, LOW, HIGH):
            if totals[n] > committed and totals[n] > 0:
                series[n] *= max(0.0, committed) / totals[n]
