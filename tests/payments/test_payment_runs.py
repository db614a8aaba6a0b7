"""Run life cycle: clawbacks, four eyes, overlap and period rules, ceilings at approval, the paid total."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.models import AuditEntry, Role
from payments.models import LineStatus, PaymentLine, RunStatus
from contracts.services import paid_total
from payments.runs import approve_run, cancel_run, create_run, recalculate_run

TODAY = date(2026, 11, 23)
START = {"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("100.00")}


@pytest.fixture
def world(make_contract, make_trajectory, make_user, make_region):
    region = make_region()
    contract = make_contract(milestones=[START], municipalities=region.municipalities)
    trajectory = make_trajectory(contract=contract, municipality=region.municipalities[0])
    maker, checker = (make_user(Role.FINANCE, region=region) for _ in range(2))
    return region, contract, trajectory, maker, checker


def lines_of(run):
    return [(l.milestone_code, l.amount, l.status)
            for l in db.session.scalars(sa.select(PaymentLine).where(PaymentLine.run_id == run.id)
                                        .order_by(PaymentLine.id))]


def paid_run(period, region, maker, checker):
    run = create_run(period, region=region, by=maker, today=TODAY)
    approve_run(run, by=checker)
    return run


def test_retraction_claws_back_and_a_later_event_earns_again(world, make_event):
    region, contract, trajectory, maker, checker = world
    start = make_event(trajectory, "start", date(2026, 2, 1))
    first = paid_run("2026-08", region, maker, checker)
    assert lines_of(first) == [("S", D("100.00"), LineStatus.NEW)]
    make_event(trajectory, "retraction", date(2026, 9, 1), retracts_id=start.id)
    second = paid_run("2026-09", region, maker, checker)
    assert lines_of(second) == [("S", D("-100.00"), LineStatus.CORRECTION)]
    assert paid_total(contract.id) == D("0.00")
    make_event(trajectory, "start", date(2026, 2, 3))
    third = paid_run("2026-10", region, maker, checker)
    assert lines_of(third) == [("S", D("100.00"), LineStatus.NEW)]
    assert paid_total(contract.id) == D("100.00")
    assert lines_of(create_run("2026-10", region=region, by=maker, today=TODAY)) == []


def test_creator_cannot_approve_own_run(world, make_event):
    region, _, trajectory, maker, _ = world
    run = create_run("2026-10", region=region, by=maker, today=TODAY)
    with pytest.raises(Forbidden):
        approve_run(run, by=maker)
    assert run.status == RunStatus.DRAFT


@pytest.mark.parametrize("role", [Role.CONTRACTMANAGER, Role.INKOPER])
def test_only_finance_approves(world, make_user, role):
    region, *_ , maker, _ = world
    run = create_run("2026-10", region=region, by=maker, today=TODAY)
    with pytest.raises(Forbidden):
        approve_run(run, by=make_user(role, region=region))


@pytest.mark.parametrize("first, second, error", [
    # while a draft exists no second run for an overlapping scope
    ("draft", "2026-10", Conflict),
    # a period before an approved one is never reopened; the same period again is allowed
    ("approved", "2026-09", Conflict),
    ("approved", "2026-10", None),
    ("cancelled", "2026-09", None),
    # malformed or future periods
    (None, "2026-13", DomainError),
    (None, "2026-12", DomainError),
    (None, "oktober", DomainError),
])
def test_period_and_overlap_rules(world, first, second, error):
    region, _, _, maker, checker = world
    if first:
        run = create_run("2026-10", region=region, by=maker, today=TODAY)
        {"approved": lambda: approve_run(run, by=checker), "cancelled": lambda: cancel_run(run, by=checker),
         "draft": lambda: None}[first]()
    municipality = region.municipalities[1]
    if error is None:
        assert create_run(second, municipality=municipality, by=maker, today=TODAY).status == RunStatus.DRAFT
    else:
        with pytest.raises(error):
            create_run(second, municipality=municipality, by=maker, today=TODAY)


@pytest.mark.parametrize("action", [approve_run, cancel_run, recalculate_run])
def test_an_approved_run_never_changes(world, action, make_user):
    region, _, _, maker, checker = world
    run = paid_run("2026-10", region, maker, checker)
    with pytest.raises(Conflict):
        action(run, by=make_user(Role.FINANCE, region=region))


def test_approval_rechecks_the_ceiling(make_contract, make_trajectory, make_event, make_user, make_region):
    region = make_region()
    contract = make_contract(milestones=[START], municipalities=region.municipalities, ceiling=D("150.00"))
    for municipality in region.municipalities:
        make_event(make_trajectory(contract=contract, municipality=municipality), "start", date(2026, 3, 1))
    maker, checker = make_user(Role.FINANCE, region=region), make_user(Role.FINANCE, region=region)
    one, two = (create_run("2026-10", municipality=m, by=maker, today=TODAY) for m in region.municipalities)
    assert one.total == two.total == D("100.00")
    approve_run(one, by=checker)
    with pytest.raises(Conflict):
        approve_run(two, by=checker)
    recalculate_run(two, by=maker)
    assert lines_of(two) == [("S", D("100.00"), LineStatus.HELD)] and two.total == D("0.00")
    approve_run(two, by=checker)
    assert paid_total(contract.id) == D("100.00")


def test_same_instance_is_never_paid_twice(world, make_event):
    region, contract, trajectory, maker, checker = world
    make_event(trajectory, "start", date(2026, 2, 1))
    one = create_run("2026-10", municipality=region.municipalities[0], by=maker, today=TODAY)
    cancel_run(one, by=maker)
    two = create_run("2026-10", municipality=region.municipalities[0], by=maker, today=TODAY)
    one.status = RunStatus.DRAFT  # as if both drafts had been made at the same moment
    approve_run(two, by=checker)
    with pytest.raises(Conflict):
        approve_run(one, by=checker)
    assert paid_total(contract.id) == D("100.00")


# The column of a line set to another trajectory's value (of another contract, in another municipality).
@pytest.mark.parametrize("column", ["contract_id", "provider_id", "municipality_id", "trajectory_id"])
def test_the_database_refuses_a_line_that_disagrees_with_its_trajectory(world, make_event, make_contract,
                                                                       make_trajectory, column):
    """A line copies trajectory, contract, provider and municipality; the composite keys (core.references)
    check that they agree."""
    region, contract, trajectory, maker, _ = world
    make_event(trajectory, "start", date(2026, 2, 1))
    run = create_run("2026-10", region=region, by=maker, today=TODAY)
    other = make_trajectory(contract=make_contract(milestones=[START], municipalities=region.municipalities),
                            municipality=region.municipalities[1])
    elsewhere = {"contract_id": other.contract_id, "provider_id": other.contract.provider_id,
                 "municipality_id": other.municipality_id, "trajectory_id": other.id}
    line = {name: value for name, value in db.session.execute(sa.select(PaymentLine.__table__).where(
        PaymentLine.run_id == run.id)).one()._mapping.items() if name != "id"}
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.insert(PaymentLine.__table__), {**line, column: elsewhere[column]})
    db.session.rollback()
    db.session.execute(sa.insert(PaymentLine.__table__), line)  # the copy as the run made it is accepted


def test_every_state_change_is_audited(world):
    region, _, _, maker, checker = world
    run = create_run("2026-10", region=region, by=maker, today=TODAY)
    recalculate_run(run, by=maker)
    approve_run(run, by=checker)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "PaymentRun")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["payment_run_created", "payment_run_recalculated", "payment_run_approved"]


def _statements_for_run(make_region, make_contract, make_trajectory, make_event, make_user, trajectories: int) -> int:
    region = make_region()
    contract = make_contract(milestones=[START], municipalities=region.municipalities, ceiling=D("1000000.00"))
    for n in range(trajectories):
        t = make_trajectory(contract=contract, municipality=region.municipalities[n % 2])
        make_event(t, "start", date(2026, 2, 1))
    maker = make_user(Role.FINANCE, region=region)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        create_run("2026-10", region=region, by=maker, today=TODAY)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_calculation_is_set_based(make_region, make_contract, make_trajectory, make_event, make_user):
    """The number of SQL statements of a run does not grow with the number of trajectories."""
    args = (make_region, make_contract, make_trajectory, make_event, make_user)
    assert _statements_for_run(*args, trajectories=3) == _statements_for_run(*args, trajectories=60)
