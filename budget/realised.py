"""Realised (realisatie): what approved payment runs paid, per municipality, funding source and month. A new line
counts in the month of its trigger date, a correction (clawback) in the month of the run that booked it, so the
figures tie out to the approved runs' journals."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from budget.services import funding_resolver
from core.dates import month_end, parse_period
from core.extensions import db
from payments.models import LineStatus, PaymentLine, PaymentRun, RunStatus
from trajectories.models import Trajectory


def realised(municipality_ids: list[int], start: date, end: date, *,
             referred_by: date | None = None) -> dict[tuple, dict[date, Decimal]]:
    """{(municipality id, funding source): {first day of the month: amount}} for the months from `start` to `end`;
    with `referred_by`, of the trajectories referred by then only (the backtest)."""
    line, run = PaymentLine.__table__.c, PaymentRun.__table__.c
    first, last = start.strftime("%Y-%m"), end.strftime("%Y-%m")
    new = line.status == LineStatus.NEW.value
    year, month = sa.extract("year", line.trigger_date), sa.extract("month", line.trigger_date)
    cents = sa.func.sum(sa.type_coerce(line.amount_cents, sa.BigInteger))
    query = (sa.select(line.contract_id, line.municipality_id, new, year, month, run.period, cents)
             .join(PaymentRun.__table__, run.id == line.run_id)
             .where(run.status == RunStatus.APPROVED.value, line.municipality_id.in_(municipality_ids or [-1]),
                    sa.or_(sa.and_(new, line.trigger_date.between(start.replace(day=1), month_end(end))),
                           sa.and_(line.status == LineStatus.CORRECTION.value, run.period.between(first, last))))
             .group_by(line.contract_id, line.municipality_id, new, year, month, run.period))
    if referred_by is not None:
        query = (query.join(Trajectory, Trajectory.id == line.trajectory_id)
                 .where(Trajectory.referral_date <= referred_by))
    rows = db.session.execute(query).all()
    source_of = funding_resolver({row[0] for row in rows})
    result: dict = defaultdict(lambda: defaultdict(Decimal))
    for contract_id, municipality_id, is_new, year, month, period, total in rows:
        booked = date(int(year), int(month), 1) if is_new else parse_period(period)
        result[municipality_id, source_of(contract_id, municipality_id)][booked] += Decimal(int(total)).scaleb(-2)
    return {key: dict(months) for key, months in result.items()}
