"""The payment-run endpoints of api.md, end to end, and the HTML pages."""
from datetime import date
from decimal import Decimal as D

import pytest

from core.dates import today
from core.models import Role

START = {"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("100.00")}
DONE = {"code": "C", "label": "Afgerond", "kind": "prestatie", "trigger": "completed", "amount": D("300.00")}


@pytest.fixture
def setup(make_region, make_contract, make_trajectory, make_event, make_user):
    region = make_region()
    contract = make_contract(milestones=[START, DONE], municipalities=region.municipalities, ceiling=D("500.00"))
    first = make_trajectory(contract=contract, municipality=region.municipalities[0], reference="TRJ-1")
    second = make_trajectory(contract=contract, municipality=region.municipalities[1], reference="TRJ-2")
    for t in (first, second):
        make_event(t, "start", date(2026, 2, 1))
    maker, checker = make_user(Role.FINANCE, region=region), make_user(Role.FINANCE, region=region)
    return region, contract, first, second, maker, checker


def period(months_back: int) -> str:
    year, month = today().year, today().month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def test_two_runs_end_to_end(setup, api, make_event):
    region, contract, first, second, maker, checker = setup
    m, c = api(maker), api(checker)
    made = m.post("/api/v1/payment-runs", json={"period": period(2), "region_id": region.id})
    assert made.status_code == 201, made.json
    run = made.json
    assert (run["status"], run["total"], run["held_total"], run["created_by"]) == ("draft", "200.00", "0.00", maker.email)
    assert sorted(l["trajectory"] for l in run["lines"]) == ["TRJ-1", "TRJ-2"]
    assert m.post("/api/v1/payment-runs", json={"period": period(2), "region_id": region.id}).status_code == 409
    assert m.post(f"/api/v1/payment-runs/{run['id']}/approve").status_code == 403
    approved = c.post(f"/api/v1/payment-runs/{run['id']}/approve")
    assert approved.json["status"] == "approved" and approved.json["approved_by"] == checker.email
    assert c.post(f"/api/v1/payment-runs/{run['id']}/cancel").status_code == 409

    make_event(first, "completed", date(2026, 3, 1))
    make_event(second, "completed", date(2026, 3, 2))
    later = m.post("/api/v1/payment-runs", json={"period": period(1), "region_id": region.id}).json
    statuses = sorted((l["trajectory"], l["milestone"], l["amount"], l["status"], l["reason"]) for l in later["lines"])
    assert statuses == [("TRJ-1", "C", "300.00", "new", None), ("TRJ-2", "C", "300.00", "held", "plafond bereikt")]
    assert (later["total"], later["held_total"]) == ("300.00", "300.00")
    codes = [m_.code for m_ in region.municipalities]
    assert later["by_municipality"] == [{"code": codes[0], "amount": "300.00"}, {"code": codes[1], "amount": "0.00"}]
    assert later["by_provider"] == [{"provider_id": contract.provider_id, "kvk_number": contract.provider.kvk_number,
                                     "amount": "300.00"}]
    assert c.get(f"/api/v1/payment-runs/{later['id']}/export/journal.csv").status_code == 409
    assert c.post(f"/api/v1/payment-runs/{later['id']}/approve").status_code == 200
    listing = c.get("/api/v1/payment-runs").json
    assert [r["id"] for r in listing["items"]] == [later["id"], run["id"]]


@pytest.mark.parametrize("body, status", [
    ({"period": "2026-1", "region_id": 1}, 422),
    ({"period": "2026-01"}, 422),
    ({"period": "2026-01", "region_id": 1, "status": "approved"}, 422),
    ({"period": "2026-01", "municipality": "GM0000"}, 422),
])
def test_invalid_run_requests(setup, api, body, status):
    assert api(setup[4]).post("/api/v1/payment-runs", json=body).status_code == status


def test_runs_outside_scope_are_not_found(setup, api, make_user, make_region):
    region, *_, maker, _ = setup
    run = api(maker).post("/api/v1/payment-runs", json={"period": period(1), "region_id": region.id}).json
    stranger = make_user(Role.FINANCE, region=make_region())
    assert api(stranger).get(f"/api/v1/payment-runs/{run['id']}").status_code == 404
    assert api(stranger).post(f"/api/v1/payment-runs/{run['id']}/approve").status_code == 404
    assert api(make_user(Role.CONTRACTMANAGER, region=region)).get(f"/api/v1/payment-runs/{run['id']}").status_code == 403


def test_html_make_review_and_approve(setup, login, client):
    region, contract, *_, maker, checker = setup
    login(maker)
    made = client.post("/betalingen/", data={"period": period(1), "scope": f"r:{region.id}"})
    assert made.status_code == 302
    detail = client.get(made.headers["Location"])
    assert "Betaalrun" in detail.get_data(as_text=True) and "een andere financieel medewerker" in detail.get_data(as_text=True)
    run_url = made.headers["Location"]
    assert client.post(f"{run_url}/approve").status_code == 403
    filtered = client.get(f"{run_url}?status=held").get_data(as_text=True)
    assert "Geen regels met deze filters." in filtered
    client.post("/logout")
    login(checker)
    assert client.post(f"{run_url}/approve").status_code == 302
    page = client.get(run_url).get_data(as_text=True)
    assert "Goedgekeurd" in page and "journal.xlsx" in page
    assert client.get("/betalingen/").status_code == 200


def test_html_refuses_an_overlapping_run_on_the_form(setup, login, client):
    region, *_, maker, _ = setup
    login(maker)
    client.post("/betalingen/", data={"period": period(1), "scope": f"r:{region.id}"})
    again = client.post("/betalingen/", data={"period": period(1), "scope": f"m:{region.municipalities[0].code}"})
    assert again.status_code == 200 and "conceptbetaalrun" in again.get_data(as_text=True)


def test_settings_page_proposes_paying_organisation_and_saves_ledger_account(setup, login, client, api):
    region, *_, maker, checker = setup
    login(maker)
    bad = client.post("/betalingen/instellingen", data={"payer-scope": f"r:{region.id}", "payer-name": "SDD",
                                                        "payer-iban": "NL91ABNA0417164301"})
    assert "IBAN is niet geldig" in bad.get_data(as_text=True)
    ok = client.post("/betalingen/instellingen", data={"payer-scope": f"r:{region.id}", "payer-name": "SDD",
                                                       "payer-iban": "NL91 ABNA 0417 1643 00", "payer-bic": "ABNANL2A"},
                     follow_redirects=True)
    assert "wacht op goedkeuring door een tweede persoon" in ok.get_data(as_text=True)
    saved = client.post("/betalingen/instellingen", data={"ledger-region": str(region.id), "ledger-service": "1",
                                                          "ledger-kind": "prestatie", "ledger-account": "470120"})
    page = client.get("/betalingen/instellingen").get_data(as_text=True)
    assert saved.status_code == 302 and "NL91ABNA0417164300" not in page and "470120" in page
    change = api(checker).get("/api/v1/bank-detail-changes").json["items"][0]
    login(checker)
    client.post(f"/betalingen/bankgegevens/{change['id']}/goedkeuren")
    assert "NL91ABNA0417164300" in client.get("/betalingen/instellingen").get_data(as_text=True)


@pytest.mark.parametrize("query, status, lines", [
    ("provider_id={provider}", 200, True), ("municipality_id={municipality}", 200, True),
    ("contract_id={contract}", 200, True), ("status=new", 200, True), ("status=held", 200, False),
    ("contract_id={other}", 200, False), ("provider_id=0", 422, None), ("contract_id=abc", 422, None),
    ("municipality_id=99999999999999999999", 422, None), ("status=bestaat-niet", 422, None)])
def test_html_line_filters_are_typed_from_the_query_string(setup, login, client, query, status, lines):
    """Ids compare as numbers (PostgreSQL refuses integer = text); a value that is no id or status is a 422."""
    region, contract, *_, maker, _ = setup
    login(maker)
    run_url = client.post("/betalingen/", data={"period": period(1), "scope": f"r:{region.id}"}).headers["Location"]
    query = query.format(provider=contract.provider_id, municipality=region.municipalities[0].id,
                         contract=contract.id, other=contract.id + 1)
    page = client.get(f"{run_url}?{query}")
    assert page.status_code == status
    if lines is not None:
        assert ("Geen regels met deze filters." not in page.get_data(as_text=True)) == lines


@pytest.mark.parametrize("payer, iban, warned", [
    # what would make the SEPA export of the approved run fail is shown on the draft, before approval
    (False, "NL91ABNA0417164300", ["betalende organisatie"]),
    (True, "", ["heeft geen IBAN"]),
    (False, "", ["betalende organisatie", "heeft geen IBAN"]),
    (True, "NL91ABNA0417164300", []),
])
def test_the_draft_warns_of_what_would_stop_the_sepa_file(setup, api, login, client, make_paying_organisation, payer,
                                                          iban, warned):
    region, contract, *_, maker, checker = setup
    contract.provider.iban = iban
    if payer:
        make_paying_organisation(region=region, name="SDD", bic=None)
    made = api(maker).post("/api/v1/payment-runs", json={"period": period(1), "region_id": region.id}).json
    assert len(made["warnings"]) == len(warned)
    assert all(any(text in warning for warning in made["warnings"]) for text in warned)
    login(maker)
    page = client.get(f"/betalingen/{made['id']}").get_data(as_text=True)
    assert all(text in page for text in warned) and page.count("utrecht-alert--warning") == len(warned)
    api(checker).post(f"/api/v1/payment-runs/{made['id']}/approve")
    sepa = api(checker).get(f"/api/v1/payment-runs/{made['id']}/export/sepa.xml")
    assert sepa.status_code == (200 if not warned else 422)
    if warned:
        assert warned[-1].split()[-1] in sepa.json["detail"] or "betalende organisatie" in sepa.json["detail"]


def test_an_approval_names_what_was_reviewed(setup, api, login):
    """A run recalculated, or with a bank detail decided, after its review is not approved on that review."""
    region, contract, first, second, maker, checker = setup
    m, c = api(maker), api(checker)
    run = m.post("/api/v1/payment-runs", json={"period": period(2), "region_id": region.id}).json
    seen = c.get(f"/api/v1/payment-runs/{run['id']}").json["review"]
    assert m.post(f"/api/v1/payment-runs/{run['id']}/recalculate").status_code == 200
    stale = c.post(f"/api/v1/payment-runs/{run['id']}/approve?review={seen}")
    assert stale.status_code == 409 and "sinds u haar bekeek" in stale.json["detail"]
    page = login(checker).get(f"/betalingen/{run['id']}").get_data(as_text=True)
    current = c.get(f"/api/v1/payment-runs/{run['id']}").json["review"]
    assert current != seen and f'name="review" value="{current}"' in page
    assert login(checker).post(f"/betalingen/{run['id']}/approve", data={"review": current}).status_code == 302
    assert c.get(f"/api/v1/payment-runs/{run['id']}").json["status"] == "approved"
