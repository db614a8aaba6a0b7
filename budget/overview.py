"""The budget overview of a year: per municipality and funding source the budget in force, realised, committed,
the forecast for the rest of the year, the expected year total and the free room, with every month's figures.

`overview(municipalities, year, today=)` is what the Begroting page, its export, the API, the budget signals and
the council report read; `realised` and `forecast` are its parts, for any municipalities and period.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from budget.forecast import HIGH, LOW, POINT, forecast
from budget.models import FUNDING_SOURCE_LABELS, FundingSource
from budget.realised import realised
from budget.services import budget_by_source, funding_resolver
from core.models import Municipality
from core.money import round_money
from core.formats import format_month_name

ZERO = Decimal("0.00")


@dataclass
class Month:
    month: date
    realised: Decimal = ZERO
    forecast: Decimal = ZERO
    low: Decimal = ZERO
    high: Decimal = ZERO
    #: Running totals from January: realised, and realised plus forecast (with the band's bounds).
    cumulative_realised: Decimal = ZERO
    cumulative_expected: Decimal = ZERO
    cumulative_low: Decimal = ZERO
    cumulative_high: Decimal = ZERO

    @property
    def label(self) -> str:
        return format_month_name(self.month)


@dataclass
class Cell:
    """One municipality (or the whole scope, municipality None) and one funding source in one year."""

    municipality: Municipality | None
    funding_source: FundingSource
    year: int
    budget: Decimal = ZERO
    has_budget: bool = False
    realised: Decimal = ZERO
    committed: Decimal = ZERO
    forecast: Decimal = ZERO
    months: list[Month] = field(default_factory=list)

    @property
    def funding_source_label(self) -> str:
        return FUNDING_SOURCE_LABELS[self.funding_source]

    @property
    def expected_year_total(self) -> Decimal:
        return self.realised + self.forecast

    @property
    def free(self) -> Decimal:
        """What is left of the budget once the expected year total is spent."""
        return self.budget - self.expected_year_total

    @property
    def runs_out(self) -> date | None:
        """The first month in which realised plus forecast passes the budget; None while it fits."""
        if not self.has_budget:
            return None
        return next((m.month for m in self.months if m.cumulative_expected > self.budget), None)


@dataclass
class Overview:
    year: int
    today: date
    cells: list[Cell]
    totals: list[Cell]
    #: Where the forecast's curves came from, per (contract, milestone code).
    sources: dict


def overview(municipalities: list[Municipality], year: int, *, today: date) -> Overview:
    """The year's figures per municipality and funding source, and per source for all of them together."""
    ids = [m.id for m in municipalities]
    first, last = date(year, 1, 1), date(year, 12, 31)
    paid = realised(ids, first, last)
    budgets = budget_by_source(ids, year)
    ahead = forecast(ids, today) if year >= today.year else None
    committed, expected = _forecast_parts(ahead, year, ids)
    keys = set(paid) | set(budgets) | set(committed) | set(expected)
    by_id = {m.id: m for m in municipalities}
    cells = []
    for municipality_id, source in sorted(keys, key=lambda k: (by_id[k[0]].name, list(FundingSource).index(k[1]))):
        cell = Cell(by_id[municipality_id], source, year, budget=budgets.get((municipality_id, source), ZERO),
                    has_budget=(municipality_id, source) in budgets,
                    committed=committed.get((municipality_id, source), ZERO))
        _fill_months(cell, paid.get((municipality_id, source), {}), expected.get((municipality_id, source)))
        cells.append(cell)
    return Overview(year, today, cells, _totals(cells, year), ahead.sources if ahead else {})


def _forecast_parts(ahead, year: int, municipality_ids: list[int]) -> tuple[dict, dict]:
    """Committed and the year's forecast months per (municipality, funding source)."""
    if ahead is None:
        return {}, {}
    wanted = set(municipality_ids)
    keys = set(ahead.running) | set(ahead.new) | {key for key in ahead.book.committed if key[1] in wanted}
    source_of = funding_resolver({contract_id for contract_id, _ in keys})
    year_months = [(n, month) for n, month in enumerate(ahead.months) if month.year == year]
    committed, expected = defaultdict(lambda: ZERO), defaultdict(lambda: defaultdict(lambda: np.zeros(3)))
    for contract_id, municipality_id in keys:
        key = (municipality_id, source_of(contract_id, municipality_id))
        committed[key] += ahead.book.committed.get((contract_id, municipality_id), ZERO)
        for target in (ahead.running, ahead.new):
            series = target.get((contract_id, municipality_id))
            for n, month in year_months if series is not None else ():
                expected[key][month] = expected[key][month] + series[:, n]
    return dict(committed), expected


def _fill_months(cell: Cell, paid: dict, expected: dict | None) -> None:
    running = {name: ZERO for name in ("realised", "expected", "low", "high")}
    for number in range(1, 13):
        month = date(cell.year, number, 1)
        values = expected[month] if expected and month in expected else np.zeros(3)
        figure = Month(month, realised=paid.get(month, ZERO), forecast=round_money(Decimal(values[POINT])),
                       low=round_money(Decimal(values[LOW])), high=round_money(Decimal(values[HIGH])))
        running["realised"] += figure.realised
        running["expected"] += figure.realised + figure.forecast
        running["low"] += figure.realised + figure.low
        running["high"] += figure.realised + figure.high
        figure.cumulative_realised, figure.cumulative_expected = running["realised"], running["expected"]
        figure.cumulative_low, figure.cumulative_high = running["low"], running["high"]
        cell.months.append(figure)
        cell.realised += figure.realised
        cell.forecast += figure.forecast


def _totals(cells: list[Cell], year: int) -> list[Cell]:
    """Per funding source, every municipality's cell added up (the region's line)."""
    totals = {}
    for cell in cells:
        total = totals.setdefault(cell.funding_source, Cell(None, cell.funding_source, year,
                                                            months=[Month(m.month) for m in cell.months]))
        total.budget += cell.budget
        total.has_budget = total.has_budget or cell.has_budget
        total.realised += cell.realised
        total.committed += cell.committed
        total.forecast += cell.forecast
        for mine, theirs in zip(total.months, cell.months):
            for name in ("realised", "forecast", "low", "high", "cumulative_realised", "cumulative_expected",
                         "cumulative_low", "cumulative_high"):
                setattr(mine, name, getattr(mine, name) + getattr(theirs, name))
    return [totals[source] for source in FundingSource if source in totals]
