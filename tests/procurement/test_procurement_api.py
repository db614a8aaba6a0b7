import pytest

from core.models import Role
from tests.factories import ALL_CONDITIONS_MET

SPEC_FACTS = {k: ALL_CONDITIONS_MET[k] for k in (  # the facts of spec/api.md
    "own_capacity", "controlled_entity", "entity_activity_share", "entity_private_capital", "all_qualifying_admitted",
    "fixed_conditions_and_tariffs", "open_entry_during_term", "participant_chooses", "subsidy_legal_basis",
    "enforceable_performance")}


@pytest.fixture
def setting(make_user, make_region, make_procurement_case):
    make_procurement_case()  # seeds thresholds and scores
    region = make_region()
    codes = [m.code for m in region.municipalities]
    body = {"service": "b1_route", "municipalities": codes, "region_id": region.id,
            "expected_participants_per_year": 40, "price_per_trajectory": "9500.00", "term_years": 2,
            "extension_years": 2, "facts": {**SPEC_FACTS, "own_capacity": False}, "weights": {"speed": 3}}
    return region, body, make_user(Role.INKOPER, region=region), make_user(Role.INKOPER, region=region)


def test_post_a_case_answers_the_assessment(api, setting):
    _, body, inkoper, _ = setting
    response = api(inkoper).post("/api/v1/procurement-cases", json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["id"] > 0 and created["estimated_value"] == "1520000.00"
    routes = {r["route"]: r for r in created["assessment"]}
    assert set(routes) == {"inbesteden", "quasi_inbesteden", "open_house", "aanbesteding", "subsidie",
                           "samenwerking"}
    assert routes["samenwerking"]["allowed"] is False  # the spec's facts say nothing of a cooperation
    assert any("2.24b lid 2" in b for b in routes["quasi_inbesteden"]["blockers"])  # a region: joint control
    assert routes["inbesteden"]["allowed"] is False and "capaciteit" in routes["inbesteden"]["blockers"][0]
    assert routes["aanbesteding"]["procedure"] == "europees_verlicht_regime"
    assert "procedure" not in routes["open_house"] and isinstance(routes["open_house"]["score"], str)


@pytest.mark.today("2026-11-23")
def test_the_threshold_day_is_the_planned_announcement(api, setting):
    _, body, inkoper, _ = setting
    client = api(inkoper)
    planned = client.post("/api/v1/procurement-cases", json={**body, "announcement_planned_on": "2025-12-01"})
    assert planned.status_code == 201 and planned.get_json()["threshold_on"] == "2025-12-01"
    assert planned.get_json()["announcement_planned_on"] == "2025-12-01"
    unplanned = client.post("/api/v1/procurement-cases", json=body).get_json()
    assert unplanned["threshold_on"] == "2026-11-23" and unplanned["announcement_planned_on"] is None


@pytest.mark.parametrize("change, field", [
    ({"facts": {"own_capacity": True}}, "facts.controlled_entity"),
    ({"weights": {"beauty": 1}}, "weights"),
    ({"status": "approved"}, "status"),
    ({"price_per_trajectory": "12.5"}, None),
    # money is a string (api.md): a JSON number is refused, not converted
    ({"price_per_trajectory": 12.5}, "price_per_trajectory"),
    ({"term_years": 0}, "term_years"),
])
def test_invalid_case_bodies_are_422(api, setting, change, field):
    _, body, inkoper, _ = setting
    response = api(inkoper).post("/api/v1/procurement-cases", json={**body, **change})
    problem = response.get_json()
    if field is None:  # a string of fewer decimals is accepted, and rounding never happens silently
        assert response.status_code == 201 and problem["price_per_trajectory"] == "12.50"
        return
    assert response.status_code == 422 and any(e["field"].startswith(field) for e in problem["errors"])


def test_decision_flow_with_approval_by_a_second_inkoper(api, setting):
    _, body, inkoper, second = setting
    client = api(inkoper)
    case_id = client.post("/api/v1/procurement-cases", json=body).get_json()["id"]
    unannounced = client.post(f"/api/v1/procurement-cases/{case_id}/decision",
                              json={"route": "open_house", "motivation": "Keuzevrijheid."})
    assert unannounced.status_code == 422 and "openbaar aangekondigd" in unannounced.get_json()["detail"]
    case_id = client.post("/api/v1/procurement-cases", json={**body, "facts": {
        **body["facts"], "public_announcement": True}}).get_json()["id"]
    blocked = client.post(f"/api/v1/procurement-cases/{case_id}/decision",
                          json={"route": "inbesteden", "motivation": "Zelf doen."})
    assert blocked.status_code == 422 and "Inbesteden kan niet worden gekozen" in blocked.get_json()["detail"]
    empty = client.post(f"/api/v1/procurement-cases/{case_id}/decision", json={"route": "open_house", "motivation": ""})
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["field"] == "motivation"
    decided = client.post(f"/api/v1/procurement-cases/{case_id}/decision",
                          json={"route": "open_house", "motivation": "Keuzevrijheid."})
    assert decided.status_code == 200 and decided.get_json()["decisions"][0]["status"] == "pending"
    assert client.post(f"/api/v1/procurement-cases/{case_id}/decision/approve").status_code == 403
    approved = api(second).post(f"/api/v1/procurement-cases/{case_id}/decision/approve")
    assert approved.status_code == 200 and approved.get_json()["route_in_force"] == "open_house"
    assert api(second).post(f"/api/v1/procurement-cases/{case_id}/decision/approve").status_code == 409


def test_memo_pdf(api, setting):
    _, body, inkoper, _ = setting
    client = api(inkoper)
    case_id = client.post("/api/v1/procurement-cases", json=body).get_json()["id"]
    response = client.get(f"/api/v1/procurement-cases/{case_id}/memo.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_scope_and_roles(api, setting, make_user, make_region, make_provider):
    _, body, inkoper, _ = setting
    case_id = api(inkoper).post("/api/v1/procurement-cases", json=body).get_json()["id"]
    outsider = api(make_user(Role.INKOPER, region=make_region()))
    assert outsider.get(f"/api/v1/procurement-cases/{case_id}").status_code == 404
    assert outsider.get("/api/v1/procurement-cases").get_json()["total"] == 0
    assert outsider.post("/api/v1/procurement-cases", json=body).status_code == 422  # not their municipalities
    provider = api(make_user(Role.PROVIDER, provider=make_provider()))
    assert provider.get(f"/api/v1/procurement-cases/{case_id}").status_code == 403
    finance = api(make_user(Role.FINANCE, region=setting[0]))
    assert finance.get(f"/api/v1/procurement-cases/{case_id}").status_code == 200
    assert finance.post("/api/v1/procurement-cases", json=body).status_code == 403


def test_the_openapi_document_lists_the_procurement_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/procurement-cases", "/api/v1/procurement-cases/{case_id}/decision",
            "/api/v1/procurement-cases/{case_id}/memo.pdf"} <= set(paths)
