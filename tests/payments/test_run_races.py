"""Two transitions of one payment run at the same moment (payments/runs.py): exactly one wins, the other answers a
Dutch 409, never a 500 and never an answer that the end state contradicts; the books always balance."""
from datetime import date

import pytest
import sqlalchemy as sa

from core.dates import today
from core.extensions import db
from core.models import Role, User
from payments import tasks
from payments.models import Calculation, PaymentLine, PaymentRun, RunStatus
from payments.runs import cancel_run, create_run
from tests.factories import PASSWORD
from tests.races import assert_books_balance, at_once, postgresql_only, statuses
from tests.payments.test_payment_api import START, period

pytestmark = postgresql_only
ROUNDS = 10


@pytest.fixture
def finance(make_region, make_user):
    """A region and three of its finance users: the maker of the runs and two checkers."""
    region = make_region()
    return region, [make_user(Role.FINANCE, region=region) for _ in range(3)]


@pytest.fixture
def draft(finance, make_contract, make_trajectory, make_event):
    """draft(background=False) -> run id: the maker's region run, which pays two new start milestones (100.00 each)
    besides what earlier rounds left unpaid; calculated, or left for the background calculation. A draft of an
    earlier round is cancelled first."""
    region, (maker, *_) = finance

    def make(background: bool = False) -> int:
        for left in db.session.scalars(sa.select(PaymentRun).where(PaymentRun.status == RunStatus.DRAFT)):
            cancel_run(left, by=maker)
        contract = make_contract(milestones=[START], municipalities=region.municipalities)
        for municipality in region.municipalities:
            make_event(make_trajectory(contract=contract, municipality=municipality), "start", date(2026, 2, 1))
        run = create_run(period(1), region=region, by=maker, today=today(), background=background)
        db.session.commit()
        return run.id

    return make


def _run(run_id: int) -> PaymentRun:
    db.session.rollback()
    return db.session.get(PaymentRun, run_id, populate_existing=True)


def _line_count(run_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PaymentLine).where(PaymentLine.run_id == run_id))


def test_approve_racing_the_makers_cancel_has_one_winner(finance, draft, api):
    making, checking = api(finance[1][0]), api(finance[1][1])
    for _ in range(ROUNDS):
        run_id = draft()
        approve, cancel = at_once(lambda: checking.post(f"/api/v1/payment-runs/{run_id}/approve"),
                                  lambda: making.post(f"/api/v1/payment-runs/{run_id}/cancel"))
        assert statuses(approve, cancel) == [200, 409], (approve.json, cancel.json)
        loser = cancel if approve.status_code == 200 else approve
        assert loser.json["detail"].startswith("Deze betaalrun is ")
        assert _run(run_id).status == ("approved" if approve.status_code == 200 else "cancelled")
        assert_books_balance()


def test_approve_racing_cancel_in_the_pages_has_one_winner(app, finance, draft):
    making, checking = (_logged_in(app, user) for user in finance[1][:2])
    for _ in range(ROUNDS):
        run_id = draft()
        approve, cancel = at_once(lambda: checking.post(f"/betalingen/{run_id}/approve"),
                                  lambda: making.post(f"/betalingen/{run_id}/cancel"))
        assert statuses(approve, cancel) == [302, 409]
        loser = cancel if approve.status_code == 302 else approve
        assert "Deze betaalrun is " in loser.get_data(as_text=True)
        assert _run(run_id).status == ("approved" if approve.status_code == 302 else "cancelled")
        assert_books_balance()


def test_recalculate_racing_approve_has_one_winner(finance, draft, api):
    making, checking = api(finance[1][0]), api(finance[1][1])
    for _ in range(ROUNDS):
        run_id = draft()
        lines = _line_count(run_id)
        approve, recalculate = at_once(lambda: checking.post(f"/api/v1/payment-runs/{run_id}/approve"),
                                       lambda: making.post(f"/api/v1/payment-runs/{run_id}/recalculate"))
        assert statuses(approve, recalculate) == [200, 409], (approve.json, recalculate.json)
        assert _run(run_id).status == ("approved" if approve.status_code == 200 else "draft")
        assert _line_count(run_id) == lines
        assert_books_balance()


def test_two_approvals_of_one_run_have_one_winner(finance, draft, api):
    clients = api(finance[1][1]), api(finance[1][2])
    for _ in range(ROUNDS):
        run_id = draft()
        first, other = at_once(*(lambda c=c: c.post(f"/api/v1/payment-runs/{run_id}/approve") for c in clients))
        assert statuses(first, other) == [200, 409], (first.json, other.json)
        assert (first if first.status_code == 409 else other).json["detail"] == \
            "Deze betaalrun is goedgekeurd en kan niet meer worden gewijzigd."
        assert _run(run_id).status == "approved"
        assert_books_balance()


def test_two_drafts_for_overlapping_scopes_have_one_winner(finance, api):
    region, (maker, checker, _) = finance
    clients = api(maker), api(checker)
    bodies = {"period": period(1), "region_id": region.id}, {"period": period(1),
                                                             "municipality": region.municipalities[0].code}
    for _ in range(ROUNDS):
        made = at_once(*(lambda c=c, b=b: c.post("/api/v1/payment-runs", json=b) for c, b in zip(clients, bodies)))
        assert statuses(*made) == [201, 409], [m.json for m in made]
        winner, loser = sorted(made, key=lambda m: m.status_code)
        assert loser.json["detail"].startswith("Er is al een conceptbetaalrun")
        cancel_run(_run(winner.json["id"]), by=maker)
        db.session.commit()


def test_a_calculation_delivered_twice_stores_its_lines_once(app, finance, draft):
    for _ in range(ROUNDS):
        run_id = draft(background=True)
        assert at_once(*[lambda: _calculate(app, run_id)] * 2) == [None, None]
        run = _run(run_id)
        # every trajectory of the region earns its start once: nothing of earlier rounds was approved
        assert (run.calculation, run.total, _line_count(run_id)) == (Calculation.DONE, 100 * run.to_process,
                                                                      run.to_process)


def _calculate(app, run_id: int) -> None:
    with app.app_context():
        tasks.calculate(run_id)
        db.session.remove()


def _logged_in(app, user: User):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client
