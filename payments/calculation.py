"""The calculation of a run's lines (payments.md, "A run", steps 1-5): one streaming pass over the scope's events,
the rules of payments/rules.py on each trajectory's facts, the ceiling, and the lines copied in blocks."""
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa

from contracts.models import Contract, Milestone, RunOff, TariffChange
from contracts.services import paid_total
from core.bulk import copy_rows, plain_rows, stored
from core.dates import month_end, now_utc, parse_period
from core.extensions import db
from payments.models import AWAITING_VERIFICATION, HELD_AT_CEILING, LineStatus, PaidInstance, PaymentLine, PaymentRun
from payments.rules import EVENT_FIELDS, Evidence, earned_instances, term_of
from payments.verification import Verdicts
from trajectories.models import ProgressEvent, Trajectory

ZERO = Decimal("0.00")
#: Which of core.terms.SOURCES sent an event: "duo", staff ("user:<id>") or a provider ("provider:<id>").
ORIGIN = sa.case((ProgressEvent.sender == "duo", "duo"), (ProgressEvent.sender.startswith("user:"), "staff"),
                 else_="provider")
EVENT_COLUMNS = tuple(ORIGIN if name == "origin" else
                      sa.type_coerce(getattr(ProgressEvent, name), sa.BigInteger) if name.startswith("hours_") else
                      getattr(ProgressEvent, name) for name in EVENT_FIELDS)
#: The last day on which a trajectory's effort milestones are paid (payments/rules.py): the termijn's, or that of its
#: extension when the contract pays effort in an extended termijn; NULL when no termijn is known.
EFFORT_UNTIL = sa.case((sa.and_(Contract.pays_effort_in_extension, Trajectory.term_extended_until.is_not(None)),
                        Trajectory.term_extended_until), else_=Trajectory.term_ends_on)
LINE_COLUMNS = ["run_id", "trajectory_id", "contract_id", "provider_id", "municipality_id", "milestone_code",
                "milestone_label", "milestone_kind", "milestone_position", "month", "trigger_date", "amount_cents",
                "status", "reason"]
#: Lines go to the database in blocks of this many, so that memory does not grow with the scope.
LINE_BLOCK = 20_000
STREAM_CHUNK = 5000
#: Report the calculation's progress after this many trajectories.
PROGRESS_EVERY = 1000


