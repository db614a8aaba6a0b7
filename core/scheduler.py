"""Scheduled jobs: domains register them, `flask scheduler run` (or the web process) runs them.

A job runs at most once per period over every process and host: the run is claimed by inserting a
(job, period) row under a unique constraint, so a second worker's claim fails instead of running twice.
A failed or stale claim is taken over by the next tick.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from sqlalchemy.exc import IntegrityError

from core.dates import now_utc, today
from core.extensions import db
from core.models import JobRun

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=2)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable  # func(today) -> str | None, the service call; its return value is logged
    cron: dict  # CronTrigger fields, e.g. {"hour": 2, "minute": 15}
    #: "daily" or "monthly": how often the job may run at most; "continuous": on every tick, unclaimed, for jobs
    #: that claim their own work row by row (an outbox) and so may run in several processes at once.
    period: str = "daily"


def register_job(app: Flask, job: Job) -> None:
    app.extensions.setdefault("jobs", {})[job.id] = job


def period_key(job: Job, day) -> str:
    return day.isoformat() if job.period == "daily" else day.strftime("%Y-%m")


def _claim(job: Job, period: str) -> JobRun | None:
    try:
        with db.session.begin_nested():
            run = JobRun(job_id=job.id, period=period, status="running")
            db.session.add(run)
        db.session.commit()
        return run
    except IntegrityError:
        db.session.rollback()
    taken = db.session.execute(
        sa.update(JobRun)
        .where(JobRun.job_id == job.id, JobRun.period == period,
               sa.or_(JobRun.status == "failed",
                      sa.and_(JobRun.status == "running", JobRun.started_at < now_utc() - STALE_AFTER)))
        .values(status="running", started_at=now_utc(), finished_at=None, message="")
    ).rowcount
    db.session.commit()
    if not taken:
        return None
    return db.session.scalar(sa.select(JobRun).where(JobRun.job_id == job.id, JobRun.period == period))


def run_job(app: Flask, job_id: str, day=None) -> str | None:
    """Run one job for the period of `day` unless it already ran; returns the run's status or None."""
    job = app.extensions["jobs"][job_id]
    with app.app_context():
        day = day or today()
        if job.period == "continuous":
            return _run_unclaimed(job, day)
        run = _claim(job, period_key(job, day))
        if run is None:
            log.info("job %s already ran for this period", job.id)
            return None
        try:
            message = job.func(day)
            db.session.commit()
            run.status, run.message = "done", str(message or "")[:500]
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job.id)
            run = db.session.merge(run)
            run.status, run.message = "failed", "zie het applicatielog"
        run.finished_at = now_utc()
        db.session.commit()
        return run.status


def _run_unclaimed(job: Job, day) -> str:
    try:
        job.func(day)
        db.session.commit()
        return "done"
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", job.id)
        return "failed"


def build_scheduler(app: Flask, blocking: bool = False):
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone="Europe/Amsterdam")
    for job in app.extensions.get("jobs", {}).values():
        scheduler.add_job(run_job, CronTrigger(**job.cron), args=[app, job.id], id=job.id,
                          coalesce=True, max_instances=1, misfire_grace_time=3600, replace_existing=True)
    return scheduler
