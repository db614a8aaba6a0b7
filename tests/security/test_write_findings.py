"""The eight writes across scopes of issue 17's attack probe, each replayed through HTTP on two regions: every one is
refused now and leaves the data as it was. The write matrix (test_write_matrix.py) proves the class is gone; these
show the instances the probe reported."""
import io

import pytest
import sqlalchemy as sa

from contracts.models import OpenHouse
from core.extensions import db
from core.models import Role, User
from payments.models import LedgerAccount, PayingOrganisation, PaymentRun
from providers import services as provider_services
from providers.models import ProviderDocument
from tests.factories import PDF



@pytest.fixture
def regions(make_region, make_municipality, make_provider, make_contract, make_user, make_paying_organisation):
    """Drechtsteden-like region A (two municipalities, a provider with a contract, a paying organisation) and region
    B with its own staff and admin."""
    a, b = make_region(name="A"), make_region(name="B")
    provider = make_provider()
    contract = make_contract(provider=provider, municipalities=list(a.municipalities))
    make_paying_organisation(region=a, name="Betaler A", iban="NL02ABNA0123456789")
    staff_b = {role: make_user(role, region=b) for role in (Role.CONTRACTMANAGER, Role.FINANCE, Role.ADMIN)}
    one = make_user(Role.FINANCE, municipalities=[a.municipalities[0]])
    return {"a": a, "b": b, "provider": provider, "contract": contract, "staff_b": staff_b, "one_municipality": one}


@pytest.mark.today("2026-11-20")
def test_1_another_regions_manager_cannot_change_a_providers_iban(regions, api, login):
    provider, manager = regions["provider"], regions["staff_b"][Role.CONTRACTMANAGER]
    answer = api(manager).patch(f"/api/v1/providers/{provider.id}", json={"iban": "NL44RABO0123456789"})
    assert answer.status_code == 403 and "werkt niet met deze aanbieder" in answer.json["detail"]
    form = login(manager).post(f"/aanbieders/{provider.id}/wijzigen", data={
        "name": provider.name, "kvk_number": provider.kvk_number, "iban": "NL44RABO0123456789"})
    assert form.status_code == 403
    db.session.refresh(provider)
    assert provider.iban == "NL91ABNA0417164300"


def test_2_another_regions_manager_cannot_make_a_login_for_the_provider(regions, login):
    provider = regions["provider"]
    client = login(regions["staff_b"][Role.CONTRACTMANAGER])
    answer = client.post(f"/aanbieders/{provider.id}/gebruikers", data={"email": "inbreker@example.nl", "name": "X"})
    assert answer.status_code == 403
    assert db.session.scalar(sa.select(User.id).where(User.email == "inbreker@example.nl")) is None


@pytest.mark.today("2026-11-20")
def test_3_a_finance_user_of_one_municipality_cannot_set_the_regions_payer_or_run(regions, login, api):
    region, user = regions["a"], regions["one_municipality"]
    page = login(user).post("/betalingen/instellingen", data={
        "payer-scope": f"r:{region.id}", "payer-name": "Inbreker", "payer-iban": "NL44RABO0123456789"})
    assert page.status_code in (403, 200)  # refused, or the region not even offered as a choice
    assert db.session.scalar(sa.select(PayingOrganisation.name).where(PayingOrganisation.region_id == region.id)) \
        == "Betaler A"
    run = api(user).post("/api/v1/payment-runs", json={"period": "2026-10", "region_id": region.id})
    assert run.status_code == 403 and "hele regio" in run.json["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentRun)) == 0


@pytest.mark.today("2026-11-20")
def test_4_another_regions_admin_reads_no_participant_and_approves_no_run(regions, make_trajectory, make_user, api):
    trajectory = make_trajectory(contract=regions["contract"], municipality=regions["a"].municipalities[0])
    maker = make_user(Role.FINANCE, region=regions["a"])
    run = api(maker).post("/api/v1/payment-runs", json={"period": "2026-10", "region_id": regions["a"].id})
    assert run.status_code in (200, 201, 202)
    admin = api(regions["staff_b"][Role.ADMIN])
    assert admin.get(f"/api/v1/trajectories/{trajectory.id}").status_code == 404
    assert trajectory.reference not in admin.get("/api/v1/trajectories").get_data(as_text=True)
    assert admin.post(f"/api/v1/payment-runs/{run.json['id']}/approve").status_code == 404
    assert db.session.get(PaymentRun, run.json["id"]).status.value == "draft"


def test_5_another_regions_manager_cannot_open_an_open_house_on_a_case(regions, make_procurement_case, login):
    case = make_procurement_case(municipalities=list(regions["a"].municipalities), region=regions["a"])
    client = login(regions["staff_b"][Role.CONTRACTMANAGER])
    form = client.get(f"/open-house/nieuw?case={case.id}").get_data(as_text=True)
    assert f'value="{case.id}"' not in form
    answer = client.post("/open-house/nieuw", data={"procurement_case": case.id, "title": "Inbraak",
                                                    "starts_on": "2026-01-01", "ends_on": "2027-12-31",
                                                    "price_per_trajectory": "99999"})
    assert answer.status_code in (200, 404) and db.session.scalar(sa.select(sa.func.count()).select_from(
        OpenHouse)) == 0


def test_6_ledger_accounts_of_one_region_are_not_another_regions(regions, login):
    from core.models import Service

    service = db.session.scalar(sa.select(Service).where(Service.code == "b1_route"))
    client = login(regions["staff_b"][Role.FINANCE])
    assert client.post("/betalingen/instellingen", data={
        "ledger-service": service.id, "ledger-kind": "inspanning", "ledger-account": "9999"}).status_code < 500
    accounts = db.session.execute(sa.select(LedgerAccount.region_id, LedgerAccount.account)).all()
    assert all(region_id != regions["a"].id for region_id, _ in accounts)


def test_7_another_region_cannot_supersede_or_delete_a_providers_document(regions, login, api, make_user, app,
                                                                          tmp_path):
    app.config["STORAGE_URL"] = tmp_path.as_uri()
    own = make_user(Role.CONTRACTMANAGER, region=regions["a"])
    document = provider_services.add_provider_document(regions["provider"], {"title": "VOG", "kind": "vog"},
                                                       "vog.pdf", PDF, by=own)
    db.session.commit()
    provider, outsider = regions["provider"], regions["staff_b"][Role.CONTRACTMANAGER]
    assert api(outsider).delete(f"/api/v1/providers/{provider.id}/documents/{document.id}").status_code == 403
    assert login(outsider).post(f"/aanbieders/{provider.id}/documenten/{document.id}/verwijderen").status_code == 403
    superseding = login(outsider).post(f"/aanbieders/{provider.id}/documenten", data={
        "title": "VOG", "kind": "vog", "supersedes_id": document.id, "file": (io.BytesIO(PDF), "v.pdf")},
        content_type="multipart/form-data")
    assert superseding.status_code == 403
    assert db.session.get(ProviderDocument, document.id).is_current


@pytest.mark.today("2026-11-20")
def test_8_a_reference_cannot_be_probed_outside_ones_scope(regions, make_trajectory, api):
    taken = make_trajectory(contract=regions["contract"], municipality=regions["a"].municipalities[0])
    answer = api(regions["staff_b"][Role.CONTRACTMANAGER]).post("/api/v1/trajectories", json={
        "reference": taken.reference, "contract_id": regions["contract"].id,
        "municipality": regions["a"].municipalities[0].code, "referral_date": "2026-11-01"})
    assert answer.status_code == 422 and "bestaat al" not in answer.get_data(as_text=True)
