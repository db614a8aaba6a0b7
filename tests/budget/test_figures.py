"""Realised and committed against an independent computation over the same region: realised from the approved
runs' lines one by one (as the journals list them), committed from a draft run (what is earned and not paid) and
the schedule's milestones and months still open at today's tariff."""
from collections import defaultdict
from datetime import date
from decimal import Decimal as D

import sqlalchemy as sa

from budget.models import FundingSource
from budget.positions import book
from budget.realised import realised
from core.extensions import db
from core.terms import amount_on
from payments.models import LineStatus, PaidInstance, PaymentLine, PaymentRun, RunStatus
from payments.runs import create_run
from payments.rules import month_key
from core.models import Role
from trajectories.models import TrajectoryStatus
from trajectories.switches import switch_route
from tests.budget.conftest import TODAY

ZERO = D("0.00")


def journal_realised(world, year: int) -> dict:
    """Every paid line of every approved run, a new line in its trigger month, a correction in its run's."""
    sources = {(world.b1.id, world.zwijndrecht.id): FundingSource.EIGEN_MIDDELEN}
    found = defaultdict(lambda: defaultdict(lambda: ZERO))
    lines = db.session.scalars(sa.select(PaymentLine).join(PaymentRun, PaymentRun.id == PaymentLine.run_id).where(
        PaymentRun.status == RunStatus.APPROVED, PaymentLine.status != LineStatus.HELD)).all()
    for line in lines:
        month = line.trigger_date.replace(day=1) if line.status == LineStatus.NEW else date(
            int(line.run.period[:4]), int(line.run.period[5:]), 1)
        if month.year == year:
            source = sources.get((line.contract_id, line.municipality_id), FundingSource.SPUK)
            found[line.municipality_id, source][month] += line.amount
    return {key: dict(months) for key, months in found.items()}


def reference_committed(world) -> dict:
    """Per (contract, municipality): a draft run's lines (earned and not paid, held ones too, clawbacks) plus, for
    running trajectories, every milestone and month not earned at today's tariff; capped at the schedule's
    capacity less what was paid. The draft is rolled back."""
    savepoint = db.session.begin_nested()
    draft = create_run("2026-10", region=world.region, by=world.maker, today=TODAY)
    drafted = defaultdict(list)
    for line in db.session.scalars(sa.select(PaymentLine).where(PaymentLine.run_id == draft.id)):
        drafted[line.trajectory_id].append(line)
    result = defaultdict(lambda: ZERO)
    for trajectory in world.trajectories.values():
        paid = {(p.milestone_code, p.month_key): p.amount for p in db.session.scalars(
            sa.select(PaidInstance).where(PaidInstance.trajectory_id == trajectory.id))}
        lines = drafted[trajectory.id]
        earned = (set(paid) - {(l.milestone_code, month_key(l.month)) for l in lines
                               if l.status == LineStatus.CORRECTION}) | {
            (l.milestone_code, month_key(l.month)) for l in lines if l.status != LineStatus.CORRECTION}
        pending = sum((l.amount for l in lines), ZERO)
        potential, capacity = ZERO, ZERO
        for milestone in trajectory.contract.milestones:
            contract = trajectory.contract
            amount = amount_on(milestone, contract.price_per_trajectory, contract.tariff_changes, TODAY)
            months = milestone.params.get("max_months") if milestone.trigger == "attendance_month" else None
            capacity += amount * (months or 1)
            if months:
                potential += amount * (months - sum(1 for code, _ in earned if code == milestone.code))
            elif (milestone.code, "-") not in earned:
                potential += amount
        if trajectory.status in (TrajectoryStatus.DROPPED_OUT, TrajectoryStatus.COMPLETED, TrajectoryStatus.SWITCHED):
            potential = ZERO
        key = (trajectory.contract_id, trajectory.municipality_id)
        result[key] += min(pending + potential, max(ZERO, capacity - sum(paid.values(), ZERO)))
    savepoint.rollback()
    return dict(result)


