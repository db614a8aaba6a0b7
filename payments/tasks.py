"""Runs made or recalculated in the UI are calculated in the background (core.background): the request commits
the run as CALCULATING, then calculate() fills in its lines and commits, or rolls every line back and records
why, leaving a draft without lines that a recalculation retries."""
import logging

from core import background
from core.errors import DomainError
from core.extensions import db
from core.models import User
from payments import runs, services
from payments.models import Calculation, PaymentRun

log = logging.getLogger(__name__)


def start(run: PaymentRun, by: User) -> None:
    background.start(calculate, run.id, by.id)


def status(run: PaymentRun) -> dict:
    return services.calculation_status(run, background.processed(run))


def calculate(run_id: int, by_id: int | None) -> None:
    run = db.session.get(PaymentRun, run_id)
    if run is None or run.calculation != Calculation.CALCULATING:
        return
    progress = background.Progress(run)
    try:
        runs.calculate_run(run, by=db.session.get(User, by_id) if by_id else None, on_progress=progress)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        if not isinstance(exc, DomainError):
            log.exception("payment run %s: calculation failed", run_id)
        runs.calculation_failed(db.session.get(PaymentRun, run_id),
                                    *([exc.message] if isinstance(exc, DomainError) else []))
        db.session.commit()
    finally:
        progress.done()
