"""Background work runs in Celery workers, never in the web process: a request commits what it asks for and sends
a task, which a worker (on this machine or another) runs in an app context of its own.

Tasks are acknowledged late and given back when their worker dies (task_acks_late, task_reject_on_worker_lost);
what a worker must finish is guarded by a lease on its row (core.leases), so a second delivery does nothing twice.
Messages are sent only once the request's transaction commits, so that a worker never looks for a row that is not
there yet; a message that cannot be sent is sent again by the lease sweep.
"""
import logging

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask

from core.extensions import after_commit, db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> Celery:
    """The Celery app of this Flask app (the Flask documentation's pattern): every task runs in an app context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.set_default()
    app.extensions["celery"] = celery

    @worker_process_init.connect(weak=False)
    def _fresh_connections(**_):
        """A forked pool process must not share the parent's pooled database connections."""
        with app.app_context():
            db.engine.dispose(close=False)

    return celery


def enqueue(task, *args) -> None:
    """Send `task(*args)` once the current transaction commits (now, if none is open)."""
    after_commit(lambda: _send(task, args))


def _send(task, args: tuple) -> None:
    try:
        task.apply_async(args)
    except Exception:  # the broker is away: the row waits, and the lease sweep sends it again
        log.warning("could not send task %s%r; the lease sweep will send it again", task.name, args, exc_info=True)