def test_realised_ties_out_to_the_approved_journals_per_year_and_municipality(world):
    members = [world.dordrecht.id, world.zwijndrecht.id]
    for year in (2025, 2026, 2027):
        assert realised(members, date(year, 1, 1), date(year, 12, 31)) == journal_realised(world, year)
    found = realised(members, date(2026, 1, 1), date(2026, 12, 31))
    assert found[world.dordrecht.id, FundingSource.SPUK][date(2026, 8, 1)] == D("-200.00")  # the clawback's run
    assert set(found) == {(world.dordrecht.id, FundingSource.SPUK), (world.zwijndrecht.id, FundingSource.EIGEN_MIDDELEN)}


def test_realised_of_a_quarter_counts_only_its_months(world):
    members = [world.dordrecht.id]
    quarter = realised(members, date(2026, 4, 1), date(2026, 6, 30))[world.dordrecht.id, FundingSource.SPUK]
    year = journal_realised(world, 2026)[world.dordrecht.id, FundingSource.SPUK]
    assert quarter == {month: amount for month, amount in year.items() if 4 <= month.month <= 6}


def test_committed_equals_the_independent_computation(world):
    found = book([world.dordrecht.id, world.zwijndrecht.id], TODAY)
    assert dict(found.committed) == reference_committed(world)


def test_a_route_switch_ends_the_old_commitment_and_starts_the_new_one(world, make_user):
    """The switched trajectory commits nothing more on its old route; the new one commits its own schedule."""
    old = world.trajectories["started"]
    manager = make_user(Role.CONTRACTMANAGER, region=world.region)
    before = book([world.dordrecht.id], TODAY).committed
    new = switch_route(old, {"reference": "TRJ-SCHAKEL", "contract_id": world.z.id, "switched_on": date(2026, 11, 2),
                             "pip_date": date(2026, 11, 2)}, by=manager, today=TODAY)
    world.trajectories["switched_to"] = new
    db.session.refresh(old)
    after = book([world.dordrecht.id, world.zwijndrecht.id], TODAY).committed
    assert dict(after) == reference_committed(world)
    assert after[world.b1.id, world.dordrecht.id] == before[world.b1.id, world.dordrecht.id] - D("4500.00")


def test_committed_per_trajectory_follows_the_schedule(world):
    """One trajectory per complication, alone in its (contract, municipality) where it can be."""
    found = book([world.dordrecht.id, world.zwijndrecht.id], TODAY).committed
    # The referred trajectory: the whole schedule at today's tariff (800 + 3 x 200 + 30% of 12,000 + 500).
    assert found[world.b1.id, world.zwijndrecht.id] == D("5500.00")  # the dropout adds nothing: it earned all it will
    # The contract at its ceiling: the held start still counts as committed, the paid one no longer.
    assert found[world.z.id, world.dordrecht.id] == D("1500.00")


def test_held_lines_stay_committed_until_paid_and_a_dropout_ends_the_commitment(world, make_event):
    before = book([world.dordrecht.id], TODAY).committed[world.b1.id, world.dordrecht.id]
    make_event(world.trajectories["started"], "dropout", date(2026, 11, 2), reason="uitval")
    after = book([world.dordrecht.id], TODAY).committed[world.b1.id, world.dordrecht.id]
    assert before - after == D("4500.00")  # everything the started trajectory could still earn


def test_a_commitment_falls_as_its_milestones_are_paid(world):
    before = book([world.dordrecht.id], TODAY).committed[world.b1.id, world.dordrecht.id]
    world.pay("2026-10")
    after = book([world.dordrecht.id], TODAY)
    assert after.committed[world.b1.id, world.dordrecht.id] == before - D("3500.00")  # exam and completion paid
    assert after.pending[world.b1.id, world.dordrecht.id] == ZERO
