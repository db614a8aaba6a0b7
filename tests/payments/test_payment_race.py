"""Two finance users approve at the same moment (threads behind a Barrier, separate connections).

On PostgreSQL the unique key of paid_instance and the ceiling check of contract_ledger decide; SQLite
serialises the writers. Either way exactly one approval wins, the other gets a Conflict (409), never an error.
"""
import threading
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from core.errors import Conflict
from core.extensions import db
from core.models import Municipality, Region, Role, Service, User
from contracts.models import Contract, Milestone
from trajectories.models import ProgressEvent, Trajectory
from contracts.models import ContractLedger
from payments.models import PaidInstance, PaymentRun, RunStatus
from payments.runs import approve_run, create_run
from procurement.models import ProcurementRoute
from providers.models import Provider
from tests.races import assert_books_balance

TODAY = date(2026, 11, 23)
ROUNDS = 5


def _world(n: int, ceiling: D | None):
    municipalities = [Municipality(code=f"GM{8000 + 2 * n + i}", name=f"Race {n}-{i}") for i in range(2)]
    region = Region(name=f"Raceregio {n}", municipalities=municipalities)
    contract = Contract(reference=f"RACE-{n}", provider=Provider(name="Race BV", kvk_number=f"{70000000 + n}",
                                                                  iban="NL91ABNA0417164300"),
                        service=db.session.scalar(sa.select(Service).limit(1)), ceiling=ceiling,
                        procurement_route=ProcurementRoute.AANBESTEDING, starts_on=date(2026, 1, 1),
                        ends_on=date(2027, 12, 31), price_per_trajectory=D("1000.00"), municipalities=municipalities,
                        milestones=[Milestone(position=1, code="S", label="Start", kind="inspanning", trigger="start",
                                              params={}, amount=D("100.00"))])
    for i, municipality in enumerate(municipalities):
        trajectory = Trajectory(reference=f"RACE-{n}-{i}", contract=contract, municipality=municipality,
                                referral_date=date(2026, 1, 1), participant_pseudonym=f"RACE-{n}-{i}")
        db.session.add(ProgressEvent(trajectory=trajectory, sender="user:race", event_id=f"R{n}-{i}", type="start",
                                     occurred_on=date(2026, 2, 1), source="manual"))
    users = [User(email=f"race{n}-{i}@example.nl", role=Role.FINANCE, password_hash="-",
                  region=region) for i in range(3)]
    db.session.add_all([region, contract, *users])
    db.session.flush()
    return region, contract, users


def _approve_at_once(app, run_ids: list[int], user_ids: list[int]) -> list[str]:
    barrier, results = threading.Barrier(len(run_ids)), []

    def worker(run_id, user_id):
        with app.app_context():
            run, user = db.session.get(PaymentRun, run_id), db.session.get(User, user_id)
            barrier.wait()
            try:
                approve_run(run, by=user)
                db.session.commit()
                results.append("approved")
            except Conflict:
                db.session.rollback()
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=pair) for pair in zip(run_ids, user_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_approvals_never_pass_a_ceiling(file_app, round_):
    with file_app.app_context():
        region, contract, users = _world(round_, ceiling=D("150.00"))
        runs = [create_run("2026-10", municipality=m, by=users[0], today=TODAY) for m in region.municipalities]
        db.session.commit()
        ids, user_ids, contract_id = [r.id for r in runs], [users[1].id, users[2].id], contract.id
    assert _approve_at_once(file_app, ids, user_ids) == ["approved", "conflict"]
    with file_app.app_context():
        assert db.session.get(ContractLedger, contract_id).paid_total == D("100.00")
        assert_books_balance()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_approvals_never_pay_an_instance_twice(file_app, round_):
    with file_app.app_context():
        region, contract, users = _world(100 + round_, ceiling=None)
        municipality = region.municipalities[0]
        first = create_run("2026-10", municipality=municipality, by=users[0], today=TODAY)
        first.status = RunStatus.CANCELLED
        second = create_run("2026-10", municipality=municipality, by=users[0], today=TODAY)
        first.status = RunStatus.DRAFT  # two drafts of one scope, as if made at the same moment
        db.session.commit()
        ids, user_ids, contract_id = [first.id, second.id], [users[1].id, users[2].id], contract.id
    assert _approve_at_once(file_app, ids, user_ids) == ["approved", "conflict"]
    with file_app.app_context():
        paid = db.session.scalars(sa.select(PaidInstance).where(PaidInstance.contract_id == contract_id)).all()
        assert [(p.milestone_code, p.amount) for p in paid] == [("S", D("100.00"))]
        assert db.session.get(ContractLedger, contract_id).paid_total == D("100.00")
        assert_books_balance()
