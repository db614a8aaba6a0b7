"""Foreign keys checked per statement (core.references): what a declared key refuses, these refuse too, on both
databases, for rows inserted one statement at a time, in bulk (COPY on PostgreSQL) and updated."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from contracts.models import Contract
from core.bulk import copy_rows
from core.extensions import db
from core.models import Role, User
from trajectories.models import ProgressEvent, Trajectory
from payments.models import PaymentLine, PaymentRun
from payments.runs import create_run

MISSING = 999_999
START = {"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": Decimal("100.00")}


@pytest.fixture
def named(make_region, make_contract, make_trajectory, make_event, make_user):
    """A trajectory with an event entered by a user, and a run with a line for it; plus a second contract."""
    region = make_region()
    contract = make_contract(milestones=[START], municipalities=region.municipalities)
    trajectory = make_trajectory(contract=contract, municipality=region.municipalities[0])
    user = make_user(Role.CONTRACTMANAGER, municipalities=region.municipalities)
    make_event(trajectory, "start", date(2026, 2, 1), created_by=user)
    run = create_run("2026-10", region=region, by=make_user(Role.FINANCE, region=region), today=date(2026, 11, 23))
    other = make_contract(municipalities=region.municipalities)
    db.session.commit()
    return {"trajectory": trajectory, "user": user, "run": run, "other_contract": other}


def stored_row(model, how: str = "insert") -> dict:
    """A row of the table, as sa.insert takes it or, for copy_rows, as the database holds it (cents, no types)."""
    table = model.__table__
    query = sa.select(table) if how == "insert" else sa.text(f'SELECT * FROM "{table.name}"')
    return {name: value for name, value in db.session.execute(query).first()._mapping.items() if name != "id"}


def write(how: str, model, rows: list[dict]) -> None:
    if how == "insert":
        db.session.execute(sa.insert(model.__table__), rows)
    else:
        columns = list(rows[0])
        copy_rows(model.__table__, columns, [[row[c] for c in columns] for row in rows])


# (table, column set to another value, the value: MISSING or None); None names no row and is accepted.
INSERTS = [
    (ProgressEvent, "trajectory_id", MISSING, True),
    (ProgressEvent, "created_by_id", MISSING, True),
    (ProgressEvent, "created_by_id", None, False),
    (PaymentLine, "run_id", MISSING, True),
    (PaymentLine, "trajectory_id", MISSING, True),
    (PaymentLine, "contract_id", MISSING, True),
]


@pytest.mark.parametrize("how", ["insert", "copy"])
@pytest.mark.parametrize("model, column, value, refused", INSERTS)
def test_a_row_naming_no_row_is_refused_with_the_rest_of_its_statement(named, how, model, column, value, refused):
    good = stored_row(model, how)
    if model is ProgressEvent:
        good["event_id"] = "again"
    bad = {**good, column: value, **({"event_id": "bad"} if model is ProgressEvent else {})}
    before = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    if refused:
        with pytest.raises(sa.exc.IntegrityError):
            write(how, model, [good, bad])
        db.session.rollback()
    else:
        write(how, model, [good, bad])
        db.session.commit()
    after = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    assert after == before + (0 if refused else 2)


# What would leave a row naming nothing, and updates that leave every name intact.
CHANGES = [
    pytest.param(lambda n: sa.delete(Trajectory).where(Trajectory.id == n["trajectory"].id), True,
                 id="delete a trajectory with events and lines"),
    pytest.param(lambda n: sa.delete(User).where(User.id == n["user"].id), True, id="delete the user of an event"),
    pytest.param(lambda n: sa.delete(PaymentRun).where(PaymentRun.id == n["run"].id), True,
                 id="delete a run with lines"),
    pytest.param(lambda n: sa.update(Trajectory).where(Trajectory.id == n["trajectory"].id)
                 .values(contract_id=n["other_contract"].id), True, id="move a trajectory with lines to a contract"),
    pytest.param(lambda n: sa.update(Trajectory).where(Trajectory.id == n["trajectory"].id).values(id=MISSING), True,
                 id="renumber a trajectory"),
    pytest.param(lambda n: sa.update(ProgressEvent).values(trajectory_id=MISSING), True,
                 id="point an event at no trajectory"),
    pytest.param(lambda n: sa.update(PaymentLine).values(municipality_id=n["other_contract"].municipalities[1].id),
                 True, id="give a line another municipality than its trajectory's"),
    pytest.param(lambda n: sa.update(Trajectory).where(Trajectory.id == n["trajectory"].id)
                 .values(contract_id=n["trajectory"].contract_id, participant_name="Ander"), False,
                 id="set a trajectory's contract to the one it has"),
    pytest.param(lambda n: sa.update(User).where(User.id == n["user"].id).values(name="Ander"), False,
                 id="rename the user of an event"),
]


@pytest.mark.parametrize("change, refused", CHANGES)
def test_a_named_row_keeps_its_key_and_a_naming_row_its_name(named, change, refused):
    statement = change(named)
    if refused:
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(statement)
    else:
        assert db.session.execute(statement).rowcount == 1
    db.session.rollback()


def test_an_unnamed_row_may_go(named, make_trajectory):
    spare = make_trajectory(contract=named["trajectory"].contract)
    db.session.commit()
    assert db.session.execute(sa.delete(Trajectory).where(Trajectory.id == spare.id)).rowcount == 1


# A row that an insert not yet committed names, and a change that must wait for that insert to end.
PENDING = [
    pytest.param(ProgressEvent, lambda n: sa.delete(Trajectory).where(Trajectory.id == n["trajectory"].id),
                 id="delete the trajectory of an event"),
    pytest.param(PaymentLine, lambda n: sa.update(Trajectory).where(Trajectory.id == n["trajectory"].id)
                 .values(contract_id=n["other_contract"].id), id="move the trajectory of a line to a contract"),
    pytest.param(PaymentLine, lambda n: sa.update(Contract).where(Contract.id == n["trajectory"].contract_id)
                 .values(provider_id=n["other_contract"].provider_id), id="give the contract of a line a provider"),
]


@pytest.mark.parametrize("model, change", PENDING)
def test_a_named_row_waits_for_an_uncommitted_insert_naming_it(named, model, change):
    """The check locks what it finds (FOR KEY SHARE), as a declared key does, and the unique indexes make the named
    columns a key: the delete or change waits, where without the lock it would pass the guard unseen."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time; there is no concurrent change to hold off")
    row = stored_row(model) | ({"event_id": "pending"} if model is ProgressEvent else {})
    with db.engine.connect() as inserting, db.engine.connect() as changing:
        inserting.execute(sa.insert(model.__table__), row)
        changing.execute(sa.text("SET lock_timeout = '200ms'"))
        with pytest.raises(sa.exc.OperationalError, match="lock timeout"):
            changing.execute(change(named))
        inserting.rollback()
