"""The outbox job: queue module reports, then make every due call to DUO, each in its own transaction."""
import logging

from flask import Flask, current_app

from core.dates import now_utc
from core.extensions import db
from core.scheduler import Job, register_job
from trajectories.duo import reports, services
from trajectories.duo.client import client_from_config

log = logging.getLogger(__name__)


def deliver_outbox(day) -> str:
    """Runs on every tick; items are claimed one by one, so several scheduler processes may run it at once."""
    if not current_app.config["DUO_BASE_URL"]:
        return "DUO_BASE_URL is niet ingesteld"
    queued = reports.queue_module_reports(now_utc())
    db.session.commit()
    client, done = client_from_config(current_app.config), 0
    for item_id in services.due_items(now_utc()):
        item = services.claim(item_id, now_utc())
        db.session.commit()  # the claim is visible to other processes before the call is made
        if item is None:
            continue
        try:
            services.deliver(item, client, now=now_utc(), today=day)
            db.session.commit()
            done += 1
        except Exception:  # a bug must not stop the other items; the claim expires and the item comes back
            db.session.rollback()
            log.exception("DUO outbox item %s failed", item_id)
    return f"{queued} gemeld, {done} verwerkt"


def register_jobs(app: Flask) -> None:
    register_job(app, Job("duo_outbox", deliver_outbox, {"minute": "*/2"}, period="continuous"))
