"""Background work with real Celery worker processes on Redis: a worker killed with SIGKILL in the middle of a
payment run or an import leaves work that another worker finishes (or that is failed visibly) within the lease
bound, with exactly the lines and events it should have; two workers on one queue compute each run once."""
import io
import time
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.dates import today
from core.extensions import db
from core.models import AuditEntry, Role
from payments import tasks
from payments.models import Calculation, PaymentLine, PaymentRun
from payments.runs import create_run
from trajectories import imports
from trajectories.models import ImportStatus, ProgressEvent
from tests.work.conftest import SETTINGS

TODAY = date(2026, 11, 23)
START = {"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("100.00")}
#: From the kill until the work is done: the lease runs out, the next sweep queues it, a worker picks it up.
LEASE_BOUND = SETTINGS["WORK_LEASE_SECONDS"] + 2 * SETTINGS["WORK_SWEEP_SECONDS"]


def fresh(row):
    db.session.commit()  # end this test's snapshot, so that it sees what the workers committed
    return db.session.get(type(row), row.id, populate_existing=True)


def calculated_audits(run_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.object_id == run_id, AuditEntry.action == "payment_run_calculated"))


def line_count(run_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(PaymentLine.id)).where(PaymentLine.run_id == run_id))


@pytest.fixture
def region_with_runs(make_region, make_municipality, make_contract, make_trajectory, make_event, make_user):
    """make(per_municipality, municipalities) -> (maker, municipalities): each trajectory earned one START."""

    def make(per_municipality: int, municipalities: int = 2):
        towns = [make_municipality() for _ in range(municipalities)]
        region = make_region(municipalities=towns)
        contract = make_contract(milestones=[START], municipalities=towns)
        for town in towns:
            for _ in range(per_municipality):
                make_event(make_trajectory(contract=contract, municipality=town), "start", date(2026, 2, 1))
        maker = make_user(Role.FINANCE, region=region)
        db.session.commit()
        return region, maker, towns

    return make


def queued_run(**scope) -> PaymentRun:
    run = create_run("2026-10", by=None, today=TODAY, background=True, **scope)
    tasks.queue(run)
    db.session.commit()
    return run


def test_a_payment_run_whose_worker_is_killed_is_finished_by_another(cluster, wait, region_with_runs):
    region, maker, _ = region_with_runs(per_municipality=60)
    cluster.scheduler()
    cluster.worker("first")
    run = queued_run(region=region)
    wait(lambda: fresh(run).processed >= 20, "the first worker to be half-way")
    cluster.kill("first")
    killed = time.monotonic()
    assert fresh(run).calculation == Calculation.CALCULATING and line_count(run.id) == 0
    cluster.worker("second")
    wait(lambda: fresh(run).calculation == Calculation.DONE, "the second worker to finish the run")
    run = fresh(run)
    assert time.monotonic() - killed < LEASE_BOUND + 30  # the second worker's start and the run included
    assert (run.attempts, run.lease_owner, run.processed, run.total) == (2, None, 120, D("12000.00"))
    assert (line_count(run.id), calculated_audits(run.id)) == (120, 1)


def test_two_workers_on_one_queue_compute_each_run_once(cluster, wait, region_with_runs):
    _, _, towns = region_with_runs(per_municipality=15, municipalities=4)
    # Leases long enough that no heartbeat misses one on a busy machine: this test is about double delivery.
    cluster.worker("one", step_seconds=0.02, WORK_LEASE_SECONDS=60)
    cluster.worker("two", step_seconds=0.02, WORK_LEASE_SECONDS=60)
    runs = [queued_run(municipality=town) for town in towns]
    for run in runs:  # every run delivered twice: a second delivery must find it taken or done
        tasks.calculate.delay(run.id)
    wait(lambda: all(fresh(run).calculation == Calculation.DONE for run in runs), "both workers to finish")
    for run in runs:
        run = fresh(run)
        assert (run.attempts, run.total, line_count(run.id), calculated_audits(run.id)) == (1, D("1500.00"), 15, 1)


@pytest.fixture
def import_file(make_provider, make_contract, make_trajectory, make_user):
    """600 attendance rows (30 trajectories, 20 months each) from a provider's user."""
    provider = make_provider()
    contract = make_contract(provider=provider)
    first_month = (today().replace(day=1) - timedelta(days=21 * 31)).replace(day=1)
    trajectories = [make_trajectory(contract=contract, referral_date=first_month) for _ in range(30)]
    user = make_user(Role.PROVIDER, provider=provider)
    db.session.commit()
    lines = ["event_id;trajectory;type;date;month;hours_offered;hours_attended;hours_excused"]
    for n, trajectory in enumerate(trajectories):
        month = first_month
        for m in range(20):
            month = (month + timedelta(days=32)).replace(day=1)
            lines.append(f"A-{n}-{m};{trajectory.reference};attendance;{month:%Y-%m}-28;{month:%Y-%m};40;32;4")
    return user, ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("max_attempts, outcome", [
    (3, ImportStatus.DONE),  # taken over and finished
    (1, ImportStatus.FAILED),  # no try left: failed visibly, the file kept for a retry
])
def test_an_import_whose_worker_is_killed_is_finished_or_failed(cluster, wait, import_file, app, max_attempts,
                                                                  outcome):
    user, content = import_file
    cluster.scheduler(WORK_MAX_ATTEMPTS=max_attempts)
    cluster.worker("first", WORK_MAX_ATTEMPTS=max_attempts)
    item = imports.save_upload(io.BytesIO(content), "voortgang.csv", by=user, confirmed=True)
    db.session.commit()
    wait(lambda: fresh(item).lease_owner is not None, "the first worker to take the import")
    time.sleep(1)  # 10 rows per step, 0.1 s each: some 100 of the 600 rows are in its open transaction now
    cluster.kill("first")
    assert fresh(item).status == ImportStatus.IMPORTING
    cluster.worker("second", WORK_MAX_ATTEMPTS=max_attempts)
    wait(lambda: fresh(item).status not in imports.BUSY, "the import to be finished or failed")
    item = fresh(item)
    events = db.session.scalar(sa.select(sa.func.count(ProgressEvent.id)).where(ProgressEvent.sender == item.sender))
    stored = Path(app.config["STORAGE_URL"].removeprefix("file://")) / item.stored_name
    if outcome == ImportStatus.DONE:
        assert (item.status, item.attempts, item.accepted, events) == (ImportStatus.DONE, 2, 600, 600)
        assert not stored.exists()
    else:
        assert (item.status, item.failure, events) == (ImportStatus.FAILED, imports.LOST.format(attempts=1), 0)
        assert stored.read_bytes() == content
