import re

import pytest
from openapi_spec_validator import validate

from core.models import Role


def test_municipalities_list_only_the_users_scope(api, make_user, make_municipality, make_region):
    region = make_region()
    other = make_municipality(code="GM0999", name="Elders")
    client = api(make_user(Role.CONTRACTMANAGER, region=region))
    body = client.get("/api/v1/municipalities").get_json()
    assert {m["code"] for m in body["items"]} == {m.code for m in region.municipalities}
    assert other.code not in {m["code"] for m in body["items"]} and body["total"] == 2


def test_admin_creates_municipality_and_region(api, make_user):
    client = api(make_user(Role.ADMIN))
    created = client.post("/api/v1/municipalities", json={"code": "GM0505", "name": "Dordrecht", "cost_centre": "K1"})
    assert created.status_code == 201 and created.get_json()["code"] == "GM0505"
    region = client.post("/api/v1/regions", json={"name": "Drechtsteden", "municipalities": ["GM0505"],
                                                   "executing_organisation": "Sociale Dienst Drechtsteden"})
    assert region.status_code == 201
    assert region.get_json()["municipalities"] == ["GM0505"] and region.get_json()["id"] > 0


def test_a_duplicate_municipality_is_a_conflict(api, make_user, make_municipality):
    make_municipality(code="GM0505")
    response = api(make_user(Role.ADMIN)).post("/api/v1/municipalities", json={"code": "GM0505", "name": "X"})
    assert response.status_code == 409 and response.content_type.startswith("application/problem+json")


@pytest.mark.parametrize("body, status, field", [
    # shape errors name the field, in Dutch
    ({"name": "Dordrecht"}, 422, "code"),
    ({"code": "0505", "name": "Dordrecht"}, 422, "code"),
    ({"code": "GM0505", "name": "Dordrecht", "mayor": "x"}, 422, "mayor"),
    ({"code": 505, "name": "Dordrecht"}, 422, "code"),
])
def test_invalid_bodies_are_refused_with_the_field_named(api, make_user, body, status, field):
    response = api(make_user(Role.ADMIN)).post("/api/v1/municipalities", json=body)
    problem = response.get_json()
    assert response.status_code == status
    assert problem["status"] == status and problem["title"] == "Validatie mislukt"
    assert [e["field"] for e in problem["errors"]] == [field]


def test_malformed_json_is_a_400(api, make_user):
    response = api(make_user(Role.ADMIN)).post("/api/v1/municipalities", data="{nope",
                                               content_type="application/json")
    assert response.status_code == 400 and response.get_json()["detail"] == "De body is geen geldige JSON."


def test_a_body_over_the_limit_is_a_413(app, api, make_user):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = api(make_user(Role.ADMIN)).post("/api/v1/municipalities", data="x" * 2000,
                                               content_type="application/json")
    assert response.status_code == 413 and response.get_json()["status"] == 413


def test_non_admin_may_not_create_municipalities(api, make_user, make_region):
    response = api(make_user(Role.INKOPER, region=make_region())).post(
        "/api/v1/municipalities", json={"code": "GM0505", "name": "Dordrecht"})
    assert response.status_code == 403


