"""Idempotency-Key on the API's mutating calls: a retry has its effect once and gets the first answer again."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import idempotency
from core.dates import now_utc
from core.extensions import db
from core.models import IdempotentRequest, Municipality, Role
from core.rest import make_api_blueprint

DORDRECHT = {"code": "GM0505", "name": "Dordrecht", "cost_centre": "K1"}


@pytest.fixture
def admin(ctx, api, make_user):
    return api(make_user(Role.ADMIN))


def create(client, body=DORDRECHT, key="retry-1"):
    return client.post("/api/v1/municipalities", json=body, headers={"Idempotency-Key": key})


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Municipality.id)))


def test_a_retry_with_the_same_key_gets_the_first_answer_and_has_no_second_effect(admin):
    first, second = create(admin), create(admin)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json() and second.headers["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first.headers
    assert count() == 1
    assert admin.post("/api/v1/municipalities", json=DORDRECHT).status_code == 409  # without the key: a new call


def test_an_error_answer_is_replayed_too(admin, make_municipality):
    make_municipality(code="GM0505")
    first = create(admin)
    assert first.status_code == 409
    assert create(admin).get_json() == first.get_json()


@pytest.mark.parametrize("key", ["x" * 256, "sleutel-é", "tab\tsleutel", ""])
def test_a_malformed_key_is_refused_before_anything_happens(admin, key):
    response = create(admin, key=key)
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["detail"]
    assert count() == 0


def test_the_same_key_for_another_request_is_refused(admin):
    create(admin)
    other = create(admin, body={**DORDRECHT, "code": "GM0590", "name": "Papendrecht"})
    assert other.status_code == 422 and "ander verzoek" in other.get_json()["detail"]
    assert count() == 1


def test_a_key_whose_first_call_still_runs_answers_409(admin):
    create(admin)
    # as if the first call had claimed the key and not yet answered
    db.session.execute(sa.update(IdempotentRequest).values(status=None, content_type=None, body=None))
    db.session.commit()
    response = create(admin)
    assert response.status_code == 409 and "nog bezig" in response.get_json()["detail"]
    assert count() == 1


def test_keys_belong_to_one_user(admin, api, make_user):
    create(admin)
    other = api(make_user(Role.ADMIN, email="tweede@example.nl"))
    response = create(other, body={**DORDRECHT, "code": "GM0590", "name": "Papendrecht"})
    assert response.status_code == 201 and count() == 2


def test_a_server_error_releases_the_key_so_a_retry_runs(app, api, make_user):
    calls = []
    bp = make_api_blueprint("flaky", __name__)

    @bp.post("/flaky")
    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database weg")
        return {"ok": True}, 201

    app.register_blueprint(bp)
    with app.app_context():
        client = api(make_user(Role.ADMIN))
        first = client.post("/api/v1/flaky", json={}, headers={"Idempotency-Key": "k"})
        second = client.post("/api/v1/flaky", json={}, headers={"Idempotency-Key": "k"})
        third = client.post("/api/v1/flaky", json={}, headers={"Idempotency-Key": "k"})
    assert (first.status_code, second.status_code, third.status_code) == (500, 201, 201)
    assert len(calls) == 2 and third.headers["Idempotency-Replayed"] == "true"


def test_the_nightly_purge_drops_keys_older_than_a_day(admin):
    create(admin, key="oud")
    create(admin, key="nieuw", body={**DORDRECHT, "code": "GM0590"})
    db.session.execute(sa.update(IdempotentRequest).where(IdempotentRequest.key == "oud")
                       .values(created_at=now_utc() - timedelta(hours=idempotency.KEEP_HOURS + 1)))
    db.session.commit()
    assert idempotency.purge(None) == "1 verlopen Idempotency-Keys verwijderd"
    assert db.session.scalars(sa.select(IdempotentRequest.key)).all() == ["nieuw"]
