from datetime import date
from decimal import Decimal

import pytest

from contracts import open_house
from core.extensions import db
from core.models import Role

START = {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "percentage": "25"}


@pytest.fixture
def town(make_municipality):
    return make_municipality(code="GM0505")


@pytest.fixture
def manager(make_user, town):
    return make_user(Role.CONTRACTMANAGER, municipalities=[town])


@pytest.fixture
def body(make_provider, town):
    provider = make_provider()
    db.session.commit()
    return {"run_off": "tot_einde_traject", "reference": "DS-B1-1", "provider_id": provider.id, "service": "b1_route",
            "procurement_route": "aanbesteding", "municipalities": [town.code], "start_date": "2026-01-01",
            "end_date": "2027-12-31", "price_per_trajectory": "1000.42", "ceiling": "50000.00",
            "milestones": [START], "kpis": [{"kpi": "attendance_rate", "norm": "0.8", "direction": "min"}]}


def test_api_create_and_read_a_contract(ctx, api, manager, body):
    client = api(manager)
    created = client.post("/api/v1/contracts", json=body)
    assert created.status_code == 201, created.json
    got = client.get(f"/api/v1/contracts/{created.json['id']}").json
    assert got["milestones"] == [{**START, "params": {}, "percentage": "25.0000",
                                  "sources": ["duo", "staff", "provider"]}]  # the template's default for start
    assert (got["paid_total"], got["price_per_trajectory"], got["municipalities"]) == ("0.00", "1000.42", ["GM0505"])
    assert (got["run_off"], got["run_off_until"]) == ("tot_einde_traject", None)
    assert client.post("/api/v1/contracts", json=body).status_code == 409
    # the run-off is chosen, never assumed (issue 19)
    unchosen = client.post("/api/v1/contracts", json={k: v for k, v in body.items() if k != "run_off"} | {
        "reference": "DS-B1-2"})
    assert unchosen.status_code == 422 and "run_off" in str(unchosen.json["errors"])


def test_api_sets_whether_effort_is_paid_in_an_extended_termijn_and_the_history_says_so(ctx, api, manager, body,
                                                                                        login):
    """Issue 19: off unless chosen; amended with a reason, in the audit log in Dutch."""
    client = api(manager)
    created = client.post("/api/v1/contracts", json=body).json
    assert created["pays_effort_in_extension"] is False
    changed = client.patch(f"/api/v1/contracts/{created['id']}", json={"reason": "Afspraak over verlengingen",
                                                                        "pays_effort_in_extension": True})
    assert changed.status_code == 200 and changed.json["pays_effort_in_extension"] is True
    page = login(manager).get(f"/contracten/{created['id']}").get_data(as_text=True)
    assert "Inspanning betaald in een verlengde termijn" in page and "Betaald tot het einde van een door DUO" in page


@pytest.mark.parametrize("milestone, field", [
    ({**START, "code": "T", "trigger": "teleport"}, "trigger"),
    ({**START, "code": "H", "trigger": "hours"}, "params.hours"),
    ({"code": "X", "label": "X", "kind": "inspanning", "trigger": "start", "amount": "-1.00"}, "amount"),
])
def test_api_refuses_a_bad_schedule_with_the_index(ctx, api, manager, body, milestone, field):
    response = api(manager).post("/api/v1/contracts", json={**body, "milestones": [START, milestone]})
    assert response.status_code == 422
    assert response.json["errors"] == [{"index": 1, "field": field, "message": response.json["errors"][0]["message"]}]


def test_provider_never_reaches_another_providers_contract(ctx, api, login, make_user, make_contract, make_provider):
    mine, theirs = make_contract(), make_contract()
    user = make_user(Role.PROVIDER, provider=mine.provider)
    client = api(user)
    assert client.get(f"/api/v1/contracts/{theirs.id}").status_code == 404
    assert client.get(f"/api/v1/contracts/{mine.id}").status_code == 200
    assert [c["id"] for c in client.get("/api/v1/contracts").json["items"]] == [mine.id]
    assert client.patch(f"/api/v1/contracts/{mine.id}", json={"reason": "x", "ceiling": "1.00"}).status_code == 403
    browser = login(user)
    assert browser.get(f"/contracten/{theirs.id}").status_code == 404
    assert browser.get(f"/contracten/{mine.id}").status_code == 200


def test_staff_outside_the_municipalities_get_404(ctx, api, make_user, make_contract, make_municipality):
    contract = make_contract()
    client = api(make_user(Role.CONTRACTMANAGER, municipalities=[make_municipality()]))
    assert client.get(f"/api/v1/contracts/{contract.id}").status_code == 404


def test_api_amend_and_tariff_change(ctx, api, manager, town, make_contract):
    contract = make_contract(municipalities=[town], milestones=[{**START, "percentage": Decimal("25")}])
    client = api(manager)
    amended = client.patch(f"/api/v1/contracts/{contract.id}", json={"reason": "Verhoging", "ceiling": "90000.00"})
    assert amended.status_code == 200 and amended.json["ceiling"] == "90000.00"
    assert client.patch(f"/api/v1/contracts/{contract.id}", json={"ceiling": "1.00"}).status_code == 422
    changed = client.post(f"/api/v1/contracts/{contract.id}/tariff-changes",
                          json={"effective_on": "2027-01-01", "price_per_trajectory": "11000.00", "reason": "Index"})
    assert changed.status_code == 201 and changed.json["tariff_changes"][0]["price_per_trajectory"] == "11000.00"


