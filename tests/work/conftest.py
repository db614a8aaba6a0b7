"""Real Celery workers on Redis: `app` here is the test's side of a small cluster (its tasks go to Redis, not run
eagerly), and `cluster` starts worker and scheduler processes on the same database, queue and storage
(tests/worker_app.py), kills them with SIGKILL, and ends them all after the test.

Redis: the server at TEST_REDIS_URL (.ci/run starts Debian's redis-server), else a redis-server of the test
session's own on a free port.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from config import TestConfig
from core.dates import today
from tests.conftest import _fresh

ROOT = Path(__file__).resolve().parents[2]
#: Short leases, so that a test sees a dead worker's work taken over within seconds.
SETTINGS = {"WORK_LEASE_SECONDS": 3, "WORK_HEARTBEAT_SECONDS": 0.5, "WORK_SWEEP_SECONDS": 1}
#: How long a test waits for the cluster at most; the lease bound is a few seconds of it.
PATIENCE = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition, what: str, timeout: float = PATIENCE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout} s for {what}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = _free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
                               stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    _wait(lambda: _pings(url), "redis-server", 20)
    yield url
    process.terminate()
    process.wait(10)


def _pings(url: str) -> bool:
    try:
        return redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def worker_settings(tmp_path, database_url, redis_url):
    queue = f"test-{uuid.uuid4().hex[:12]}"
    return SETTINGS | {
        # On SQLite a database file, so that the worker processes share it.
        "SQLALCHEMY_DATABASE_URI": database_url if database_url.startswith("postgresql")
        else f"sqlite:///{tmp_path / 'cluster.db'}",
        "STORAGE_URL": (tmp_path / "storage").as_uri(),
        "CELERY": {**TestConfig.CELERY, "task_always_eager": False, "broker_url": redis_url,
                   "task_default_queue": queue},
    }


@pytest.fixture
def app(worker_settings, _schema):
    yield from _fresh(worker_settings["SQLALCHEMY_DATABASE_URI"], worker_settings)


class Cluster:
    """Worker and scheduler processes of one test; each in a process group of its own, so that SIGKILL takes the
    worker's pool processes too."""

    def __init__(self, settings: dict, logs: Path):
        self.settings, self.logs, self.processes = settings, logs, {}

    def _start(self, name: str, args: list[str], ready: str | None, *, step: int, step_seconds: float,
               **overrides) -> subprocess.Popen:
        environment = {**os.environ, "TEST_WORKER": json.dumps({
            **self.settings, **overrides, "today": today().isoformat(), "step": step, "step_seconds": step_seconds},
            default=str)}
        log = self.logs / f"{name}.log"
        process = subprocess.Popen(args, cwd=ROOT, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        if ready:
            _wait(lambda: ready in log.read_text(errors="replace") or process.poll() is not None, f"{name} to start")
            assert process.poll() is None, log.read_text(errors="replace")
        return process

    def worker(self, name: str, *, step: int = 10, step_seconds: float = 0.1, **overrides) -> subprocess.Popen:
        """A Celery worker with one pool process on the test's queue; its work moves `step` rows or trajectories
        at a time, waiting `step_seconds` after each."""
        queue = self.settings["CELERY"]["task_default_queue"]
        return self._start(name, [sys.executable, "-m", "celery", "-A", "tests.worker_app:celery_app", "worker",
                                  "--pool", "prefork", "--concurrency", "1", "-Q", queue, "-n", f"{name}@%h",
                                  "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
                           "ready.", step=step, step_seconds=step_seconds, **overrides)

    def scheduler(self, **overrides) -> subprocess.Popen:
        return self._start("scheduler", [sys.executable, "-m", "flask", "--app", "tests.worker_app:app", "scheduler",
                                         "run"], "Planner gestart", step=10, step_seconds=0, **overrides)

    def kill(self, name: str) -> None:
        """kill -9 of the process and its pool: no chance to give anything back."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@pytest.fixture
def cluster(app, worker_settings, tmp_path):
    started = Cluster(worker_settings, tmp_path)
    yield started
    started.stop()


@pytest.fixture
def wait():
    return _wait
