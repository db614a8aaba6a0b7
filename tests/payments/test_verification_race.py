"""Two contract managers decide the same claim, or check the same sampled line, at the same moment (threads behind
a Barrier, separate connections): one decision wins, the other gets a Conflict (409), never both."""
import threading
from datetime import date

import pytest
import sqlalchemy as sa

from core.errors import Conflict
from core.extensions import db
from core.models import Role, User
from payments import verification
from payments.models import ClaimStatus, EvidenceClaim, SampledLine, SampleStatus
from payments.runs import approve_run, create_run
from tests.payments.test_payment_race import TODAY, _world
from trajectories.models import Trajectory

ROUNDS = 3


def _at_once(app, actions: list) -> list[str]:
    barrier, results = threading.Barrier(len(actions)), []

    def worker(action):
        with app.app_context():
            prepared = action()
            barrier.wait()
            try:
                prepared()
                db.session.commit()
                results.append("decided")
            except Conflict:
                db.session.rollback()
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def _managers(region_id: int, n: int) -> list[int]:
    users = [User(email=f"verify{n}-{i}@example.nl", role=Role.CONTRACTMANAGER, password_hash="-",
                  region_id=region_id) for i in range(2)]
    db.session.add_all(users)
    db.session.flush()
    return [u.id for u in users]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_claim_is_decided_once(file_app, round_):
    with file_app.app_context():
        region, contract, _ = _world(200 + round_, ceiling=None)
        trajectory = db.session.scalar(sa.select(Trajectory).where(Trajectory.reference == f"RACE-{200 + round_}-0"))
        claim = EvidenceClaim(trajectory_id=trajectory.id, contract_id=contract.id, provider_id=contract.provider_id,
                              municipality_id=trajectory.municipality_id, milestone_code="S",
            milestone_label="Start", month_key="-", trigger_date=date(2026, 2, 1))
        db.session.add(claim)
        managers = _managers(region.id, 200 + round_)
        db.session.commit()
        claim_id = claim.id

    def decide(manager_id, accept):
        def prepare():
            found, user = db.session.get(EvidenceClaim, claim_id), db.session.get(User, manager_id)
            if accept:
                return lambda: verification.accept_claim(found, "Gezien", None, by=user,
                                                         today=TODAY)
            return lambda: verification.reject_claim(found, "Niet bewezen", by=user)
        return prepare

    assert _at_once(file_app, [decide(managers[0], True), decide(managers[1], False)]) == ["conflict", "decided"]
    with file_app.app_context():
        assert db.session.get(EvidenceClaim, claim_id).status in (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_sampled_line_is_checked_once(file_app, round_):
    with file_app.app_context():
        region, contract, users = _world(300 + round_, ceiling=None)
        contract.milestones[0].kind = "prestatie"
        run = create_run("2026-10", region=region, by=users[0], today=TODAY)
        approve_run(run, by=users[1])
        managers = _managers(region.id, 300 + round_)
        db.session.commit()
        sample_ids = db.session.scalars(sa.select(SampledLine.id).where(SampledLine.run_id == run.id)).all()
    assert len(sample_ids) == 2  # both result lines: fewer than the minimum

    def check(manager_id, justified):
        def prepare():
            found, user = db.session.get(SampledLine, sample_ids[0]), db.session.get(User, manager_id)
            return lambda: verification.check_sample(found, justified, "" if justified else "Onterecht", by=user)
        return prepare

    assert _at_once(file_app, [check(managers[0], True), check(managers[1], False)]) == ["conflict", "decided"]
    with file_app.app_context():
        assert db.session.get(SampledLine, sample_ids[0]).status != SampleStatus.OPEN
