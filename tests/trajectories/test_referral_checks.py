"""A referral is refused to a contract not in force, a municipality that does not take part, a provider without a
valid keurmerk on the referral date, or under a suspended or ended Open House admission; running trajectories at
such a provider are flagged on the contract manager's start page."""
from datetime import date

import pytest
import sqlalchemy as sa

from contracts import open_house
from contracts.models import AdmissionStatus, ContractStatus
from core import audit
from core.extensions import db
from core.models import Role
from providers.models import KeurmerkStatus as K
from tests.factories import service
from trajectories.flags import flagged_contracts
from trajectories.models import Trajectory
from trajectories.referrals import ReferralRefused
from trajectories.services import create_trajectory

TODAY = date(2026, 11, 23)
SUSPENDED = {"keurmerk_status": K.SUSPENDED, "keurmerk_status_since": date(2026, 6, 1)}


@pytest.fixture
def refer(make_contract, make_provider, make_municipality):
    """refer(contract=..., provider=..., **referral): refer to a B1-route contract of 2026-2027 unless told."""
    town = make_municipality()

    def do(code="b1_route", contract=None, provider=None, day=date(2026, 3, 1), **contract_fields):
        contract = contract or make_contract(service=service(code), municipalities=[town],
                                             provider=make_provider(**(provider or {})), **contract_fields)
        return create_trajectory({"reference": "TRJ-1", "contract_id": contract.id, "municipality": town.code,
                                  "referral_date": day}, by=None, today=TODAY)

    return do


@pytest.mark.parametrize("code, contract, provider, day, refused", [
    # a contract in force on the referral date: within its term (inclusive), neither a concept nor dissolved
    ("b1_route", {}, {}, date(2026, 1, 1), None),
    ("b1_route", {}, {}, date(2025, 12, 31), "niet actief"),
    ("b1_route", {"ends_on": date(2026, 6, 30)}, {}, date(2026, 7, 1), "niet actief"),
    ("b1_route", {"status": ContractStatus.CONCEPT}, {}, date(2026, 3, 1), "status concept"),
    ("b1_route", {"status": ContractStatus.TERMINATED}, {}, date(2026, 3, 1), "status ontbonden"),
    ("b1_route", {"status": ContractStatus.ENDED}, {}, date(2026, 3, 1), None),  # a late referral within its term
    # the B1-route and Z-route need a provider with a valid keurmerk on the referral date
    ("b1_route", {}, {"keurmerk_valid_until": date(2026, 2, 28)}, date(2026, 3, 1), "geen geldig keurmerk"),
    ("b1_route", {}, {"keurmerk_valid_until": date(2026, 3, 1)}, date(2026, 3, 1), None),
    ("z_route", {}, {"keurmerk_valid_until": None}, date(2026, 3, 1), "geen keurmerk"),
    ("z_route", {}, {"keurmerk_valid_until": None, "keurmerk_status": K.INDEFINITE}, date(2026, 3, 1), None),
    ("z_route", {}, SUSPENDED, date(2026, 6, 1), "geschorst sinds 01-06-2026"),
    ("z_route", {}, SUSPENDED, date(2026, 5, 31), None),  # a referral from before the suspension
    ("b1_route", {}, {"keurmerk_status": K.WITHDRAWN, "keurmerk_status_since": date(2026, 2, 1)}, date(2026, 3, 1),
     "ingetrokken"),
    # other services do not ask for the keurmerk
    ("knm", {}, {"keurmerk_valid_until": None}, date(2026, 3, 1), None),
    ("onderwijsroute", {}, SUSPENDED, date(2026, 7, 1), None),
])
def test_a_referral_needs_a_contract_in_force_and_a_provider_with_a_valid_keurmerk(ctx, refer, code, contract,
                                                                                   provider, day, refused):
    if refused is None:
        assert refer(code, provider=provider, day=day, **contract).referral_date == day
        return
    with pytest.raises(ReferralRefused, match=refused) as caught:
        refer(code, provider=provider, day=day, **contract)
    assert caught.value.field == "contract_id"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Trajectory)) == 0


def test_a_municipality_that_does_not_take_part_is_refused(ctx, make_contract, make_municipality):
    contract, elsewhere = make_contract(), make_municipality(name="Elders")
    with pytest.raises(ReferralRefused, match="Elders neemt geen deel") as caught:
        create_trajectory({"reference": "TRJ-1", "contract_id": contract.id, "municipality": elsewhere.code,
                           "referral_date": date(2026, 3, 1)}, by=None, today=TODAY)
    assert caught.value.field == "municipality"


