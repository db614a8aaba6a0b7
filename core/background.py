"""Work that outlasts its request (a CSV import, a payment run): run it in a thread with an app context of its
own, inline under TESTING so that tests see the outcome, and let status polls see how far it got.

Progress goes to a process-local counter and, on PostgreSQL, to the row's `processed` column through a connection
of its own, so that a poll answered by any worker sees it. The work must therefore not hold an uncommitted change
to that row while it reports (commit first), or the progress update waits for a lock it never gets.
"""
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, current_app

from core.extensions import db

#: Write progress to the database at most this often (seconds); the process-local counter is always current.
DB_INTERVAL = 0.5
_progress: dict[tuple[str, int], int] = {}


def start(work: Callable[..., None], *args) -> None:
    """Call work(*args) in a daemon thread inside a fresh app context; inline under TESTING."""
    app = current_app._get_current_object()
    if app.config["TESTING"]:
        _run(app, work, args)
    else:
        threading.Thread(target=_run, args=(app, work, args), daemon=True).start()


def _run(app: Flask, work: Callable[..., None], args: tuple) -> None:
    with app.app_context():
        work(*args)


class Progress:
    """The `processed` counter of one row (any model with an integer `processed` column), callable with a count."""

    def __init__(self, row):
        self.table, self.id = type(row).__table__, row.id
        self.key = (self.table.name, row.id)
        self._written = 0.0

    def __call__(self, count: int) -> None:
        _progress[self.key] = count
        if db.engine.dialect.name == "postgresql" and time.monotonic() - self._written >= DB_INTERVAL:
            with db.engine.begin() as conn:
                conn.execute(sa.update(self.table).where(self.table.c.id == self.id).values(processed=count))
            self._written = time.monotonic()

    def done(self) -> None:
        _progress.pop(self.key, None)


def processed(row) -> int:
    """How far the running work on this row got: this process's counter, else what the row says."""
    return _progress.get((type(row).__tablename__, row.id), row.processed)
