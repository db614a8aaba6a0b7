"""A contract made from an adopted PvE version records it: through the API, the contract form and Open House; the
contract page links to the version."""
from datetime import date
from decimal import Decimal

import pytest

from contracts import open_house
from contracts.models import Contract
from core.dates import now_utc
from core.extensions import db
from core.models import Role
from procurement.pve.models import Pve, PveStatus, PveVersion

START = {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "percentage": "25"}


@pytest.fixture
def adopted(make_procurement_case):
    """adopted(case=None, status=ADOPTED) -> a version of the case's PvE with a price and a schedule."""

    def make(case=None, status=PveStatus.ADOPTED):
        case = case or make_procurement_case("b1_route")
        pve = Pve(procurement_case=case, title="PvE B1-route")
        version = PveVersion(number=1, status=status, adopted_at=now_utc() if status == PveStatus.ADOPTED else None,
                             financing={"price_per_trajectory": "9500.00", "milestones": [START]}, kpis=[])
        pve.versions = [version]
        db.session.add(pve)
        db.session.commit()
        return version

    return make


@pytest.fixture
def body(make_provider):
    def make(version, **kw):
        provider = make_provider()
        db.session.commit()
        case = version.pve.procurement_case
        return {"reference": "PVE-1", "provider_id": provider.id, "service": "b1_route",
                "procurement_route": "aanbesteding", "procurement_case_id": case.id, "run_off": "tot_einde_traject",
                "municipalities": [m.code for m in case.municipalities], "start_date": "2026-01-01",
                "end_date": "2027-12-31", "price_per_trajectory": "9500.00", "milestones": [START],
                "pve_version_id": version.id} | kw

    return make


def test_the_api_takes_and_returns_the_version_and_the_page_links_to_it(ctx, api, login, make_user, adopted, body):
    version = adopted()
    manager = make_user(Role.CONTRACTMANAGER, municipalities=version.pve.procurement_case.municipalities)
    created = api(manager).post("/api/v1/contracts", json=body(version))
    assert created.status_code == 201, created.json
    assert created.json["pve_version_id"] == version.id
    assert api(manager).get(f"/api/v1/contracts/{created.json['id']}").json["pve_version_id"] == version.id
    page = login(manager).get(f"/contracten/{created.json['id']}").get_data(as_text=True)
    assert f"/pve/{version.pve_id}?version=1" in page and "PvE B1-route, versie 1" in page


@pytest.mark.parametrize("which, message", [
    ("concept", "Alleen een vastgestelde versie"),  # a version under review is no basis for a contract
    ("other case", "hoort niet bij de inkoopzaak"),
    # another region's case: as unknown as one that does not exist (no oracle)
    ("foreign case", "Onbekende PvE-versie"),
    ("unknown", "Onbekende PvE-versie"),
])
def test_the_api_refuses_a_version_that_is_no_basis(ctx, api, make_user, make_procurement_case, adopted, body,
                                                    which, message):
    own = adopted(status=PveStatus.CONCEPT if which == "concept" else PveStatus.ADOPTED)
    payload = body(own)
    if which == "other case":
        payload["pve_version_id"] = adopted(make_procurement_case(
            "b1_route", municipalities=list(own.pve.procurement_case.municipalities))).id
    if which == "foreign case":
        payload["pve_version_id"] = adopted(make_procurement_case("b1_route")).id
    if which == "unknown":
        payload["pve_version_id"] = own.id + 1000
    manager = make_user(Role.CONTRACTMANAGER, municipalities=own.pve.procurement_case.municipalities)
    answer = api(manager).post("/api/v1/contracts", json=payload)
    assert answer.status_code == 422 and message in answer.json["detail"]
    assert answer.json["errors"][0]["field"] == "pve_version_id"


def test_the_contract_form_prefilled_from_the_case_records_the_version(ctx, login, make_user, make_provider, adopted):
    version = adopted()
    case = version.pve.procurement_case
    manager = make_user(Role.CONTRACTMANAGER, municipalities=case.municipalities)
    provider = make_provider()
    db.session.commit()
    browser = login(manager)
    form = browser.get(f"/contracten/nieuw?case={case.id}").get_data(as_text=True)
    assert f'name="pve_version" type="hidden" value="{version.id}"' in form
    answer = browser.post("/contracten/nieuw", data={
        "reference": "FORM-1", "provider": provider.id, "service": "b1_route", "procurement_route": "aanbesteding",
        "run_off": "tot_einde_traject",
        "procurement_case": case.id, "pve_version": version.id, "municipalities": [case.municipalities[0].code],
        "starts_on": "2026-01-01", "ends_on": "2027-12-31", "price_per_trajectory": "9500.00", "extension_count": 0,
        "milestones": '[{"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": "1"}]'})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert db.session.scalar(db.select(Contract.pve_version_id).where(Contract.reference == "FORM-1")) == version.id


@pytest.mark.today("2026-11-16")
@pytest.mark.parametrize("terms, recorded", [
    # the uniform terms taken from the adopted PvE: the admitted provider's contract names the version
    ({}, True),
    # price, schedule and KPIs all given by hand: nothing came from the PvE
    ({"price_per_trajectory": Decimal("650"), "milestones": [START],
      "kpis": [{"kpi": "dropout_rate", "norm": "0.1", "direction": "max"}]}, False),
])
def test_open_house_contracts_record_the_version_their_terms_came_from(ctx, make_provider, adopted, terms, recorded):
    version = adopted()
    house = open_house.open_open_house(version.pve.procurement_case, {
        "title": "B1 Open House", "starts_on": date(2026, 1, 1), "ends_on": date(2029, 12, 31), **terms}, by=None)
    open_house.announce(house, date(2026, 1, 1), "https://www.tenderned.nl/1", by=None, today=date(2026, 11, 16))
    admission = open_house.apply(house, make_provider(), by=None, today=date(2026, 11, 16))
    open_house.decide(admission, "admitted", "Voldoet", by=None, today=date(2026, 11, 16),
                      checklist={r: True for r in house.requirements})
    assert admission.contract.pve_version_id == (version.id if recorded else None)
