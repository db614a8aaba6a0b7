"""How good the forecast was on the past: the forecast made twelve months ago, from the trajectories running then,
month by month against what approved runs paid for those same trajectories since."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from budget.forecast import HIGH, LOW, POINT, forecast
from budget.realised import realised
from core.money import round_money

MONTHS = 12


@dataclass
class Backtest:
    made_on: date
    months: list[date]
    forecast: list[Decimal]
    low: list[Decimal]
    high: list[Decimal]
    paid: list[Decimal]

    @property
    def error(self) -> Decimal | None:
        """(forecast - paid) / paid over the twelve months; None when nothing was paid."""
        paid = sum(self.paid)
        return None if not paid else (sum(self.forecast) - paid) / paid


def backtest(municipality_ids: list[int], today: date) -> Backtest:
    """The forecast made on the last day of the month thirteen months ago, for the twelve complete months after
    it, against what was paid (by trigger month) for the trajectories referred by then."""
    first = today.replace(day=1)
    made_on = first.replace(year=first.year - 1) - timedelta(days=1)
    ahead = forecast(municipality_ids, made_on)
    window = ahead.months[1:MONTHS + 1]  # month 0, the month it was made in, holds what was earned and not paid
    total = sum(ahead.running.values()) if ahead.running else None
    figures = [[round_money(Decimal(float(total[series][n]))) if total is not None else Decimal("0.00")
                for n in range(1, MONTHS + 1)] for series in (POINT, LOW, HIGH)]
    paid = realised(municipality_ids, window[0], window[-1], referred_by=made_on)
    per_month = [sum((by_month.get(month, Decimal(0)) for by_month in paid.values()), Decimal("0.00"))
                 for month in window]
    return Backtest(made_on, window, *figures, per_month)
