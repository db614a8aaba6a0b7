"""Leases on background work (a payment run's calculation, a CSV import), so that no work waits forever.

A row that waits for a worker has no owner and a deadline (`lease_expires_at`) by which a worker must have taken
it. A worker takes it by one conditional UPDATE (owner set, deadline moved, `attempts` + 1) and commits that before
it starts, so that a second delivery of the same task finds it taken and does nothing. While the work runs, a thread
of the worker renews the lease and writes the progress through a connection of its own; the work's transaction
releases the lease just before it commits, and rolls back if another worker took over meanwhile. The sweep (a
scheduled job) hands work whose lease ran out to the queue again, or after WORK_MAX_ATTEMPTS tries gives it up with
a Dutch reason.

SQLite admits one writer at a time: while a worker's transaction writes, the renewals wait (and are skipped), and so
does any takeover, which therefore happens only once that worker committed or died.
"""
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from core.dates import UTCDateTime, now_utc
from core.extensions import db
from core.work import enqueue

log = logging.getLogger(__name__)


class LeaseColumns:
    """The lease of a model whose rows are background work; the model also has an integer `processed`."""

    #: The worker that holds the work while it runs (host:pid:random); empty while the work waits for one.
    lease_owner: Mapped[str | None] = mapped_column(sa.String(120))
    #: Until when the owner holds it (renewed while it works); for waiting work, by when a worker must have taken it.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How often a worker took this work since it was last queued; bounded by WORK_MAX_ATTEMPTS.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")


@dataclass(frozen=True)
class LeasedWork:
    model: type
    #: The Celery task that does the work of one row, called with its id.
    task: object
    #: WHERE clause of the rows whose work is still to be done.
    waiting: Callable[[], sa.ColumnElement]
    #: give_up(row, attempts): mark the work failed, with a Dutch reason, after too many tries.
    give_up: Callable[[object, int], None]


def register(app: Flask, work: LeasedWork) -> None:
    app.extensions.setdefault("leased_work", {})[work.model] = work


def _work(model) -> LeasedWork:
    return current_app.extensions["leased_work"][model]


def _seconds() -> timedelta:
    return timedelta(seconds=current_app.config["WORK_LEASE_SECONDS"])


def queue(row) -> None:
    """Let the row wait for a worker (a fresh count of attempts) and send its task once the caller commits."""
    row.lease_owner, row.lease_expires_at, row.attempts = None, now_utc() + _seconds(), 0
    db.session.flush()
    enqueue(_work(type(row)).task, row.id)


class Lease:
    """This worker's hold on one row, renewed by a thread while it works; `progress(n)` reports how far it got."""

    def __init__(self, model, row_id: int, owner: str):
        self.table, self.id, self.owner = model.__table__, row_id, owner
        self.processed: int | None = None
        self._stop = threading.Event()
        self._engine = db.engine
        self._every = current_app.config["WORK_HEARTBEAT_SECONDS"]
        self._length = _seconds()

    def progress(self, count: int) -> None:
        self.processed = count

    def _mine(self):
        return sa.and_(self.table.c.id == self.id, self.table.c.lease_owner == self.owner)

    def _renew(self) -> None:
        values = {"lease_expires_at": now_utc() + self._length}
        if self.processed is not None:
            values["processed"] = self.processed
        try:
            with self._engine.begin() as conn:
                if conn.dialect.name == "postgresql":  # never wait behind the work's own transaction
                    conn.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
                conn.execute(sa.update(self.table).where(self._mine()).values(**values))
        except DBAPIError:  # the row is locked by the work itself (or SQLite's one writer): next beat
            log.debug("lease %s/%s not renewed this beat", self.table.name, self.id)

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            self._renew()

    def start(self) -> None:
        # An in-memory database is one connection that no other process sees: nothing to renew, nothing to share.
        if self._engine.url.database not in (None, "", ":memory:"):
            threading.Thread(target=self._beat, name=f"lease-{self.table.name}-{self.id}", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def release(self) -> bool:
        """In the work's transaction, just before it commits. False, with the transaction rolled back, when another
        worker took the work over meanwhile (this one was presumed dead)."""
        self.stop()
        released = db.session.execute(sa.update(self.table).where(self._mine()).values(
            lease_owner=None, lease_expires_at=None)).rowcount
        if released != 1:
            db.session.rollback()
            log.warning("%s %s was taken over by another worker", self.table.name, self.id)
        return released == 1


def run(model, row_id: int, work: Callable[[int, Lease], None]) -> None:
    """Do `work(row_id, lease)` if this worker gets the row's lease; the renewals stop when it returns."""
    lease = take(model, row_id)
    if lease is None:
        return
    try:
        work(row_id, lease)
    finally:
        lease.stop()


def take(model, row_id: int) -> Lease | None:
    """Take the row's work if it waits and nobody holds a live lease on it; committed before the work starts."""
    table, now = model.__table__, now_utc()
    lease = Lease(model, row_id, f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}")
    taken = db.session.execute(
        sa.update(table)
        .where(table.c.id == row_id, _work(model).waiting(),
               sa.or_(table.c.lease_owner.is_(None), table.c.lease_expires_at < now),
               table.c.attempts < current_app.config["WORK_MAX_ATTEMPTS"])
        .values(lease_owner=lease.owner, lease_expires_at=now + lease._length, attempts=table.c.attempts + 1)
    ).rowcount
    db.session.commit()
    if not taken:
        return None
    lease.start()
    return lease


def sweep(day) -> str:
    """The scheduled job: work whose lease (or deadline) ran out goes back to the queue, or is given up."""
    again = failed = 0
    for work in current_app.extensions.get("leased_work", {}).values():
        table, now = work.model.__table__, now_utc()
        expired = db.session.execute(sa.select(table.c.id, table.c.attempts).where(
            work.waiting(), table.c.lease_expires_at < now)).all()
        for row_id, attempts in expired:
            # Claim the expired row first, so that two sweeps (or a late worker) never both act on it.
            claimed = db.session.execute(
                sa.update(table).where(table.c.id == row_id, table.c.lease_expires_at < now, work.waiting())
                .values(lease_owner=None, lease_expires_at=now + _seconds())).rowcount
            if not claimed:
                continue
            if attempts >= current_app.config["WORK_MAX_ATTEMPTS"]:
                work.give_up(db.session.get(work.model, row_id, populate_existing=True), attempts)
                failed += 1
            else:
                enqueue(work.task, row_id)
                again += 1
    return f"{again} opnieuw in de wachtrij, {failed} opgegeven"