def calculate(runs: list[PaymentRun], on_progress: Callable[[int], None] | None = None) -> None:
    """Steps 1-5 of payments.md for runs of one period and disjoint scopes, in one streaming pass over their
    events (one pass for the whole country, not one per region); lines are copied in blocks."""
    cutoff = month_end(parse_period(runs[0].period))
    run_of = {m.id: run.id for run in runs for m in run.municipalities}
    terms = _terms(list(run_of))
    cents = _memoised_cents()
    ceilings = dict(db.session.execute(sa.select(Contract.id, Contract.ceiling).where(
        Contract.id.in_(terms), Contract.ceiling.is_not(None))).all())
    verdicts = Verdicts(list(run_of))
    # The run-off of a contract paying only until a date: nothing earned after it counts.
    cutoffs = {cid: min(cutoff, until) for cid, until in db.session.execute(
        sa.select(Contract.id, Contract.run_off_until).where(Contract.id.in_(terms),
                                                             Contract.run_off == RunOff.UNTIL_DATE))}
    new, correction, held_line = LineStatus.NEW.value, LineStatus.CORRECTION.value, LineStatus.HELD.value
    block, totals, unverified = [], defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    waiting, corrected = defaultdict(list), defaultdict(lambda: defaultdict(lambda: ZERO))  # per run
    with closing(stream_trajectories(list(run_of))) as stream:  # its server-side cursors closed now, also on an error
        for done, (trajectory, events, paid) in enumerate(stream, start=1):
            if on_progress and done % PROGRESS_EVERY == 0:
                on_progress(done)
            trajectory_id, reference, contract_id, municipality_id, provider_id, effort_until = trajectory
            run_id = run_of[municipality_id]
            earned, claimed = verdicts.settle(trajectory, run_id, *earned_instances(
                terms.get(contract_id, []), Evidence(events, effort_until), cutoffs.get(contract_id, cutoff)))
            owed = set()
            for _, code, key, amount, *paid_line in paid:
                owed.add((code, key))
                if (code, key) not in earned and (code, key) not in claimed:  # paid and no longer earned: claw back
                    block.append((run_id, *paid_line, correction, verdicts.clawback_reason(trajectory_id, code, key)))
                    totals[run_id] -= amount
                    corrected[run_id][paid_line[1]] -= amount
            for key, e in earned.items():
                if key in owed:
                    continue
                amount = e.term.amount_on(e.trigger_date)
                line = (run_id, trajectory_id, contract_id, provider_id, municipality_id, e.term.code, e.term.label,
                        e.term.kind, e.term.position, e.month, e.trigger_date, cents(amount), new, None)
                if contract_id in ceilings:  # held or not is known once every line of the contract is in
                    waiting[run_id].append(((e.trigger_date, reference, e.term.position, e.month or date.min),
                                            amount, line))
                else:
                    block.append(line)
                    totals[run_id] += amount
            for key, e in claimed.items():  # earned once staff accept the claim; held until then
                if key not in owed:
                    amount = e.term.amount_on(e.trigger_date)
                    block.append((run_id, trajectory_id, contract_id, provider_id, municipality_id, e.term.code,
                                  e.term.label, e.term.kind, e.term.position, e.month, e.trigger_date, cents(amount),
                                  held_line, AWAITING_VERIFICATION))
                    unverified[run_id] += amount
            if len(block) >= LINE_BLOCK:
                copy_rows(PaymentLine.__table__, LINE_COLUMNS, block)
                block.clear()
    for run in runs:
        if on_progress:
            on_progress(run.to_process)
        lines, accepted, held = _hold_at_ceiling(waiting[run.id], ceilings, corrected[run.id])
        block += lines
        run.total, run.held_total = totals[run.id] + accepted, held + unverified[run.id]
    copy_rows(PaymentLine.__table__, LINE_COLUMNS, block)
    verdicts.record_claims()
    calculated_at = now_utc()
    for run in runs:
        run.calculated_at = calculated_at


def _terms(member_ids: list[int]) -> dict[int, list]:
    """The schedule per contract of the scope, each milestone priced per tariff period (rules.term_of)."""
    in_scope = Contract.id.in_(sa.select(Trajectory.contract_id).where(Trajectory.municipality_id.in_(member_ids)))
    rows = db.session.execute(
        sa.select(Milestone, Contract.price_per_trajectory).join(Contract, Milestone.contract_id == Contract.id)
        .where(in_scope).order_by(Milestone.contract_id, Milestone.position)).all()
    changes = defaultdict(list)
    for change in db.session.scalars(sa.select(TariffChange).join(Contract).where(in_scope)):
        changes[change.contract_id].append(change)
    terms: dict[int, list] = defaultdict(list)
    for milestone, price in rows:
        terms[milestone.contract_id].append(term_of(milestone, price, changes[milestone.contract_id]))
    return terms


def _memoised_cents() -> Callable[[Decimal], int]:
    """An amount as a line stores it; a run has only a few distinct amounts."""
    done: dict[Decimal, int] = {}

    def cents(amount: Decimal) -> int:
        if amount not in done:
            done[amount] = stored(PaymentLine, "amount", amount)
        return done[amount]
    return cents


