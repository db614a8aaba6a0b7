import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.dates import now_utc
from core.extensions import db
from core.models import JobRun
from core.scheduler import Job, register_job, run_job


@pytest.fixture
def counted_job(app):
    calls = []

    def work(day):
        calls.append(day)
        return f"verwerkt {day}"

    register_job(app, Job("test_job", work, cron={"hour": 2}))
    return calls


def test_a_job_runs_once_per_period(app, counted_job):
    assert run_job(app, "test_job", date(2026, 11, 23)) == "done"
    assert run_job(app, "test_job", date(2026, 11, 23)) is None
    assert run_job(app, "test_job", date(2026, 11, 24)) == "done"
    assert counted_job == [date(2026, 11, 23), date(2026, 11, 24)]


def test_a_failed_run_is_retried_next_tick(app):
    attempts = []

    def flaky(day):
        attempts.append(day)
        if len(attempts) == 1:
            raise RuntimeError("database weg")

    register_job(app, Job("flaky", flaky, cron={"hour": 2}))
    assert run_job(app, "flaky", date(2026, 11, 23)) == "failed"
    assert run_job(app, "flaky", date(2026, 11, 23)) == "done"
    assert len(attempts) == 2


def test_a_stale_claim_is_taken_over(app, counted_job):
    with app.app_context():
        db.session.add(JobRun(job_id="test_job", period="2026-11-23", status="running",
                              started_at=now_utc() - timedelta(hours=3)))
        db.session.commit()
    assert run_job(app, "test_job", date(2026, 11, 23)) == "done"


def test_monthly_jobs_run_once_per_month(app):
    calls = []
    register_job(app, Job("monthly", calls.append, cron={"day": 1}, period="monthly"))
    for day in (1, 2, 30):
        run_job(app, "monthly", date(2026, 11, day))
    assert calls == [date(2026, 11, 1)]


def test_concurrent_workers_run_a_job_once(file_app):
    """Four workers, each with its own database connection, race for one job."""
    app = file_app
    calls = []
    barrier = threading.Barrier(4)

    def work(day):
        calls.append(day)

    register_job(app, Job("race", work, cron={"hour": 2}))

    def worker():
        barrier.wait()
        run_job(app, "race", date(2026, 11, 23))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == 1