@pytest.fixture
def admitted(ctx, make_procurement_case, make_provider):
    """A provider admitted on 1 February to a KNM Open House of 2026-2029; returns its admission."""
    house = open_house.open_open_house(make_procurement_case("knm"), {
        "title": "KNM Drechtsteden", "starts_on": date(2026, 1, 1), "ends_on": date(2029, 12, 31),
        "price_per_trajectory": 650}, by=None)
    open_house.announce(house, date(2026, 1, 1), "https://www.tenderned.nl/1", by=None, today=date(2026, 1, 1))
    admission = open_house.apply(house, make_provider(name="Wereldwijs"), by=None, today=date(2026, 2, 1))
    return open_house.decide(admission, AdmissionStatus.ADMITTED, "Voldoet", by=None, today=date(2026, 2, 1),
                             checklist={r: True for r in house.requirements})


@pytest.mark.parametrize("change, refused", [
    # an admission that stands takes referrals
    (None, None),
    # a suspended or ended admission does not
    (AdmissionStatus.SUSPENDED, "is geschorst: Klachten"),
    (AdmissionStatus.EXCLUDED, "niet actief"),  # exclusion dissolves its contract
    ("house_ended", "geëindigd"),
])
def test_a_suspended_or_ended_open_house_admission_takes_no_referral(admitted, change, refused):
    if change == "house_ended":
        admitted.open_house.ends_on = date(2026, 4, 1)
    elif change is not None:
        open_house.decide(admitted, change, "Klachten", by=None, today=date(2026, 3, 1))
    contract = admitted.contract
    data = {"reference": "TRJ-OH", "contract_id": contract.id, "municipality": contract.municipalities[0].code,
            "referral_date": date(2026, 4, 15), "chosen_by_participant": True, "provider_list_version": 1}
    if refused is None:
        assert create_trajectory(data, by=None, today=TODAY).contract is contract
        return
    with pytest.raises(ReferralRefused, match=refused) as caught:
        create_trajectory(data, by=None, today=TODAY)
    assert caught.value.field == "contract_id"


def test_the_api_refuses_naming_the_field_and_the_refusal_stays_on_the_contract(api, make_contract, make_provider,
                                                                                make_municipality, make_user):
    town = make_municipality()
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[town])
    contract = make_contract(municipalities=[town], provider=make_provider(keurmerk_valid_until=date(2026, 2, 1)))
    response = api(manager).post("/api/v1/trajectories", json={
        "reference": "TRJ-REF", "contract_id": contract.id, "municipality": town.code,
        "referral_date": "2026-03-01", "participant": {"bsn": "111222333", "name": "Amina"}})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "contract_id" and "keurmerk" in response.json["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Trajectory)) == 0
    refusal = next(e for e in audit.history(contract) if e.action == "referral_refused")
    assert "TRJ-REF" in refusal.summary and refusal.actor_id == manager.id
    assert "111222333" not in str(refusal.changes) and "Amina" not in refusal.summary + str(refusal.changes)


def test_the_form_shows_the_refusal_on_the_field(login, make_contract, make_municipality, make_user):
    town = make_municipality()
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[town])
    contract = make_contract(municipalities=[town], ends_on=date(2026, 6, 30))
    page = login(manager).post("/trajectories/new", data={
        "reference": "TRJ-LATE", "contract_id": contract.id, "municipality": town.code,
        "referral_date": "2026-07-01"})
    assert page.status_code == 422
    assert "is op 01-07-2026 niet actief (looptijd 01-01-2026 tot en met 30-06-2026" in page.get_data(as_text=True)
    assert [e.action for e in audit.history(contract)] == ["referral_refused"]


def test_running_trajectories_at_a_barred_provider_are_flagged_on_the_start_page(login, make_contract, make_provider,
                                                                                 make_trajectory, make_event,
                                                                                 make_municipality, make_user):
    town, other_town = make_municipality(), make_municipality()
    barred = make_contract(municipalities=[town, other_town], reference="CTR-GESCHORST",
                           provider=make_provider(name="Taalschool Geschorst", **SUSPENDED))
    fine = make_contract(municipalities=[town])
    running, done = make_trajectory(contract=barred), make_trajectory(contract=barred)
    make_event(done, "completed", date(2026, 5, 1))
    voided = make_event(make_trajectory(contract=barred), "dropout", date(2026, 5, 1))
    make_event(voided.trajectory, "retraction", date(2026, 5, 2), retracts_id=voided.id)
    make_trajectory(contract=barred, municipality=other_town)  # outside the manager's scope
    make_trajectory(contract=fine)
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[town])
    assert [(c.reference, count) for c, _, count in flagged_contracts(manager, TODAY)] == [("CTR-GESCHORST", 2)]
    page = login(manager).get("/").get_data(as_text=True)
    assert "Lopende trajecten bij aanbieders die nu niet mogen leveren" in page
    assert "CTR-GESCHORST" in page and "Taalschool Geschorst heeft op" in page and running.reference not in page
