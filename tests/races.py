"""Real races for the tests: calls released together behind a threading.Barrier, each on a connection of its own
(every request of a Flask test client pushes its own app context, so its own session), and the money they moved.

They run on PostgreSQL only: SQLite writes one transaction at a time, so nothing there races (security-checks.md).
"""
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
import sqlalchemy as sa

from config import TestConfig
from core.extensions import db

postgresql_only = pytest.mark.skipif(not TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"),
                                     reason="races are tried on PostgreSQL; SQLite writes one transaction at a time")


def at_once(*calls: Callable):
    """Start every call in a thread of its own, released together; their results (or what each raised) in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def worker(index: int, call: Callable) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # handed to the test, which names what it expected
            results[index] = exc

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish within a minute"
    return results


def statuses(*responses) -> list[int]:
    return sorted(response.status_code for response in responses)


def assert_books_balance() -> None:
    """Paid instances belong to approved runs only, and each contract's ledger equals its approved lines."""
    from contracts.models import ContractLedger
    from payments.models import LineStatus, PaidInstance, PaymentLine, PaymentRun, RunStatus

    db.session.rollback()  # read what the racing requests committed
    foreign = db.session.scalars(sa.select(PaymentRun.status).join(PaymentLine, PaymentLine.run_id == PaymentRun.id)
                                 .join(PaidInstance, PaidInstance.line_id == PaymentLine.id)
                                 .where(PaymentRun.status != RunStatus.APPROVED)).all()
    assert foreign == [], "paid instances booked for runs that are not approved"
    approved = dict(db.session.execute(
        sa.select(PaymentLine.contract_id, sa.func.sum(sa.type_coerce(PaymentLine.__table__.c.amount_cents,
                                                                      sa.BigInteger)))
        .join(PaymentRun, PaymentLine.run_id == PaymentRun.id)
        .where(PaymentRun.status == RunStatus.APPROVED, PaymentLine.status != LineStatus.HELD)
        .group_by(PaymentLine.contract_id)).all())
    paid = dict(db.session.execute(
        sa.select(PaidInstance.contract_id, sa.func.sum(sa.type_coerce(PaidInstance.__table__.c.amount_cents,
                                                                       sa.BigInteger)))
        .group_by(PaidInstance.contract_id)).all())
    ledger = {row.contract_id: row.paid_total for row in db.session.scalars(sa.select(ContractLedger))
              if row.paid_total}
    assert {cid: Decimal(cents).scaleb(-2) for cid, cents in approved.items() if cents} == ledger
    assert {cid: Decimal(cents).scaleb(-2) for cid, cents in paid.items() if cents} == ledger
