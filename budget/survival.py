"""Time-to-milestone curves for the forecast: a Kaplan-Meier estimate (statsmodels) from a group's own history, the
service's defaults where that history is thin or ends, and the monthly attendance rate.

Time is counted in whole months from the referral. A trajectory that earned a milestone is an event at that month;
one still running without it is censored at its last complete month; one that ended without it will never earn it
and stays at risk for ever (censored at NEVER), so S(u) = P(not earned by month u) is the share that never earns it
plus those still to come, as the payments need it.
"""
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from statsmodels.duration.survfunc import SurvfuncRight

from budget.positions import History

#: Below this many trajectories a contract's history falls back to its service in the region, then to defaults.
MIN_HISTORY = 30
#: Below this many months at risk the attendance rate of an age falls back to the default rate.
MIN_AT_RISK = 10
#: The ages (months since referral) the curves cover.
AGES = 240
Z = 1.96
#: A service's typical length in months, when a trajectory runs to its end.
DURATION = {"b1_route": 30, "onderwijsroute": 30, "z_route": 36, "alfabetisering": 24, "knm": 8, "map": 10,
            "pvt": 4, "maatschappelijke_begeleiding": 12, "financieel_ontzorgen": 12, "duaal_traject": 30}
#: Per trigger: the share of trajectories that ever earn it, and when (as a share of the typical length).
DEFAULT_MILESTONES = {"start": (0.95, 0.05), "hours": (0.70, 0.5), "level": (0.60, 0.6), "exam": (0.55, 0.85),
                      "module": (0.75, 0.5), "completed": (0.60, 1.0), "outflow": (0.30, 1.1)}
#: The share of running months that qualify for an attendance milestone.
DEFAULT_ATTENDANCE = 0.75


def _logistic(p: float, median: float) -> np.ndarray:
    """S(u) = 1 - p * F(u), F a logistic distribution function around the median month."""
    ages = np.arange(AGES, dtype=float)
    scale = median / 4 + 0.5
    return 1 - p / (1 + np.exp(-(ages - median) / scale))


def default_curve(service_code: str, trigger: str) -> np.ndarray:
    duration = DURATION.get(service_code, 24)
    p, at = DEFAULT_MILESTONES.get(trigger, (0.5, 0.8))
    return _logistic(p, duration * at)


def default_running(service_code: str) -> np.ndarray:
    """S(u) = P(the trajectory still runs after month u): half have ended by their typical length."""
    return np.power(0.5, np.arange(AGES, dtype=float) / DURATION.get(service_code, 24))


@dataclass
class Curve:
    """S(u) for u = 0 .. AGES-1, with the pointwise 95% bounds; `source` says where it came from."""

    point: np.ndarray
    low: np.ndarray
    high: np.ndarray
    source: str

    @cached_property
    def before(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """S(u - 1): 1 before month 0."""
        return tuple(np.concatenate(([1.0], s[:-1])) for s in (self.point, self.low, self.high))

    def conditional(self, age: int, months: int) -> tuple[np.ndarray, ...]:
        """P(earned in month age + k | not earned before month `age`), k = 0 .. months-1: point, low, high (the
        low forecast comes from the high curve: fewer milestones)."""
        result = []
        point, low, high = self.before
        for s, before in ((self.point, point), (self.high, high), (self.low, low)):
            at_risk = before[min(age, AGES - 1)]
            window = np.zeros(months)
            if at_risk > 0:
                stop = min(AGES, age + months)
                if stop > age:
                    window[:stop - age] = (before[age:stop] - s[age:stop]) / at_risk
            result.append(np.clip(window, 0, 1))
        return tuple(result)


def kaplan_meier(history: History | None, counts, fallback: np.ndarray, source: str) -> Curve:
    """The Kaplan-Meier curve of {(month, observed): trajectories} of a history; past the months the history
    covers it follows the fallback's shape from the level the history reached."""
    items = [(t, observed, n) for (t, observed), n in counts.items() if t >= 0 and n > 0]
    if history is None or not any(observed for _, observed, _ in items):
        return Curve(fallback, fallback, fallback, "standaard")
    fitted = SurvfuncRight(np.array([t for t, _, _ in items], dtype=float),
                           np.array([1 if observed else 0 for _, observed, _ in items]),
                           freq_weights=np.array([n for _, _, n in items], dtype=float))
    ages = np.arange(AGES)
    index = np.searchsorted(fitted.surv_times, ages, side="right") - 1
    known = index >= 0
    point, se = np.ones(AGES), np.zeros(AGES)
    point[known], se[known] = fitted.surv_prob[index[known]], np.nan_to_num(fitted.surv_prob_se[index[known]])
    low, high = np.clip(point - Z * se, 0, 1), np.clip(point + Z * se, 0, 1)
    last = min(history.oldest, AGES - 1)
    if last + 1 < AGES and fallback[last] > 0:
        shape = fallback[last + 1:] / fallback[last]
        for s in (point, low, high):
            s[last + 1:] = s[last] * shape
    return Curve(point, low, high, source)


def attendance_rate(history: History | None, code: str) -> np.ndarray:
    """Per age, the share of months at risk that qualified; the default rate where too few were at risk."""
    rate = np.full(AGES, DEFAULT_ATTENDANCE)
    if history is None:
        return rate
    until = history.at_risk_until.get(code, {})
    at_risk = np.zeros(AGES + 1)
    for last, n in until.items():
        at_risk[min(last, AGES - 1)] += n
    at_risk = np.cumsum(at_risk[::-1])[::-1][:AGES]  # at risk in month u: every last month >= u
    qualifying = np.zeros(AGES)
    for month, n in history.qualifying.get(code, {}).items():
        if 0 <= month < AGES:
            qualifying[month] += n
    enough = at_risk >= MIN_AT_RISK
    rate[enough] = np.minimum(1, qualifying[enough] / at_risk[enough])
    return rate


def chosen(histories: dict, contract_key: tuple, service_key: tuple) -> tuple[History | None, str]:
    """The contract's own history when it is long enough, else its service's in the region, else none."""
    for key, label in ((contract_key, "contract"), (service_key, "dienst in de regio")):
        history = histories.get(key)
        if history is not None and history.trajectories >= MIN_HISTORY:
            return history, label
    return None, "standaard"


def expected_months(running: Curve, rate: np.ndarray, age: int, months: int, slots: int) -> tuple[np.ndarray, ...]:
    """The expected qualifying months of a monthly milestone in month age + k (k < months) for a trajectory running
    at `age` that can still earn `slots`: point, low, high; never more than `slots` in all."""
    result = []
    point, low, high = running.before
    for before in (point, high, low):
        window = np.zeros(months)
        start = before[min(age, AGES - 1)]  # S(age - 1): running when this month began
        stop = min(AGES, age + months)
        if start > 0 and stop > age:
            window[:stop - age] = before[age:stop] / start * rate[age:stop]
        cumulative = np.minimum(np.cumsum(window), slots)
        result.append(np.diff(cumulative, prepend=0.0))
    return tuple(result)
