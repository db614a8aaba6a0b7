"""Runs made in the UI are calculated by a worker: the calculating state, progress, the status JSON, the eager
path under TESTING, a lost worker's lease, and a failed calculation that leaves no line behind and can be
retried."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from core import leases
from core.dates import now_utc, today
from core.errors import Conflict
from core.extensions import db
from core.models import AuditEntry, Role
from payments import calculation, runs, tasks
from payments.models import Calculation, PaymentLine, PaymentRun, RunStatus
from payments.runs import CALCULATION_FAILED, approve_run, cancel_run, create_run, recalculate_run

TODAY = date(2026, 11, 23)
START = {"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("100.00")}


@pytest.fixture
def world(make_region, make_contract, make_trajectory, make_event, make_user):
    region = make_region()
    contract = make_contract(milestones=[START], municipalities=region.municipalities)
    for n in range(3):
        trajectory = make_trajectory(contract=contract, municipality=region.municipalities[n % 2])
        make_event(trajectory, "start", date(2026, 2, 1))
    maker, checker = make_user(Role.FINANCE, region=region), make_user(Role.FINANCE, region=region)
    return region, maker, checker


def last_month() -> str:
    return (today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def line_count(run_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(PaymentLine.id)).where(PaymentLine.run_id == run_id))


def queued(region, maker) -> PaymentRun:
    """A run waiting for a worker that never comes (its task is not sent)."""
    run = create_run("2026-10", region=region, by=maker, today=TODAY, background=True)
    db.session.commit()
    return run


def test_a_background_run_waits_calculating_then_calculates_with_progress(world, monkeypatch):
    region, maker, checker = world
    run = queued(region, maker)
    assert (run.status, run.calculation, run.to_process, run.processed, line_count(run.id)) == (
        RunStatus.DRAFT, Calculation.CALCULATING, 3, 0, 0)
    monkeypatch.setattr(calculation, "PROGRESS_EVERY", 2)
    reported = []
    runs.calculate_run(run, by=maker, on_progress=reported.append)
    assert reported == [2, 3]
    assert (run.calculation, run.processed, run.total, line_count(run.id)) == (Calculation.DONE, 3, D("300.00"), 3)
    assert approve_run(run, by=checker).status == RunStatus.APPROVED
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_id == run.id,
                                                                 AuditEntry.action.like("payment_run%"))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["payment_run_created", "payment_run_calculated", "payment_run_approved"]


@pytest.mark.parametrize("state, action, refused", [
    (Calculation.CALCULATING, "approve", True),
    (Calculation.CALCULATING, "recalculate", True),
    (Calculation.CALCULATING, "cancel", False),  # the way out of a calculation whose process died
    (Calculation.FAILED, "approve", True),
    (Calculation.FAILED, "recalculate", False),
    (Calculation.FAILED, "cancel", False),
])
def test_what_a_run_allows_before_its_calculation_is_done(world, state, action, refused):
    region, maker, checker = world
    run = queued(region, maker)
    if state == Calculation.FAILED:
        runs.calculation_failed(run)
    act = {"approve": approve_run, "recalculate": recalculate_run, "cancel": cancel_run}[action]
    if refused:
        with pytest.raises(Conflict):
            act(run, by=checker)
    else:
        act(run, by=checker)
        assert run.calculation == (Calculation.FAILED if action == "cancel" else Calculation.DONE)


def test_the_status_poll_reads_the_progress_the_worker_wrote_to_the_row(world, login, client):
    region, maker, _ = world
    run = queued(region, maker)
    db.session.execute(sa.update(PaymentRun).where(PaymentRun.id == run.id).values(processed=1))
    db.session.commit()
    login(maker)
    page = client.get(f"/betalingen/{run.id}").get_data(as_text=True)
    assert 'role="status">De betaalrun wordt berekend' in page
    assert '<progress id="background-progress" max="3" value="1">' in page and 'for="background-progress"' in page
    assert f'data-progress-url="/betalingen/{run.id}/status"' in page and "/static/progress.js" in page
    assert "<script>" not in page and "Goedkeuren" not in page
    assert client.get(f"/betalingen/{run.id}/status").json == {
        "id": run.id, "status": "draft", "calculation": "calculating", "busy": True, "processed": 1, "total": 3,
        "error": None}
    assert client.post(f"/betalingen/{run.id}/recalculate").status_code == 409


@pytest.mark.parametrize("attempts, outcome", [
    (1, Calculation.DONE),  # taken over: queued again and calculated
    (3, Calculation.FAILED),  # the third lost worker: given up, with the reason
])
def test_a_run_whose_lease_ran_out_is_taken_over_or_failed(world, app, attempts, outcome):
    region, maker, _ = world
    run = queued(region, maker)
    db.session.execute(sa.update(PaymentRun).where(PaymentRun.id == run.id).values(
        lease_owner="dead-worker", attempts=attempts, lease_expires_at=now_utc() - timedelta(seconds=1)))
    db.session.commit()
    assert leases.sweep(TODAY) == ("1 opnieuw in de wachtrij, 0 opgegeven" if outcome == Calculation.DONE
                                   else "0 opnieuw in de wachtrij, 1 opgegeven")
    db.session.commit()  # the task is sent once the sweep commits; eager under TESTING
    db.session.refresh(run)
    assert (run.calculation, run.lease_owner, line_count(run.id)) == (outcome, None, 3 if outcome == "done" else 0)
    if outcome == Calculation.FAILED:
        assert run.calculation_error == tasks.LOST.format(attempts=3)


def test_a_second_delivery_of_a_calculated_run_changes_nothing(world):
    region, maker, _ = world
    run = queued(region, maker)
    tasks.queue(run)
    db.session.commit()
    db.session.refresh(run)
    before = (run.calculation, run.attempts, line_count(run.id), run.total)
    tasks.calculate.delay(run.id)
    db.session.refresh(run)
    assert before == (Calculation.DONE, 1, 3, D("300.00")) == (run.calculation, run.attempts, line_count(run.id),
                                                               run.total)


def test_making_a_run_in_the_ui_calculates_it_inline_under_testing(world, login, client, api):
    region, maker, _ = world
    login(maker)
    made = client.post("/betalingen/", data={"period": last_month(), "scope": f"r:{region.id}"})
    run_id = int(made.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/betalingen/{run_id}/status").json == {
        "id": run_id, "status": "draft", "calculation": "done", "busy": False, "processed": 3, "total": 3,
        "error": None}
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Totalen per aanbieder" in page and "<progress" not in page
    assert api(maker).get(f"/api/v1/payment-runs/{run_id}").json["calculation"] == "done"


def test_a_failed_calculation_stores_no_line_and_is_retried(world, login, client, api, monkeypatch):
    region, maker, checker = world
    written = []

    def fail_after_the_lines_are_written():
        written.append(db.session.scalar(sa.select(sa.func.count(PaymentLine.id))))
        raise RuntimeError("database went away")

    monkeypatch.setattr(calculation, "now_utc", fail_after_the_lines_are_written)
    login(maker)
    made = client.post("/betalingen/", data={"period": last_month(), "scope": f"r:{region.id}"})
    run_id = int(made.headers["Location"].rsplit("/", 1)[1])
    assert written == [3]  # the lines were in the transaction when it failed ...
    assert line_count(run_id) == 0  # ... and none is left
    status = client.get(f"/betalingen/{run_id}/status").json
    assert (status["calculation"], status["busy"], status["error"]) == ("failed", False, CALCULATION_FAILED)
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert 'role="alert"' in page and "De berekening is mislukt; er zijn geen regels opgeslagen" in page
    assert "Herberekenen" in page and "<progress" not in page
    assert api(checker).post(f"/api/v1/payment-runs/{run_id}/approve").status_code == 409
    monkeypatch.undo()
    assert client.post(f"/betalingen/{run_id}/recalculate").status_code == 302
    assert line_count(run_id) == 3
    assert client.get(f"/betalingen/{run_id}/status").json["calculation"] == "done"


def test_the_api_still_answers_a_calculated_run(world, api):
    region, maker, _ = world
    made = api(maker).post("/api/v1/payment-runs", json={"period": last_month(), "region_id": region.id})
    assert made.status_code == 201
    assert (made.json["calculation"], made.json["total"], len(made.json["lines"])) == ("done", "300.00", 3)


def test_a_run_cancelled_while_it_waits_for_a_worker_is_never_calculated(world):
    region, maker, _ = world
    run = queued(region, maker)
    cancel_run(run, by=maker)
    db.session.commit()
    assert (run.calculation, run.calculation_error) == (Calculation.FAILED, runs.CANCELLED_WHILE_CALCULATING)
    tasks.calculate(run.id)  # the task sent before the cancel arrives late: it finds no work
    db.session.refresh(run)
    assert (run.status, run.calculation, line_count(run.id)) == (RunStatus.CANCELLED, Calculation.FAILED, 0)
    runs.calculation_failed(run, "later")  # a late failure report changes nothing either
    assert run.calculation_error == runs.CANCELLED_WHILE_CALCULATING
