"""The year-end figures (jaarafsluiting) of a municipality: per funding source, ledger account and cost centre the
year's realised costs, the accruals (earned by 31 December and not in an approved run, and the lines held at a
contract's ceiling) and the corrections booked in the year for earlier years; the commitments carried into the
next year per contract; and the grant's costs per year with the municipality's indicator codes.

Realised is what approved runs paid for milestones triggered in the year: a new line by its trigger date, a
correction (clawback) of the year's runs by the trigger date of what it claws back. A correction booked in the year
for a milestone of an earlier year is shown apart, so realised + corrections for earlier years ties out to the
Begroting's realised of the year (budget.realised, which books every correction in its run's month).
"""
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from budget.models import FundingSource
from budget.positions import book
from budget.schedules import schedules
from budget.services import funding_resolver
from contracts.models import Contract
from contracts.services import paid_total
from core.extensions import db
from core.models import Municipality
from payments.calculation import hold_at_ceiling, stream_trajectories
from payments.models import LineStatus, PaymentLine, PaymentRun, RunStatus
from payments.rules import Evidence, earned_instances
from payments.services import home_region, ledger_accounts
from trajectories.models import Trajectory

ZERO = Decimal("0.00")
#: What each figure of a row is called in the exports, in column order.
FIGURES = ("realised", "accrued", "held", "corrections_earlier_years")


@dataclass
class Row:
    """One funding source, ledger account and cost centre of a municipality in a year."""

    funding_source: FundingSource
    ledger_account: str
    cost_centre: str
    realised: Decimal = ZERO
    accrued: Decimal = ZERO
    held: Decimal = ZERO
    corrections_earlier_years: Decimal = ZERO

    @property
    def charged(self) -> Decimal:
        """What the year's accounts bear: realised, accrued and held, and the corrections for earlier years."""
        return self.realised + self.accrued + self.held + self.corrections_earlier_years


@dataclass
class Commitment:
    """What a contract may still pay for the municipality's trajectories running at the year's end."""

    funding_source: FundingSource
    contract: Contract
    carried: Decimal


@dataclass
class YearEnd:
    municipality: Municipality
    year: int
    rows: list[Row]
    commitments: list[Commitment]

    def total(self, figure: str) -> Decimal:
        return sum((getattr(row, figure) for row in self.rows), ZERO)


def year_end(municipality: Municipality, year: int) -> YearEnd:
    """The municipality's year-end figures of `year`, as the approved runs and the events stand now."""
    return YearEnd(municipality, year, year_rows(municipality, year), _commitments(municipality, date(year, 12, 31)))


def year_rows(municipality: Municipality, year: int) -> list[Row]:
    """Per funding source and ledger account: realised, accrued, held and corrections for earlier years."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    booked = _booked(municipality, first, last)
    booked += [(line[2], line[7], "held" if line[12] == LineStatus.HELD.value else "accrued", amount)
               for line, amount in _accrued(municipality, last)]
    resolve, accounts = funding_resolver({contract_id for contract_id, *_ in booked}), ledger_accounts(
        home_region(municipality))
    service_of = dict(db.session.execute(sa.select(Contract.id, Contract.service_id).where(
        Contract.id.in_({contract_id for contract_id, *_ in booked} or {-1}))).all())
    cells: dict[tuple, Row] = {}
    for contract_id, kind, figure, amount in booked:
        key = (resolve(contract_id, municipality.id), accounts.get((service_of[contract_id], kind), ""))
        row = cells.setdefault(key, Row(*key, municipality.cost_centre or ""))
        setattr(row, figure, getattr(row, figure) + amount)
    return sorted(cells.values(), key=lambda r: (list(FundingSource).index(r.funding_source), r.ledger_account))


def _booked(municipality: Municipality, first: date, last: date) -> list[tuple]:
    """(contract, milestone kind, figure, amount) of the approved lines that count for the year."""
    line, run = PaymentLine.__table__.c, PaymentRun.__table__.c
    new, correction = line.status == LineStatus.NEW.value, line.status == LineStatus.CORRECTION.value
    in_year = line.trigger_date.between(first, last)
    run_in_year = run.period.between(first.strftime("%Y-%m"), last.strftime("%Y-%m"))
    figure = sa.case((sa.and_(correction, line.trigger_date < first), "corrections_earlier_years"),
                     else_="realised")
    cents = sa.func.sum(sa.type_coerce(line.amount_cents, sa.BigInteger))
    rows = db.session.execute(
        sa.select(line.contract_id, line.milestone_kind, figure, cents)
        .join(PaymentRun.__table__, run.id == line.run_id)
        .where(run.status == RunStatus.APPROVED.value, line.municipality_id == municipality.id,
               sa.or_(sa.and_(new, in_year), sa.and_(correction, run_in_year, line.trigger_date <= last)))
        .group_by(line.contract_id, line.milestone_kind, figure)).all()
    return [(contract_id, kind, name, Decimal(int(total)).scaleb(-2)) for contract_id, kind, name, total in rows]


def _accrued(municipality: Municipality, cutoff: date) -> list[tuple]:
    """(line, amount) of what a payment run with this cut-off would book as new or held lines now: every instance
    earned by the cut-off that no approved run paid, held where the contract's ceiling (over all its
    municipalities, as the runs hold it) would not take it. A line is a run's line tuple
    (payments.calculation.LINE_COLUMNS) without a run."""
    contract_ids = db.session.scalars(sa.select(Trajectory.contract_id).distinct().where(
        Trajectory.municipality_id == municipality.id)).all()
    terms = {cid: schedule.terms for cid, schedule in schedules(contract_ids).items()}
    waiting = []
    with closing(stream_trajectories([municipality.id])) as stream:
        for (trajectory_id, reference, contract_id, municipality_id, provider_id, effort_until), events, paid in stream:
            owed = {(code, key) for _, code, key, *_ in paid}
            for e in earned_instances(terms[contract_id], Evidence(events, effort_until), cutoff)[0]:  # claims wait
                if e.key not in owed:
                    line = (None, trajectory_id, contract_id, provider_id, municipality_id, e.term.code,
                            e.term.label, e.term.kind, e.term.position, e.month, e.trigger_date,
                            e.term.amount_on(e.trigger_date), LineStatus.NEW.value, None)
                    waiting.append(((e.trigger_date, reference, e.term.position, e.month or date.min),
                                    line[11], line))
    ceilings = dict(db.session.execute(sa.select(Contract.id, Contract.ceiling).where(
        Contract.id.in_(contract_ids or [-1]), Contract.ceiling.is_not(None))).all())
    capped, _, _ = hold_at_ceiling([item for item in waiting if item[2][2] in ceilings], ceilings,
                                   {cid: paid_total(cid) for cid in ceilings})
    return [(line, amount) for _, amount, line in waiting if line[2] not in ceilings] + [
        (line, line[11]) for line in capped]


def _commitments(municipality: Municipality, last: date) -> list[Commitment]:
    """Per contract, the commitment at the year's end less what was earned by then (that is accrued or paid)."""
    position = book([municipality.id], last)
    contract_ids = [cid for cid, mid in position.committed if mid == municipality.id]
    resolve = funding_resolver(contract_ids)
    found = [Commitment(resolve(cid, municipality.id), position.schedules[cid].contract,
                        max(ZERO, position.committed[cid, municipality.id] - position.pending[cid, municipality.id]))
             for cid in contract_ids]
    return sorted((c for c in found if c.carried), key=lambda c: c.contract.reference)
