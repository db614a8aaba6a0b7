"""The budget endpoints of issue 20: lines in, lines out, the overview with decimal strings and by_month, scope."""
from decimal import Decimal as D

import pytest

from core.models import Role


@pytest.mark.today("2026-11-23")
def test_budget_lines_in_and_the_overview_out(world, api):
    finance = api(world.maker)
    made = finance.post("/api/v1/budget-lines", json={"municipality": world.dordrecht.code, "year": 2026,
                                                      "funding_source": "spuk", "amount": "20000.00"})
    assert made.status_code == 201, made.json
    assert (made.json["version"], made.json["amount"], made.json["service"]) == ("primitief", "20000.00", None)
    changed = finance.post("/api/v1/budget-lines", json={"municipality": world.dordrecht.code, "year": 2026,
                                                         "funding_source": "spuk", "amount": "9000",
                                                         "version": "najaarsnota"})
    assert changed.status_code == 201 and changed.json["version"] == "najaarsnota"
    again = finance.post("/api/v1/budget-lines", json={"municipality": world.dordrecht.code, "year": 2026,
                                                       "funding_source": "spuk", "amount": "9500"})
    assert again.status_code == 200 and again.json["version"] == "najaarsnota"  # the latest version, changed
    listed = finance.get(f"/api/v1/budget-lines?year=2026&municipality={world.dordrecht.code}").json
    assert listed["total"] == 2
    found = finance.get(f"/api/v1/budget-overview?year=2026&region_id={world.region.id}").json
    cell = next(c for c in found["items"] if c["municipality"] == world.dordrecht.code and c["funding_source"] == "spuk")
    assert cell["budget"] == "9500.00" and cell["realised"] == "5100.00" and cell["committed"] == "13400.00"
    assert D(cell["expected_year_total"]) == D(cell["realised"]) + D(cell["forecast_rest_of_year"])
    assert D(cell["free"]) == D(cell["budget"]) - D(cell["expected_year_total"])
    assert [m["month"] for m in cell["by_month"]][:2] == ["2026-01", "2026-02"] and len(cell["by_month"]) == 12
    assert cell["by_month"][1]["realised"] == "1200.00" and cell["by_month"][10]["forecast"] != "0.00"


@pytest.mark.parametrize("body, field", [
    ({"year": 2026, "funding_source": "spuk", "amount": "1"}, "municipality"),
    ({"municipality": "GM0000", "year": 2026, "funding_source": "spuk", "amount": "1"}, "municipality"),
    ({"municipality": None, "year": 1999, "funding_source": "spuk", "amount": "1"}, "year"),
    ({"municipality": "X", "year": 2026, "funding_source": "rijk", "amount": "1"}, "funding_source"),
    ({"municipality": "X", "year": 2026, "funding_source": "spuk", "amount": "-1"}, "amount"),
    ({"municipality": "X", "year": 2026, "funding_source": "spuk", "amount": "1", "service": "nee"}, "service"),
])
def test_a_wrong_budget_line_names_its_field(world, api, body, field):
    body = {**body, "municipality": world.dordrecht.code} if body.get("municipality") == "X" else body
    answer = api(world.maker).post("/api/v1/budget-lines", json=body)
    assert answer.status_code == 422
    assert field in {e["field"] for e in answer.json.get("errors", [])} | {answer.json.get("field")}, answer.json


def test_finance_of_one_municipality_sees_that_municipality_only(world, api, make_user):
    own = api(make_user(Role.FINANCE, municipalities=[world.zwijndrecht]))
    found = own.get(f"/api/v1/budget-overview?year=2026&region_id={world.region.id}").json
    assert {c["municipality"] for c in found["items"]} == {world.zwijndrecht.code}
    assert own.get(f"/api/v1/budget-overview?year=2026&municipality={world.dordrecht.code}").status_code == 422
    refused = own.post("/api/v1/budget-lines", json={"municipality": world.dordrecht.code, "year": 2026,
                                                     "funding_source": "spuk", "amount": "1"})
    assert refused.status_code == 422


@pytest.mark.parametrize("role", [Role.INKOPER, Role.CONTRACTMANAGER, Role.PROVIDER])
def test_other_roles_see_no_budget(world, api, make_user, role):
    assert api(make_user(role, region=world.region)).get("/api/v1/budget-overview?year=2026").status_code == 403
