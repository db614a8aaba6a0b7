"""The login throttle (ASVS 4.0.3 V2.2.1, 5.0 V6.3.1): failed logins are counted per account and client (the IP
address), per account over its clients and per client over its accounts. Past a number of failures without a
success each further try waits: one second, doubling with every failure up to LOGIN_MAX_DELAY_SECONDS. A count
starts again after LOGIN_FAILURE_WINDOW_MINUTES without a failure.

The real user is not locked out by someone else's guesses: the count per account and client holds only that
client, and the count per account over its clients (a guesser who moves from address to address) does not hold a
client that logged in to the account in the last KNOWN_CLIENT_DAYS. An unknown e-mail address is counted like a
known one, so the answers say nothing about which accounts exist.

A try is counted before its password is checked, in a transaction of its own that holds the counts' row locks only
for the counting, so that tries at the same moment are counted one by one and no more of them are checked than
the counts allow; a try that succeeds gives its count back. The table keeps keyed hashes, no address.
"""
import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from core.bulk import insert_new
from core.dates import now_utc
from core.extensions import db
from core.models import LoginThrottle

#: A client that logged in to an account this recently is not held by the account's count over its clients.
KNOWN_CLIENT_DAYS = 90
#: The longest doubling: 2**20 s is far past any LOGIN_MAX_DELAY_SECONDS.
MAX_DOUBLINGS = 20


@dataclass(frozen=True)
class Attempt:
    """One try: its counts' keys by kind ("pair", "account", "client") and the seconds it must still wait (0: go)."""

    keys: dict[str, str]
    wait: int


def attempt(email: str, client: str, now: datetime) -> Attempt:
    """Count a try at logging in to `email` from `client`, or refuse it uncounted while one of its counts waits."""
    keys = {"pair": _key("pair", email, client), "account": _key("account", email), "client": _key("client", client)}
    config = current_app.config
    free = {"pair": config["LOGIN_FREE_FAILURES"], "account": config["LOGIN_ACCOUNT_FREE_FAILURES"],
            "client": config["LOGIN_CLIENT_FREE_FAILURES"]}
    table = LoginThrottle.__table__
    with db.engine.begin() as connection:
        rows = _locked(connection, sorted(keys.values()))
        pair = rows[keys["pair"]]
        known = pair.succeeded_at is not None and now - pair.succeeded_at < timedelta(days=KNOWN_CLIENT_DAYS)
        counts = {kind: _count(rows[key], now) for kind, key in keys.items()}
        wait = max(_wait(counts[kind], rows[keys[kind]].last_failure_at, free[kind], now)
                   for kind in keys if not (kind == "account" and known))
        if not wait:
            for kind, key in keys.items():
                connection.execute(sa.update(table).where(table.c.key == key)
                                   .values(failures=counts[kind] + 1, last_failure_at=now))
    return Attempt(keys, wait)


def succeeded(attempt: Attempt, now: datetime) -> None:
    """The password was right: the client's count for the account starts again and the client is known to it;
    the wider counts get back the failure counted in advance."""
    table = LoginThrottle.__table__
    with db.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.key == attempt.keys["pair"])
                           .values(failures=0, last_failure_at=None, succeeded_at=now))
        connection.execute(sa.update(table).where(table.c.key.in_([attempt.keys["account"], attempt.keys["client"]]))
                           .values(failures=sa.case((table.c.failures > 0, table.c.failures - 1), else_=0)))


def purge(today) -> str:
    """Nightly: forget the counts without a recent failure, except those of clients an account knows."""
    now = now_utc()
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    table = LoginThrottle.__table__
    stale = sa.or_(table.c.last_failure_at.is_(None), table.c.last_failure_at < now - window)
    forgotten = sa.or_(table.c.succeeded_at.is_(None), table.c.succeeded_at < now - timedelta(days=KNOWN_CLIENT_DAYS))
    removed = db.session.execute(sa.delete(table).where(stale, forgotten)).rowcount
    return f"{removed} inlogtellers vergeten"


def _key(kind: str, *parts: str) -> str:
    """A keyed hash, so that the table holds no e-mail or IP address."""
    message = "\x1f".join((kind, *parts)).encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()


def _locked(connection, keys: list[str]) -> dict:
    """The counts' rows, made where missing and locked in key order (two tries wait for each other, never deadlock).

    On SQLite the insert takes the database's write lock, which serves as the row locks."""
    table = LoginThrottle.__table__
    insert_new(table, [{"key": key, "failures": 0} for key in keys], connection)
    rows = connection.execute(sa.select(table).where(table.c.key.in_(keys)).order_by(table.c.key).with_for_update())
    return {row.key: row for row in rows}


def _count(row, now: datetime) -> int:
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    return row.failures if row.last_failure_at is not None and now - row.last_failure_at < window else 0


def _wait(failures: int, last: datetime | None, free: int, now: datetime) -> int:
    """Seconds until the next try: none within the free failures, then 1 s doubling per failure, capped."""
    if failures < free:
        return 0
    delay = min(current_app.config["LOGIN_MAX_DELAY_SECONDS"], 2 ** min(failures - free, MAX_DOUBLINGS))
    return max(0, math.ceil(delay - (now - last).total_seconds()))
