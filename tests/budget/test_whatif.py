"""What-if on the runs' own rules: the original schedule gives back what the runs paid, per municipality, provider
and milestone; other models move money between milestones and hold at their ceiling; nothing is written."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from budget.whatif import basis_for, comparison, model_of, simulate
from core.extensions import db
from core.models import Role
from payments.models import PaymentLine
from tests.budget.conftest import B1_SCHEDULE, TODAY, Z_SCHEDULE

JAN, AUG = date(2026, 1, 1), date(2026, 8, 31)


def as_json(schedule: list[dict], **changes) -> list[dict]:
    """A schedule with some milestones' amounts changed ({code: amount}, None drops the milestone)."""
    rows = []
    for milestone in schedule:
        if milestone["code"] in changes and changes[milestone["code"]] is None:
            continue
        amount = changes.get(milestone["code"], milestone.get("amount"))
        rows.append({**milestone, "amount": None if amount is None else str(amount),
                     "percentage": None if milestone["code"] in changes else
                     (str(milestone["percentage"]) if milestone.get("percentage") is not None else None)})
    return rows


def test_the_original_schedule_pays_what_the_runs_paid_for_the_window(world):
    basis = basis_for(world.maker, today=TODAY, contract_id=world.b1.id)
    original = model_of("Oorspronkelijk", D("10000.00"), None, as_json(B1_SCHEDULE))
    result = simulate(basis, JAN, AUG, [original], user=world.maker)
    (_, totals), actual = result.models[0], result.actual
    assert totals.total == actual.total == D("4800.00")  # four starts, three plus one months (one retracted)
    assert dict(totals.by_municipality) == dict(actual.by_municipality)
    assert dict(totals.by_provider) == dict(actual.by_provider)
    assert dict(totals.by_milestone) == dict(actual.by_milestone) == {"START": D("4000.00"), "AANW": D("800.00")}


def test_models_move_money_between_milestones_and_hold_at_their_ceiling_in_one_pass(world):
    basis = basis_for(world.maker, today=TODAY, service="b1_route", region_id=world.region.id)
    models = [model_of("Meer start", D("10000.00"), None, as_json(B1_SCHEDULE, START="2000.00", AANW=None)),
              model_of("Plafond", D("10000.00"), D("2500.00"), as_json(B1_SCHEDULE)),
              model_of("Resultaat", D("10000.00"), None, as_json(B1_SCHEDULE, START="0.00", EXAM="6000.00"))]
    lines_before = db.session.scalar(sa.select(sa.func.count()).select_from(PaymentLine))
    result = simulate(basis, JAN, TODAY, models, user=world.maker)
    more_start, ceiling, results = (totals for _, totals in result.models)
    assert more_start.by_milestone == {"START": D("8000.00"), "EXAM": D("3000.00"), "AFR": D("500.00")}
    # In date order two starts and February's attendance fit under 2,500; from the third start on all is held.
    assert (ceiling.total, ceiling.total + ceiling.held) == (D("2200.00"), D("8300.00"))
    assert results.by_milestone["EXAM"] == D("6000.00") and results.by_milestone["START"] == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentLine)) == lines_before
    assert [column["name"] for column in comparison(result)["models"]] == ["Meer start", "Plafond", "Resultaat"]


def test_the_simulation_api_compares_models_side_by_side(world, api, make_user):
    inkoper = api(make_user(Role.INKOPER, region=world.region))
    answer = inkoper.post("/api/v1/simulations", json={
        "contract_id": world.z.id, "from": "2026-01-01", "to": "2026-11-23",
        "models": [{"name": "Zonder plafond", "price_per_trajectory": "5000.00", "milestones": as_json(Z_SCHEDULE)},
                   {"name": "Met plafond", "price_per_trajectory": "5000.00", "ceiling": "2500.00",
                    "milestones": as_json(Z_SCHEDULE)}]})
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["actual"]["total"] == "1500.00" and body["from"] == "2026-01-01"
    assert [(m["name"], m["total"], m["held"]) for m in body["models"]] == [
        ("Zonder plafond", "3000.00", "0.00"), ("Met plafond", "1500.00", "1500.00")]
    assert body["models"][0]["by_municipality"] == [{"municipality": world.dordrecht.code, "amount": "3000.00"}]


@pytest.mark.parametrize("change, field", [
    ({"models": []}, "models"),
    ({"models": [{"name": "x", "price_per_trajectory": "1", "milestones": [{"code": "S"}]}]}, "milestones"),
    ({"contract_id": None, "service": "b1_route"}, "service"),
    ({"from": "2026-12-01", "to": "2026-01-01"}, "from"),
])
def test_a_wrong_simulation_names_its_field(world, api, change, field):
    body = {"contract_id": world.z.id, "from": "2026-01-01", "to": "2026-11-23",
            "models": [{"name": "a", "price_per_trajectory": "5000.00", "milestones": as_json(Z_SCHEDULE)}], **change}
    answer = api(world.maker).post("/api/v1/simulations", json=body)
    assert answer.status_code == 422
    assert field in str(answer.json), answer.json


def test_providers_and_contract_managers_may_not_simulate(world, api, make_user):
    for role in (Role.PROVIDER, Role.CONTRACTMANAGER):
        assert api(make_user(role, region=world.region)).post("/api/v1/simulations", json={}).status_code == 403
