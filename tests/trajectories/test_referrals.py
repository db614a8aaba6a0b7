"""The conditions of a referral (trajectories.referrals), through the service and through HTTP."""
from datetime import date

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import Role
from tests.factories import service
from trajectories.models import Trajectory
from trajectories.services import create_trajectory

TODAY = date(2026, 11, 23)


@pytest.fixture
def refer(make_contract, make_municipality):
    """refer(service_code, **fields): refer a participant to a fresh contract for that service."""
    town = make_municipality()

    def do(code="b1_route", contract=None, **fields):
        contract = contract or make_contract(service=service(code), municipalities=[town])
        data = {"reference": f"TRJ-{code}-{len(fields)}", "contract_id": contract.id,
                "municipality": contract.municipalities[0].code, "referral_date": date(2026, 3, 1)} | fields
        return create_trajectory(data, by=None, today=TODAY)

    return do


@pytest.mark.parametrize("code, fields, field", [
    # alfabetisering (DUO's PIP flag) and a duaal traject are parts of a leerroute
    ("b1_route", {"alfabetisering": "A"}, None),
    ("z_route", {"alfabetisering": "AA", "is_duaal": True}, None),
    ("onderwijsroute", {"is_duaal": True}, None),
    ("b1_route", {"alfabetisering": "NVT"}, None),
    ("knm", {"alfabetisering": "A"}, "alfabetisering"),
    ("map", {"is_duaal": True}, "is_duaal"),
    ("map", {"alfabetisering": "NVT", "is_duaal": False}, None),
])
def test_alfabetisering_and_duaal_only_within_a_leerroute(ctx, refer, code, fields, field):
    if field is None:
        trajectory = refer(code, **fields)
        assert trajectory.alfabetisering == (fields.get("alfabetisering") if fields.get("alfabetisering") != "NVT"
                                             else None)
        assert trajectory.is_duaal == fields.get("is_duaal", False)
        return
    with pytest.raises(DomainError) as caught:
        refer(code, **fields)
    assert caught.value.field == field and "leerroute" in caught.value.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Trajectory)) == 0


def test_the_api_records_the_pip_flags_and_refuses_them_outside_a_leerroute(api, make_contract, make_municipality,
                                                                           make_user):
    town = make_municipality()
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[town])
    z_route = make_contract(service=service("z_route"), municipalities=[town])
    knm = make_contract(service=service("knm"), municipalities=[town])
    body = {"reference": "TRJ-ALFA", "municipality": town.code, "referral_date": "2026-03-01",
            "alfabetisering": "A", "is_duaal": True}
    client = api(manager)
    created = client.post("/api/v1/trajectories", json=body | {"contract_id": z_route.id})
    assert created.status_code == 201 and (created.json["alfabetisering"], created.json["is_duaal"]) == ("A", True)
    refused = client.post("/api/v1/trajectories", json=body | {"reference": "TRJ-KNM", "contract_id": knm.id})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "alfabetisering"
    wrong = client.post("/api/v1/trajectories", json=body | {"reference": "TRJ-X", "contract_id": z_route.id,
                                                             "alfabetisering": "B"})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "alfabetisering"


@pytest.fixture
def open_house_contracts(ctx, make_procurement_case, make_provider):
    """An announced KNM Open House: Aa admitted on 1 March (list version 1), Bb on 1 April (version 2)."""
    from contracts import open_house

    case = make_procurement_case("knm")
    house = open_house.open_open_house(case, {"title": "KNM", "starts_on": date(2026, 1, 1),
                                              "ends_on": date(2029, 12, 31), "price_per_trajectory": 650}, by=None)
    open_house.announce(house, date(2026, 2, 1), "https://www.tenderned.nl/1", by=None, today=date(2026, 2, 1))
    contracts = {}
    for name, day in (("Aa", date(2026, 3, 1)), ("Bb", date(2026, 4, 1))):
        admission = open_house.apply(house, make_provider(name=name), by=None, today=day)
        open_house.decide(admission, "admitted", "Voldoet", by=None, today=day,
                          checklist={r: True for r in house.requirements})
        contracts[name] = admission.contract
    return contracts