def test_missing_or_bad_token_is_a_401(client):
    assert client.get("/api/v1/municipalities").status_code == 401
    bad = client.get("/api/v1/municipalities", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.get_json()["title"] == "Niet ingelogd"


def test_a_session_cookie_does_not_authenticate_the_api(client, make_user, login):
    login(make_user(Role.ADMIN))
    assert client.get("/api/v1/municipalities").status_code == 401


def test_another_regions_region_answers_404(api, make_user, make_region):
    mine, theirs = make_region(), make_region()
    client = api(make_user(Role.FINANCE, region=mine))
    assert client.get(f"/api/v1/regions/{mine.id}").status_code == 200
    assert client.get(f"/api/v1/regions/{theirs.id}").status_code == 404


@pytest.mark.parametrize("region_id, status", [(2**31 - 1, 404), (2**31, 404), (2**63, 404), (10**40, 404)])
def test_ids_beyond_the_databases_integers_are_unknown(api, make_user, region_id, status):
    assert api(make_user(Role.ADMIN)).get(f"/api/v1/regions/{region_id}").status_code == status


@pytest.mark.parametrize("query, status", [
    ("?per_page=500", 200),
    ("?per_page=501", 422),
    ("?page=0", 422),
    ("?page=abc", 422),
])
def test_pagination_bounds(api, make_user, query, status):
    assert api(make_user(Role.ADMIN)).get(f"/api/v1/services{query}").status_code == status


def test_pages_split_the_list(api, make_user):
    client = api(make_user(Role.ADMIN))
    first = client.get("/api/v1/services?per_page=4").get_json()
    third = client.get("/api/v1/services?per_page=4&page=3").get_json()
    assert first["total"] == 10 and len(first["items"]) == 4 and len(third["items"]) == 2
    assert first["items"][0] == {"code": "b1_route", "name": "B1-route", "kind": "leerroute", "orderable": True}


def test_openapi_document_is_public_and_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops
                  if method != "parameters"}  # the path's own parameters, shared by its operations
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routes
    assert "MunicipalitySchema" in str(document["components"]["schemas"]) or "Municipality" in document["components"]["schemas"]


def test_the_openapi_document_is_valid_openapi_3(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)  # raises on any violation of the OpenAPI 3.0 schema
    assert document["openapi"] == "3.0.3" and document["security"] == [{"bearer": []}]


def test_the_document_describes_errors_as_problems_and_files_by_their_media_type(client):
    document = client.get("/api/v1/openapi.json").get_json()
    conflict = document["components"]["responses"]["CONFLICT"]
    assert list(conflict["content"]) == ["application/problem+json"]
    create_run = document["paths"]["/api/v1/payment-runs"]["post"]["responses"]
    assert create_run["409"] == {"$ref": "#/components/responses/CONFLICT"}
    exports = {name: list(document["paths"][f"/api/v1/payment-runs/{{run_id}}/export/{name}"]["get"]["responses"]
                          ["200"]["content"]) for name in ("journal.csv", "journal.xlsx", "sepa.xml", "specification.pdf")}
    assert exports == {"journal.csv": ["text/csv"],
                       "journal.xlsx": ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
                       "sepa.xml": ["application/xml"], "specification.pdf": ["application/pdf"]}


def test_the_document_says_strings_where_the_answers_hold_strings(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["KpiTerm"]["properties"]["norm"]["type"] == "string"
    assert schemas["MilestoneTerm"]["properties"]["percentage"]["type"] == "string"
    assert schemas["TimelineEvent"]["properties"]["hours_attended"]["type"] == "string"
    price = schemas["ContractIn"]["properties"]["price_per_trajectory"]
    assert price["type"] == "string" and price["pattern"] == r"^-?\d{1,13}(\.\d{1,2})?$"


def test_page_bounds_are_documented(client):
    parameters = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/services"]["get"]["parameters"]
    bounds = {p["name"]: (p["schema"]["minimum"], p["schema"]["maximum"]) for p in parameters}
    assert bounds == {"page": (1, 1_000_000), "per_page": (1, 500)}


def test_unknown_api_path_is_problem_json(api, make_user):
    response = api(make_user(Role.ADMIN)).get("/api/v1/nope")
    assert response.status_code == 404 and response.content_type.startswith("application/problem+json")


@pytest.mark.parametrize("method, path, body, status", [
    ("get", "/api/v1/municipalities?page=1%00", None, 400),
    ("post", "/api/v1/municipalities", {"code": "GM0001", "name": "Nul\x00stad", "cost_centre": "K"}, 422),
    ("post", "/api/v1/regions", {"name": "Regio", "executing_organisation": "X", "municipalities": ["GM\x000001"]}, 422),
])
def test_nul_characters_are_refused_before_they_reach_the_database(api, make_user, method, path, body, status):
    client = api(make_user(Role.ADMIN))
    response = getattr(client, method)(path, json=body)
    assert response.status_code == status
    assert "NUL" in response.get_json()["detail"] or any("NUL" in e["message"] for e in response.get_json()["errors"])
    assert client.get("/api/v1/municipalities").get_json()["total"] == 0