def stream_trajectories(member_ids: list[int], *extra_columns, contract_id: int | None = None):
    """(trajectory row, its counting events, its paid instances) per trajectory of the scope, ordered by id:
    three queries ordered by trajectory, read side by side through server-side cursors. The trajectory row is
    (id, reference, contract, municipality, provider, EFFORT_UNTIL, *extra_columns); a paid row is (trajectory,
    milestone code, month key, amount, then the paid line's LINE_COLUMNS from trajectory_id to trigger_date, minus
    its cents).
    With `contract_id`, only that contract's trajectories."""
    in_scope = Trajectory.municipality_id.in_(member_ids)
    if contract_id is not None:
        in_scope = sa.and_(in_scope, Trajectory.contract_id == contract_id)
    trajectories = (sa.select(Trajectory.id, Trajectory.reference, Trajectory.contract_id, Trajectory.municipality_id,
                              Contract.provider_id, EFFORT_UNTIL, *extra_columns).join(Contract).where(in_scope)
                    .order_by(Trajectory.id))
    retracted = sa.select(ProgressEvent.retracts_id).where(ProgressEvent.retracts_id.is_not(None))
    events = (sa.select(*EVENT_COLUMNS).join(Trajectory, ProgressEvent.trajectory_id == Trajectory.id)
              .where(in_scope, ProgressEvent.type != "retraction", ProgressEvent.id.not_in(retracted))
              .order_by(ProgressEvent.trajectory_id, ProgressEvent.occurred_on, ProgressEvent.id))
    line, paid_cents = PaymentLine.__table__.c, sa.type_coerce(PaidInstance.__table__.c.amount_cents, sa.BigInteger)
    paid = (sa.select(PaidInstance.trajectory_id, PaidInstance.milestone_code, PaidInstance.month_key,
                      PaidInstance.amount, line.trajectory_id, line.contract_id, line.provider_id, line.municipality_id,
                      line.milestone_code, line.milestone_label, line.milestone_kind, line.milestone_position,
                      line.month, line.trigger_date, -paid_cents)
            .join(PaymentLine, PaidInstance.line_id == PaymentLine.id)
            .join(Trajectory, PaidInstance.trajectory_id == Trajectory.id).where(in_scope)
            .order_by(PaidInstance.trajectory_id))
    yield from _side_by_side(*(plain_rows(query, STREAM_CHUNK) for query in (trajectories, events, paid)))


def _side_by_side(trajectories, *streams):
    """Per trajectory, the rows of each stream for it; every stream (and `trajectories`) is ordered by trajectory id,
    its first column."""
    groups = [groupby(stream, itemgetter(0)) for stream in streams]
    pending = [next(group, None) for group in groups]
    for trajectory in trajectories:
        found = []
        for n, group in enumerate(groups):
            while pending[n] is not None and pending[n][0] < trajectory[0]:
                pending[n] = next(group, None)
            own = pending[n] is not None and pending[n][0] == trajectory[0]
            found.append(list(pending[n][1]) if own else [])
            if own:
                pending[n] = next(group, None)
        yield trajectory, *found


def _hold_at_ceiling(waiting: list, ceilings: dict, corrected: dict) -> tuple[list[tuple], Decimal, Decimal]:
    """Step 4 for a run: the ceiling's starting point is what the contract paid plus this run's corrections."""
    return hold_at_ceiling(waiting, ceilings, {cid: paid_total(cid) + corrected[cid] for cid in ceilings})


def hold_at_ceiling(waiting: list, ceilings: dict, running: dict) -> tuple[list[tuple], Decimal, Decimal]:
    """Step 4: per contract, accept new lines in order while running + accepted stays <= ceiling.

    `waiting` holds (order key, amount, line) with the contract at line[2] and (status, reason) last. Returns the
    lines (held ones marked) with the accepted and the held total."""
    running = dict(running)
    full, lines, accepted, held = set(), [], ZERO, ZERO
    for _, amount, line in sorted(waiting, key=itemgetter(0)):
        contract_id = line[2]
        if contract_id not in full and running[contract_id] + amount <= ceilings[contract_id]:
            running[contract_id] += amount
            accepted += amount
            lines.append(line)
        else:
            full.add(contract_id)
            held += amount
            lines.append((*line[:-2], LineStatus.HELD.value, HELD_AT_CEILING))
    return lines, accepted, held