@pytest.mark.parametrize("provider, fields, field", [
    # the participant chose the provider, from a version of the list shown on or before the referral date
    ("Aa", {"chosen_by_participant": True, "provider_list_version": 1}, None),
    ("Bb", {"chosen_by_participant": True, "provider_list_version": 2}, None),
    ("Aa", {"chosen_by_participant": False, "provider_list_version": 1}, "chosen_by_participant"),
    ("Aa", {"provider_list_version": 1}, "chosen_by_participant"),
    ("Aa", {"chosen_by_participant": True}, "provider_list_version"),
    ("Aa", {"chosen_by_participant": True, "provider_list_version": 9}, "provider_list_version"),
    # Bb came on the list only in version 2, of 1 April, which a referral of 31 March cannot have shown
    ("Bb", {"chosen_by_participant": True, "provider_list_version": 1}, "provider_list_version"),
    ("Aa", {"chosen_by_participant": True, "provider_list_version": 2, "referral_date": date(2026, 3, 31)},
     "provider_list_version"),
])
def test_an_open_house_referral_records_the_participants_own_choice(refer, open_house_contracts, provider, fields,
                                                                    field):
    contract = open_house_contracts[provider]
    data = {"referral_date": date(2026, 4, 15)} | fields
    if field is None:
        trajectory = refer(contract=contract, **data)
        assert trajectory.chosen_by_participant is True
        assert trajectory.provider_list_version.number == fields["provider_list_version"]
        return
    with pytest.raises(DomainError) as caught:
        refer(contract=contract, **data)
    assert caught.value.field == field


@pytest.mark.parametrize("route, fields, field", [
    # an Open House contract comes from an admission: without one there is no list to choose from
    ("open_house", {"chosen_by_participant": True, "provider_list_version": 1}, "contract_id"),
    # any other route has no list of admitted providers
    ("aanbesteding", {"provider_list_version": 1}, "provider_list_version"),
    ("aanbesteding", {"chosen_by_participant": True}, None),
])
def test_only_an_open_house_admission_has_a_list_to_choose_from(refer, make_contract, route, fields, field):
    contract = make_contract(service=service("knm"), procurement_route=route)
    if field is None:
        assert refer(contract=contract, **fields).chosen_by_participant is None
        return
    with pytest.raises(DomainError) as caught:
        refer(contract=contract, **fields)
    assert caught.value.field == field


def test_the_api_and_the_form_record_the_choice(api, login, open_house_contracts, make_user):
    contract = open_house_contracts["Aa"]
    manager = make_user(Role.CONTRACTMANAGER, municipalities=contract.municipalities)
    body = {"reference": "TRJ-OH", "contract_id": contract.id, "municipality": contract.municipalities[0].code,
            "referral_date": "2026-04-15"}
    refused = api(manager).post("/api/v1/trajectories", json=body | {"provider_list_version": 1})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "chosen_by_participant"
    created = api(manager).post("/api/v1/trajectories", json=body | {"chosen_by_participant": True,
                                                                     "provider_list_version": 1})
    assert created.status_code == 201
    assert (created.json["chosen_by_participant"], created.json["provider_list_version"]) == (True, 1)
    form = {"reference": "TRJ-OH-2", "contract_id": contract.id, "municipality": contract.municipalities[0].code,
            "referral_date": "2026-04-15", "provider_list_version": "1"}
    page = login(manager).post("/trajectories/new", data=form)
    assert page.status_code == 422 and "kiest de deelnemer zelf" in page.get_data(as_text=True)
    done = login(manager).post("/trajectories/new", data=form | {"chosen_by_participant": "y"})
    assert done.status_code == 302
    assert "Zelf gekozen uit versie 1" in login(manager).get(done.location).get_data(as_text=True)
