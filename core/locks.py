"""Row locks for a check and the write that depends on it: of two requests that race, the second waits until the
first has committed and then reads what it wrote (security-checks.md, "Concurrency").

PostgreSQL locks the rows a SELECT reads with FOR NO KEY UPDATE: it conflicts with itself and with UPDATE, not with
the FOR KEY SHARE that a foreign-key check takes, so rows that refer to a locked row can still be written meanwhile
(a payment run's lines, a trajectory's events). SQLite ignores FOR UPDATE; there a write statement takes the
database's one write lock, held until the transaction ends.
"""
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from core.extensions import db

#: PostgreSQL's deadlock_detected: two transactions waited for each other's locks and this one was refused.
DEADLOCK = "40P01"


def locked(stmt, model):
    """`stmt` (a SELECT) locking the rows of `model` it reads until the transaction ends; read them only after the
    lock is held, so that they are current."""
    if db.session.connection().dialect.name == "postgresql":
        return stmt.with_for_update(key_share=True, of=model)
    take_write_lock(model)
    return stmt


def lock_row(obj) -> None:
    """Wait for the row lock of `obj` (a loaded model instance), then read it again: what a transition that held
    the lock committed is what the caller's checks see."""
    model = type(obj)
    stmt = sa.select(model).where(*(column == value for column, value in
                                    zip(sa.inspect(model).primary_key, sa.inspect(obj).identity)))
    db.session.execute(locked(stmt, model).execution_options(populate_existing=True)).scalar_one()


def take_write_lock(model) -> None:
    """SQLite: take the database write lock (no row changes); PostgreSQL callers lock rows instead."""
    table = model.__table__
    key = next(iter(table.primary_key))
    db.session.execute(sa.update(table).where(sa.false()).values({key: key}))


def is_deadlock(exc: OperationalError) -> bool:
    """Whether the database refused this transaction to break a deadlock (it rolled back; a retry may succeed)."""
    return getattr(exc.orig, "sqlstate", None) == DEADLOCK
