from core.models import Role

BODY = {"name": "Taalschool Zuid", "kvk_number": "23456789", "iban": "NL44RABO0123456789"}


def test_api_registers_a_provider_and_refuses_a_bad_iban(ctx, api, make_user, make_region):
    client = api(make_user(Role.CONTRACTMANAGER, region=make_region()))
    created = client.post("/api/v1/providers", json=BODY)
    # a person's first IBAN waits for a second person, as every later one
    assert created.status_code == 201 and created.json["iban"] == ""
    assert created.json["pending_bank_change"]["new_iban"] == "NL44RABO0123456789"
    bad = client.post("/api/v1/providers", json={**BODY, "kvk_number": "23456780", "iban": "NL45RABO0123456789"})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "iban"
    assert client.post("/api/v1/providers", json={**BODY, "status": "x"}).status_code == 422


def test_provider_token_sees_only_its_own_provider(ctx, api, make_user, make_provider):
    own, other = make_provider(), make_provider()
    client = api(make_user(Role.PROVIDER, provider=own))
    assert [p["id"] for p in client.get("/api/v1/providers").json["items"]] == [own.id]
    assert client.get(f"/api/v1/providers/{other.id}").status_code == 404
    assert client.post("/api/v1/providers", json=BODY).status_code == 403


def test_html_register_search_and_add_user(ctx, login, make_user, make_region):
    client = login(make_user(Role.CONTRACTMANAGER, region=make_region()))
    response = client.post("/aanbieders/nieuw", data={**BODY, "iban": "NL00RABO0123456789"})
    assert "Dit IBAN is niet geldig" in response.get_data(as_text=True)
    response = client.post("/aanbieders/nieuw", data=BODY, follow_redirects=True)
    assert "Taalschool Zuid is geregistreerd" in response.get_data(as_text=True)
    assert "Taalschool Zuid" in client.get("/aanbieders/?q=zuid").get_data(as_text=True)
    provider_id = int(response.request.path.rsplit("/", 1)[1])
    page = client.post(f"/aanbieders/{provider_id}/gebruikers", data={"email": "a@school.nl"}, follow_redirects=True)
    assert "Eenmalig wachtwoord" in page.get_data(as_text=True)


def test_the_keurmerk_status_through_the_api_and_the_form(ctx, api, login, make_user, make_region):
    manager = make_user(Role.CONTRACTMANAGER, region=make_region())
    client = api(manager)
    dated = client.post("/api/v1/providers", json={**BODY, "keurmerk_valid_until": "2027-06-30"})
    assert dated.status_code == 201 and dated.json["keurmerk_status"] == "geldig_tot"
    suspended = client.patch(f"/api/v1/providers/{dated.json['id']}", json={"keurmerk_status": "geschorst"})
    assert suspended.status_code == 422 and suspended.json["errors"][0]["field"] == "keurmerk_status_since"
    assert client.patch(f"/api/v1/providers/{dated.json['id']}", json={
        "keurmerk_status": "geschorst", "keurmerk_status_since": "2026-11-01"}).json["keurmerk_status"] == "geschorst"
    page = login(manager).post("/aanbieders/nieuw", follow_redirects=True, data={
        **BODY, "kvk_number": "34567890", "keurmerk_status": "onbepaalde_tijd"}).get_data(as_text=True)
    assert "Geldig voor onbepaalde tijd" in page
