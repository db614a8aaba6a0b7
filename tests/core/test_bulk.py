"""core.bulk.plain_rows: the rows SQLAlchemy would give, read through a server-side cursor."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from core.bulk import plain_rows
from core.extensions import db
from trajectories.models import ProgressEvent, Trajectory


@pytest.fixture
def events(make_trajectory, make_event):
    trajectories = [make_trajectory() for _ in range(3)]
    for n, trajectory in enumerate(trajectories):
        make_event(trajectory, "start", date(2026, 1, 1 + n))
        make_event(trajectory, "attendance", date(2026, 1, 31), month=date(2026, 1, 1), hours_offered=D("40"),
                   hours_attended=D("32.5"), hours_excused=D("0"))
    return trajectories


# Each selection as the payment run and others use it: plain columns (the direct psycopg path on PostgreSQL),
# converted ones (ScaledDecimal hours, a numeric expression, a UTC datetime: SQLAlchemy's rows), IN-lists.
SELECTIONS = {
    "plain columns": lambda ids: sa.select(ProgressEvent.trajectory_id, ProgressEvent.type, ProgressEvent.occurred_on,
                                           ProgressEvent.month).order_by(ProgressEvent.id),
    "an IN-list and a text parameter": lambda ids: sa.select(Trajectory.id, Trajectory.reference).where(
        Trajectory.id.in_(ids[:2]), Trajectory.reference != "x").order_by(Trajectory.id),
    "an empty IN-list": lambda ids: sa.select(Trajectory.id).where(Trajectory.id.in_([])),
    "hours as Decimal": lambda ids: sa.select(ProgressEvent.id, ProgressEvent.hours_attended).order_by(
        ProgressEvent.id),
    "a numeric expression": lambda ids: sa.select(sa.cast(sa.literal(1.5), sa.Numeric(10, 2))),
    "a moment": lambda ids: sa.select(ProgressEvent.created_at).order_by(ProgressEvent.id),
}


@pytest.mark.parametrize("name", SELECTIONS)
@pytest.mark.parametrize("size", [1, 1000])
def test_plain_rows_are_the_rows_sqlalchemy_gives(events, name, size):
    statement = SELECTIONS[name]([t.id for t in events])
    expected = [tuple(row) for row in db.session.execute(statement)]
    assert [tuple(row) for row in plain_rows(statement, size)] == expected
    assert expected or name == "an empty IN-list"


def test_a_database_error_comes_as_sqlalchemys(events):
    statement = sa.select(sa.func.to_date(sa.literal("geen datum"), sa.literal("YYYY-MM-DD"))) if (
        db.engine.dialect.name == "postgresql") else sa.select(sa.text("no_such_column"))
    with pytest.raises(sa.exc.DBAPIError):
        list(plain_rows(statement, 10))
