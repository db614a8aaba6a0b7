"""Fixtures: `app` (in-memory SQLite, or PostgreSQL when TEST_DATABASE_URL is set), `client`, `ctx`,
`login(user)` and `api(user)` helpers, and the factories of tests/factories.py.

The clock: `TEST_TODAY=2028-02-29` runs the whole suite as if it were that day (CI runs it on several days), and
`@pytest.mark.today("2026-11-16")` pins the day for one test whose dates are fixed.
"""
import os
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from benchmarks.dataset import rebuild_schema
from config import TestConfig
from core import create_app, dates
from core.catalogue import service_rows
from core.extensions import db
from core.models import Service
from tests.factories import *  # noqa: F401,F403 - factory fixtures


def pytest_configure(config):
    config.addinivalue_line("markers", "today(day): run this test as if today were `day` (YYYY-MM-DD)")
    if os.environ.get("TEST_TODAY"):
        dates.set_clock(dates.clock_from(date.fromisoformat(os.environ["TEST_TODAY"])))


@pytest.fixture(autouse=True)
def _pinned_today(request):
    """A test marked `today(day)` sees that day, from its first fixture on (autouse fixtures come first)."""
    marker = request.node.get_closest_marker("today")
    if marker is None:
        yield
        return
    previous = dates.set_clock(dates.clock_from(date.fromisoformat(marker.args[0])))
    yield
    dates.set_clock(previous)


def _database_url(worker: str) -> str:
    """Each xdist worker gets its own PostgreSQL database, created on first use."""
    base = TestConfig.SQLALCHEMY_DATABASE_URI
    if not base.startswith("postgresql"):
        return base
    url = sa.make_url(base)
    name = f"{url.database}_{worker}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("select 1 from pg_database where datname = :n"), {"n": name}):
            conn.execute(sa.text(f'create database "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url():
    return _database_url(os.environ.get("PYTEST_XDIST_WORKER", "master"))


@pytest.fixture(scope="session")
def _schema(database_url):
    """PostgreSQL: build the schema once per session, from scratch whatever an earlier version left there (tables,
    trigger functions); tests empty the tables afterwards."""
    if not database_url.startswith("postgresql"):
        yield
        return
    app = create_app({**_config(database_url)})
    with app.app_context():
        rebuild_schema()
    yield


def _config(database_url: str) -> dict:
    return {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()} | {
        "SQLALCHEMY_DATABASE_URI": database_url}


def _fresh(database_url: str, settings: dict | None = None):
    """An app on an empty schema holding only the service catalogue."""
    app = create_app(_config(database_url) | (settings or {}))
    with app.app_context():
        if database_url.startswith("postgresql"):
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.create_all()
        db.session.execute(sa.insert(Service), service_rows())
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url, _schema):
    yield from _fresh(database_url)


@pytest.fixture
def file_app(tmp_path, database_url, _schema):
    """Like `app`, but on SQLite a database file, so that threads get connections of their own."""
    on_disk = database_url if database_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'test.db'}"
    yield from _fresh(on_disk)


@pytest.fixture
def clock():
    """A stopped clock that the test moves on: clock(seconds)."""
    now = [dates.now_utc()]
    previous = dates.set_clock(lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    yield advance
    dates.set_clock(previous)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """login(user): log the test client in as this user (password from the factory)."""

    def do_login(user, password="Correct-Horse-Battery-9"):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do_login


@pytest.fixture
def api(app):
    """api(user) -> a client whose requests carry that user's bearer token."""
    from core.auth import issue_token

    def make(user):
        token = issue_token(user)
        db.session.commit()
        test_client = app.test_client()
        test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return test_client

    return make
