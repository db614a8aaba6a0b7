"""The app of the worker and scheduler processes that tests/work starts: TestConfig on the database, broker, queue
and storage the test names (TEST_WORKER, JSON), on the test's day, with its work cut into small steps that each
take a moment, so that a test can kill a worker in the middle of a payment run or an import."""
import json
import os
import time
from datetime import date

from config import TestConfig
from core import create_app, dates
from core.leases import Lease
from payments import calculation
from trajectories import services

settings = json.loads(os.environ["TEST_WORKER"])
dates.set_clock(dates.clock_from(date.fromisoformat(settings.pop("today"))))
step_seconds = settings.pop("step_seconds")
calculation.PROGRESS_EVERY = services.CHUNK = settings.pop("step")
_progress = Lease.progress


def _slow_progress(lease: Lease, count: int) -> None:
    _progress(lease, count)
    time.sleep(step_seconds)


Lease.progress = _slow_progress
app = create_app({key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()} | settings)
celery_app = app.extensions["celery"]
