"""A contract follows the procurement route of its case, and a subsidy pays for the activity, not for results."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from contracts import services
from core.errors import DomainError
from core.models import Role
from procurement import services as procurement
from procurement.models import ProcurementRoute as R
from tests.factories import service

START = {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "percentage": "40"}
KNM = {"code": "KNM", "label": "Examen KNM", "kind": "prestatie", "trigger": "exam", "params": {"components": ["KNM"]},
       "percentage": "60"}
DAY, NOW = date(2026, 11, 23), datetime(2026, 11, 23, 10, tzinfo=timezone.utc)


@pytest.fixture
def decided(make_procurement_case, make_user):
    """decided(route): a KNM case whose approved decision is `route` (None: nothing decided)."""
    def make(route):
        case = make_procurement_case("knm")
        if route is not None:
            first, second = (make_user(Role.INKOPER, municipalities=case.municipalities) for _ in range(2))
            decision = procurement.record_decision(case, route, "Motivering.", by=first, today=DAY, now=NOW)
            procurement.approve_decision(decision, by=second, today=DAY, now=NOW)
        return case
    return make


@pytest.mark.parametrize("decided_route, route, milestones, field", [
    # the contract follows the route its case decided
    (R.AANBESTEDING, R.AANBESTEDING, [START, KNM], None),
    (R.AANBESTEDING, R.SUBSIDIE, [START], "procurement_route"),
    (R.SUBSIDIE, R.OPEN_HOUSE, [START], "procurement_route"),
    (None, R.AANBESTEDING, [START, KNM], None),
    # a subsidy pays for the activity (inspanning), never for a result: paying on the KNM exam is a public contract
    (R.SUBSIDIE, R.SUBSIDIE, [START], None),
    (R.SUBSIDIE, R.SUBSIDIE, [START, KNM], "milestones"),
    (None, R.SUBSIDIE, [KNM], "milestones"),
])
def test_the_route_of_a_contract(ctx, decided, make_provider, decided_route, route, milestones, field):
    case = decided(decided_route)
    data = {"run_off": "tot_einde_traject", "reference": "KNM-1", "provider": make_provider(), "service": service("knm"), "procurement_route": route,
            "procurement_case": case, "municipalities": list(case.municipalities), "starts_on": date(2026, 1, 1),
            "ends_on": date(2027, 12, 31), "price_per_trajectory": Decimal("650.00"), "milestones": milestones}
    if field is None:
        assert services.create_contract(data, by=None).procurement_route == route
        return
    with pytest.raises(DomainError) as caught:
        services.create_contract(data, by=None)
    assert caught.value.field == field
    if field == "milestones":
        error = caught.value.errors[-1]
        assert error["index"] == len(milestones) - 1 and "resultaat" in error["message"]


def test_the_api_refuses_a_subsidy_paying_on_the_exam(api, make_user, make_provider, make_municipality):
    town = make_municipality()
    response = api(make_user(Role.CONTRACTMANAGER, municipalities=[town])).post("/api/v1/contracts", json={
        "run_off": "tot_einde_traject",
        "reference": "KNM-SUB", "provider_id": make_provider().id, "service": "knm", "procurement_route": "subsidie",
        "municipalities": [town.code], "start_date": "2026-01-01", "end_date": "2026-12-31",
        "price_per_trajectory": "650.00", "milestones": [START, KNM]})
    error = response.get_json()["errors"][0]
    assert response.status_code == 422
    assert (error["index"], error["field"]) == (1, "kind") and "subsidie betaalt niet" in error["message"]
