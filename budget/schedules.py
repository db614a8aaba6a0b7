"""The payment schedules of a scope's contracts as the budget figures read them: each milestone's trigger (the
rules of payments/rules.py), what it pays on a given day (tariff changes included), and what the schedule can pay
one trajectory."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from contracts.models import Contract
from core.extensions import db
from payments.rules import Term, term_of

MONTHLY = "attendance_month"


def months_between(first: date, last: date) -> int:
    """Whole calendar months from the month of `first` to the month of `last` (0 within one month)."""
    return (last.year - first.year) * 12 + last.month - first.month


@dataclass
class Schedule:
    """One contract's schedule: its terms in position order, and the contract's facts the figures need."""

    contract: Contract
    terms: list[Term]
    _amounts: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        # Read from the contract once: a national pass asks for these millions of times.
        self._terms = {t.code: t for t in self.terms}
        self._limits = {m.code: int(m.params["max_months"]) if (m.params or {}).get("max_months") else None
                        for m in self.contract.milestones}
        self.ends_on, self.monthly = self.contract.ends_on, [t for t in self.terms if t.trigger == MONTHLY]
        self.single = [t for t in self.terms if t.trigger != MONTHLY]

    def limit(self, term: Term) -> int | None:
        """A monthly milestone's max_months; None when it pays every qualifying month."""
        return self._limits[term.code]

    def max_months(self, term: Term, referral: date) -> int:
        """How many months a monthly milestone can pay one trajectory: its max_months, else the months from
        the referral through the contract's last month."""
        limit = self._limits[term.code]
        return limit if limit is not None else months_between(referral, self.ends_on) + 1

    def slots(self, term: Term, earned_months: int, day: date) -> int:
        """How many more months a monthly milestone can pay a running trajectory that earned `earned_months`:
        up to max_months, or, without one, the months from `day` through the contract's last month."""
        limit = self._limits[term.code]
        return max(0, limit - earned_months if limit is not None else months_between(day, self.ends_on) + 1)

    def amount_on(self, code: str, day: date) -> Decimal:
        """What the milestone pays when earned on `day` (the tariff in force that day, payments.rules.term_of)."""
        return self._terms[code].amount_on(day)

    def capacity(self, referral: date, day: date) -> Decimal:
        """What the schedule can pay one trajectory at the tariff in force on `day`."""
        key = ("capacity", referral.year, referral.month, day)
        if key not in self._amounts:
            self._amounts[key] = sum((self.amount_on(term.code, day) * (
                self.max_months(term, referral) if term.trigger == MONTHLY else 1) for term in self.terms),
                Decimal("0.00"))
        return self._amounts[key]


def schedules(contract_ids) -> dict[int, Schedule]:
    """The schedule of each contract, loaded once with its milestones and tariff changes."""
    contracts = db.session.scalars(sa.select(Contract).where(Contract.id.in_(list(contract_ids)))
                                   .options(selectinload(Contract.milestones), selectinload(Contract.tariff_changes),
                                            selectinload(Contract.service))).all()
    return {c.id: Schedule(c, [term_of(m, c.price_per_trajectory, c.tariff_changes) for m in c.milestones])
            for c in contracts}
