"""Scheduled jobs: domains register them, `flask scheduler run` keeps their schedule and a Celery worker does
their work (the web process runs neither).

A job runs at most once per period over every process and host: the run is claimed by inserting a
(job, period) row under a unique constraint, so a second worker's claim fails instead of running twice.
A failed or stale claim is taken over by the next tick. Any number of scheduler processes may run: each sends
every tick, and the claim keeps the job once per period.
"""
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from celery import shared_task
from flask import Flask, current_app
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
    cron: dict  # CronTrigger fields, e.g. {"hour": 2, "minute": 15}; "second" a divisor of 60
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


@shared_task(name="core.run_job")
def run_job_task(job_id: str, day: str) -> str | None:
    return run_job(current_app._get_current_object(), job_id, date.fromisoformat(day))


def send_job(app: Flask, job_id: str) -> None:
    """A tick: send the job to a worker for the period of this tick's day. A continuous job's tick is dropped
    when no worker took it before the next one."""
    job, now = app.extensions["jobs"][job_id], now_utc()
    expires = None
    if job.period == "continuous":  # in seconds: the worker's clock need not be the one now_utc() reads
        expires = (CronTrigger(**job.cron).get_next_fire_time(None, now + timedelta(seconds=1)) - now).total_seconds()
    with app.app_context():
        run_job_task.apply_async((job_id, today().isoformat()), expires=expires)


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="Europe/Amsterdam")
    for job in app.extensions.get("jobs", {}).values():
        scheduler.add_job(send_job, CronTrigger(**job.cron), args=[app, job.id], id=job.id,
                          coalesce=True, max_instances=1, misfire_grace_time=3600, replace_existing=True)
    return scheduler
