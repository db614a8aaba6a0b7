"""Runs made or recalculated in the UI are calculated by a Celery worker: the request commits the run as
CALCULATING and queues it (with a lease, core.leases); the worker replaces the run's lines in one transaction and
commits them with the run DONE, or rolls every line back and records why, leaving a draft without lines that a
recalculation retries. A run whose workers kept dying is failed by the lease sweep."""
import logging

import sqlalchemy as sa
from celery import shared_task

from core import leases
from core.errors import DomainError
from core.extensions import db
from payments import runs, services
from payments.models import Calculation, PaymentLine, PaymentRun, RunStatus

log = logging.getLogger(__name__)
LOST = ("De berekening is {attempts} keer afgebroken doordat de server die hem uitvoerde wegviel; er zijn geen "
        "regels opgeslagen. Probeer het opnieuw met Herberekenen.")


def queue(run: PaymentRun) -> None:
    """Have a worker calculate the CALCULATING run once the caller commits."""
    leases.queue(run)


def status(run: PaymentRun) -> dict:
    return services.calculation_status(run, run.processed)


def waiting():
    return sa.and_(PaymentRun.calculation == Calculation.CALCULATING, PaymentRun.status == RunStatus.DRAFT)


def give_up(run: PaymentRun, attempts: int) -> None:
    runs.calculation_failed(run, LOST.format(attempts=attempts))


@shared_task(name="payments.calculate_run")
def calculate(run_id: int) -> None:
    """Calculate the run if this worker gets its lease; a second delivery finds it taken or done."""
    leases.run(PaymentRun, run_id, _calculate)


def _calculate(run_id: int, lease: leases.Lease) -> None:
    failure = None
    try:
        lines = sa.select(PaymentLine.id).where(PaymentLine.run_id == run_id)
        if db.session.scalar(lines.exists().select()):  # replaced, never doubled (and SQLite not locked for nothing)
            db.session.execute(sa.delete(PaymentLine).where(PaymentLine.run_id == run_id))
        runs.calculate_run(db.session.get(PaymentRun, run_id), by=None, on_progress=lease.progress)
    except DomainError as exc:
        failure = exc.message
    except Exception:
        log.exception("payment run %s: calculation failed", run_id)
        failure = runs.CALCULATION_FAILED
    if failure:
        db.session.rollback()
    if not lease.release():
        return
    if failure:
        runs.calculation_failed(db.session.get(PaymentRun, run_id), failure)
    db.session.commit()
