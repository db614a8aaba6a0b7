"""core.work: the web process sends background work to the broker once its transaction commits, and runs none of
it itself: no thread, no scheduler."""
import io
import threading
import uuid

import pytest
import sqlalchemy as sa

from config import TestConfig
from core.extensions import db
from core.models import Role
from tests.conftest import _fresh
from trajectories.models import ImportStatus, ProgressImport


@pytest.fixture
def queue():
    return f"web-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def app(database_url, _schema, queue):
    """Tasks go to an in-memory broker that no worker reads."""
    yield from _fresh(database_url, {"CELERY": {**TestConfig.CELERY, "task_always_eager": False,
                                                "task_default_queue": queue}})


def waiting_messages(app, queue: str) -> int:
    with app.extensions["celery"].connection_for_write() as connection:
        return connection.default_channel.queue_declare(queue).message_count


def test_the_web_process_sends_the_work_and_holds_no_thread(app, queue, login, make_user, make_provider):
    threads = set(threading.enumerate())
    user = make_user(Role.PROVIDER, provider=make_provider())
    client = login(user)
    made = client.post("/progress/imports/new", data={"file": (io.BytesIO(b"event_id;trajectory;type;date\r\n"),
                                                                "v.csv")})
    assert made.status_code == 302
    item = db.session.scalar(sa.select(ProgressImport))
    assert (item.status, item.lease_owner, item.attempts) == (ImportStatus.VALIDATING, None, 0)
    assert waiting_messages(app, queue) == 1
    assert set(threading.enumerate()) == threads


def test_nothing_is_sent_when_the_transaction_rolls_back(app, queue, make_user, make_provider):
    from trajectories import imports

    with app.app_context():
        imports.save_upload(io.BytesIO(b"event_id;trajectory;type;date\r\n"), "v.csv",
                            by=make_user(Role.PROVIDER, provider=make_provider()))
        db.session.rollback()
        db.session.commit()
    assert waiting_messages(app, queue) == 0