def test_html_contract_pages(ctx, login, manager, town, make_contract, make_provider):
    contract = make_contract(municipalities=[town], milestones=[{**START, "percentage": Decimal("25")}])
    db.session.commit()
    client = login(manager)
    assert contract.reference in client.get("/contracten/").get_data(as_text=True)
    assert "Betaalschema" in client.get(f"/contracten/{contract.id}").get_data(as_text=True)
    assert client.get("/contracten/nieuw").status_code == 200
    response = client.post(f"/contracten/{contract.id}/wijzigen", data={
        "reason": "Verlenging", "ends_on": "2028-12-31", "status": "active"}, follow_redirects=True)
    assert "De wijziging is vastgelegd" in response.get_data(as_text=True)
    response = client.post(f"/contracten/{contract.id}/tarief", data={
        "effective_on": "2027-01-01", "price_per_trajectory": "12000.00", "reason": "Indexatie"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "12.000,00" in page and "Vanaf 01-01-2027" in page
    assert "€\xa02.500,00" in page and "€\xa03.000,00" in page  # START, 25% of the price before and after the change
    provider, municipality = make_provider(), contract.municipalities[0]
    db.session.commit()
    response = client.post("/contracten/nieuw", data={
        "run_off": "tot_einde_traject",
        "reference": "NEW-1", "provider": provider.id, "service": "z_route", "procurement_route": "subsidie",
        "procurement_case": 0, "municipalities": [municipality.code], "starts_on": "2026-01-01",
        "ends_on": "2026-12-31", "price_per_trajectory": "900.00", "extension_count": 0,
        "milestones-0-code": "S", "milestones-0-text": "Start", "milestones-0-kind": "inspanning",
        "milestones-0-trigger": "start", "milestones-0-amount": "-1"})
    assert "Mijlpaal 1, Of een vast bedrag (euro): Mag niet negatief zijn." in response.get_data(as_text=True)


@pytest.mark.today("2026-11-16")  # within the procedure's term, which ends in 2029
def test_open_house_public_list_without_login_and_admission_by_html(ctx, client, login, make_user, make_procurement_case,
                                                                   make_provider):
    case, provider = make_procurement_case("knm"), make_provider(name="Wereldwijs")
    house = open_house.open_open_house(case, {"title": "KNM Drechtsteden", "starts_on": date(2026, 1, 1),
                                              "ends_on": date(2029, 12, 31), "price_per_trajectory": Decimal(650)},
                                       by=None)
    db.session.commit()
    assert client.get("/open-house/").status_code == 302  # only the public list is open
    provider_user, staff_user = make_user(Role.PROVIDER, provider=provider), make_user(
        Role.CONTRACTMANAGER, municipalities=case.municipalities)
    early = login(provider_user).post(f"/open-house/{house.id}/aanmelden", follow_redirects=True)
    assert "nog niet openbaar aangekondigd" in early.get_data(as_text=True) and not house.applications
    client.post("/logout")
    staff = login(staff_user)
    refused = staff.post(f"/open-house/{house.id}/aankondiging", data={"announced_on": "2026-11-02", "url": "tenderned"})
    assert refused.status_code == 422 and "https://" in refused.get_data(as_text=True)
    assert staff.post(f"/open-house/{house.id}/aankondiging", data={
        "announced_on": "2026-11-02", "url": "https://www.tenderned.nl/aankondigingen/1"}).status_code == 302
    staff.post("/logout")
    provider_browser = login(provider_user)
    provider_browser.post(f"/open-house/{house.id}/aanmelden")
    provider_browser.post("/logout")
    admission = house.applications[0]
    staff = login(staff_user)
    page = staff.post(f"/open-house/aanmelding/{admission.id}/besluit", follow_redirects=True, data={
        f"a{admission.id}-status": "admitted", f"a{admission.id}-motivation": "Voldoet aan alle eisen",
        f"a{admission.id}-checklist": house.requirements})
    assert "Besluit over Wereldwijs vastgelegd" in page.get_data(as_text=True)
    staff.post("/logout")
    public = client.get("/open-house/toegelaten").get_data(as_text=True)
    assert "Wereldwijs" in public and "Versie 1 van de lijst, gepubliceerd 16-11-2026" in public
    assert "Aangekondigd op 02-11-2026" in public


def test_contract_manager_start_page_shows_alerts(ctx, login, make_user, make_provider):
    from contracts.services import refresh_alerts

    make_provider(name="Taalschool Verloopt", keurmerk_valid_until=date(2026, 12, 1))
    refresh_alerts(date(2026, 11, 23))
    db.session.commit()
    page = login(make_user(Role.CONTRACTMANAGER, municipalities=[])).get("/").get_data(as_text=True)
    assert "Keurmerk van Taalschool Verloopt verloopt op 01-12-2026" in page


def test_the_contract_form_offers_and_prefills_only_cases_in_scope(ctx, client, login, make_user, make_region,
                                                                    make_procurement_case):
    mine, theirs = make_region(), make_region()
    own = make_procurement_case("b1_route", mine.municipalities)
    foreign = make_procurement_case("z_route", theirs.municipalities)
    db.session.commit()
    login(make_user(Role.CONTRACTMANAGER, region=mine))
    page = client.get("/contracten/nieuw").get_data(as_text=True)
    assert f"Zaak {own.id}:" in page and f"Zaak {foreign.id}:" not in page
    # a case in scope prefills the form; a foreign one is ignored, as if no case was named
    assert client.get(f"/contracten/nieuw?case={own.id}").get_data(as_text=True) != page
    assert client.get(f"/contracten/nieuw?case={foreign.id}").get_data(as_text=True) == page
