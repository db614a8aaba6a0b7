from datetime import date

import pytest

from core.models import Role
from core.terms import KPI_NAMES
from kpis import monthly, services
from tests.kpis.conftest import TODAY


def test_contract_kpis_answer_the_spec_shape(monitored, make_user, api):
    contract = monitored()
    client = api(make_user(Role.CONTRACTMANAGER, municipalities=contract.municipalities))
    body = client.get(f"/api/v1/contracts/{contract.id}/kpis?from=2026-03-01&to=2026-03-31").get_json()
    assert body == {"items": [{"kpi": "attendance_rate", "name": "Aanwezigheid", "value": 0.75, "norm": 0.8,
                               "direction": "min", "status": "red", "numerator": 60.0, "denominator": 80.0}]}
    narrowed = client.get(f"/api/v1/contracts/{contract.id}/kpis?from=2026-03-01&to=2026-03-31"
                          f"&municipality={contract.municipalities[1].code}").get_json()
    assert narrowed["items"][0]["value"] == 1.0 and narrowed["items"][0]["status"] == "green"
    empty = client.get(f"/api/v1/contracts/{contract.id}/kpis?from=2025-03-01&to=2025-03-31").get_json()
    assert empty["items"][0]["value"] is None and empty["items"][0]["status"] == "grey"


@pytest.mark.parametrize("query, status", [
    ("from=2026-03-31&to=2026-03-01", 422),  # reversed window
    ("from=2026-13-01", 422),  # not a date
    ("municipality=GM0001", 422),  # not a party to the contract
    ("colour=red", 422),  # unknown parameter
])
def test_contract_kpis_refuse_bad_queries(monitored, make_user, api, query, status):
    contract = monitored()
    response = api(make_user(Role.ADMIN)).get(f"/api/v1/contracts/{contract.id}/kpis?{query}")
    assert response.status_code == status and response.content_type.startswith("application/problem+json")


def test_kpis_outside_scope_are_404_and_providers_403(monitored, make_user, make_municipality, api):
    contract = monitored()
    dordrecht = contract.municipalities[0]
    outsider = api(make_user(Role.CONTRACTMANAGER, municipalities=[make_municipality()]))
    assert outsider.get(f"/api/v1/contracts/{contract.id}/kpis").status_code == 404
    assert outsider.get(f"/api/v1/providers/{contract.provider_id}/kpis").status_code == 404
    assert outsider.get(f"/api/v1/municipalities/{dordrecht.code}/kpis").status_code == 404
    zwijndrecht_user = api(make_user(Role.CONTRACTMANAGER, municipalities=[contract.municipalities[1]]))
    assert zwijndrecht_user.get(f"/api/v1/contracts/{contract.id}/kpis?municipality={dordrecht.code}").status_code == 422
    provider = api(make_user(Role.PROVIDER, provider=contract.provider))
    assert provider.get(f"/api/v1/contracts/{contract.id}/kpis").status_code == 403


@pytest.mark.today(TODAY.isoformat())
def test_provider_municipality_and_alert_endpoints(monitored, make_user, api):
    contract = monitored()
    monthly.refresh_monthly_values(TODAY)
    client = api(make_user(Role.ADMIN))
    provider = client.get(f"/api/v1/providers/{contract.provider_id}/kpis").get_json()["items"]
    assert len(provider) == len(KPI_NAMES) and provider[1]["value"] == 0.75 and provider[1]["status"] == "red"
    municipality = client.get(f"/api/v1/municipalities/{contract.municipalities[0].code}/kpis").get_json()["items"]
    assert municipality[1]["value"] == 0.5 and municipality[1]["norm"] is None
    alerts = client.get("/api/v1/kpi-alerts").get_json()
    assert alerts["total"] == 2 and {a["month"] for a in alerts["items"]} == {"2026-03"}
    assert date(2026, 3, 1) == services.last_complete_month(TODAY)
