"""Two requests that create the same thing at the same moment (core/conflicts.py): both pass the service's check for
a twin, the database's unique key refuses the second, and its sender gets a Dutch 409 naming the field, or the form
with the message on it; never a 500 (UniqueViolation), and the thing is stored once."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from contracts import open_house
from contracts.models import Admission, Contract
from core.extensions import db
from core.models import Role, User
from providers.models import Provider
from tests.factories import PASSWORD
from tests.races import at_once, postgresql_only, statuses

pytestmark = postgresql_only
ROUNDS = 3


@pytest.fixture
def world(make_municipality, make_region, make_user, make_provider, make_contract, make_procurement_case, api):
    town = make_municipality()
    region = make_region(municipalities=[town])  # provider master data is written by a region's staff (core.scope)
    provider = make_provider()
    contract = make_contract(provider=provider, municipalities=[town])
    case = make_procurement_case(municipalities=[town])
    users = {Role.CONTRACTMANAGER: make_user(Role.CONTRACTMANAGER, region=region),
             Role.INKOPER: make_user(Role.INKOPER, municipalities=[town])}
    users[Role.ADMIN] = make_user(Role.ADMIN)
    users[Role.PROVIDER] = make_user(Role.PROVIDER, provider=provider)
    pve = api(users[Role.INKOPER]).post("/api/v1/pves", json={"procurement_case_id": case.id}).json
    db.session.commit()
    return {"town": town, "provider": provider, "contract": contract, "pve": pve, "users": users,
            "new_case": lambda: make_procurement_case(municipalities=[town]).id, "api": api}


def _contract_body(w, n):
    return {"run_off": "tot_einde_traject", "reference": f"RACE-{n}", "provider_id": w["provider"].id, "service": "b1_route",
            "procurement_route": "aanbesteding", "municipalities": [w["town"].code], "start_date": "2026-01-01",
            "end_date": "2027-12-31", "price_per_trajectory": "1000.00",
            "milestones": [{"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start",
                            "percentage": "25"}]}


#: (key, who sends, path, the two bodies for round n (one body: both send it), the field the loser is told about)
CREATIONS = [
    ("trajectory reference", Role.CONTRACTMANAGER, "/api/v1/trajectories", lambda w, n: {
        "reference": f"TRJ-RACE-{n}", "contract_id": w["contract"].id, "municipality": w["town"].code,
        "referral_date": "2026-03-01"}, "reference"),
    ("provider KvK number", Role.CONTRACTMANAGER, "/api/v1/providers", lambda w, n: {
        "name": "Taalschool Race", "kvk_number": f"{30000000 + n}", "iban": "NL44RABO0123456789"}, "kvk_number"),
    ("contract reference", Role.CONTRACTMANAGER, "/api/v1/contracts", _contract_body, "reference"),
    ("tariff change date", Role.CONTRACTMANAGER, "/api/v1/contracts/{contract}/tariff-changes", lambda w, n: {
        "effective_on": f"2027-0{n + 1}-01", "price_per_trajectory": "11000.00", "reason": "Indexatie"},
     "effective_on"),
    ("municipality code", Role.ADMIN, "/api/v1/municipalities", lambda w, n: {
        "code": f"GM{7000 + n}", "name": f"Racegemeente {n}"}, "code"),
    ("region name", Role.ADMIN, "/api/v1/regions", lambda w, n: {
        "name": f"Raceregio {n}", "municipalities": [w["town"].code]}, "name"),
    ("one PvE per case", Role.INKOPER, "/api/v1/pves", lambda w, n: {"procurement_case_id": w["new_case"]()},
     "procurement_case_id"),
    ("PvE version number", Role.INKOPER, "/api/v1/pves/{pve}/versions", lambda w, n: {"note": f"Ronde {n}", "based_on": n + 1}, None),
]


@pytest.mark.parametrize("key, role, path, body, field", CREATIONS, ids=[row[0] for row in CREATIONS])
def test_the_same_thing_created_twice_at_once_answers_409(world, key, role, path, body, field):
    client = world["api"](world["users"][role])
    path = path.format(contract=world["contract"].id, pve=world["pve"]["id"])
    for n in range(ROUNDS):
        bodies = body(world, n)
        db.session.commit()
        bodies = bodies if isinstance(bodies, list) else [bodies, bodies]
        answers = at_once(*(lambda b=b: client.post(path, json=b) for b in bodies))
        assert statuses(*answers) == [201, 409], [a.json for a in answers]
        loser = next(a for a in answers if a.status_code == 409).json
        assert loser["title"] == "Conflict met de huidige toestand" and loser["detail"][0].isupper()
        assert [e["field"] for e in loser.get("errors") or []] == ([field] if field else [])


def test_one_open_house_per_case_when_two_open_it_at_once(app, world):
    manager = _logged_in(app, world["users"][Role.CONTRACTMANAGER])
    for _ in range(ROUNDS):
        case_id = world["new_case"]()
        db.session.commit()
        form = {"procurement_case": case_id, "title": "KNM", "starts_on": "2026-01-01", "ends_on": "2029-12-31",
                "price_per_trajectory": "650.00"}
        answers = at_once(*[lambda: manager.post("/open-house/nieuw", data=form)] * 2)
        assert statuses(*answers) == [200, 302]
        assert "Voor deze inkoopzaak bestaat al een Open House." in next(
            a for a in answers if a.status_code == 200).get_data(as_text=True)


@pytest.mark.today("2026-11-16")  # within the procedure's term
def test_an_open_house_application_and_admission_count_once(app, world, make_procurement_case):
    house = open_house.open_open_house(make_procurement_case(municipalities=[world["town"]]), {
        "title": "KNM", "starts_on": date(2026, 1, 1), "ends_on": date(2029, 12, 31),
        "price_per_trajectory": Decimal(650)}, by=None)
    open_house.announce(house, date(2026, 1, 1), "https://www.tenderned.nl/1", by=None, today=date(2026, 11, 16))
    db.session.commit()
    provider, manager = _logged_in(app, world["users"][Role.PROVIDER]), _logged_in(app, world["users"][
        Role.CONTRACTMANAGER])
    house_id, requirements = house.id, house.requirements
    applied = at_once(*[lambda: provider.post(f"/open-house/{house_id}/aanmelden")] * 2)
    assert statuses(*applied) == [302, 302]
    [admission_id] = db.session.scalars(sa.select(Admission.id).where(Admission.open_house_id == house_id)).all()
    decision = {f"a{admission_id}-status": "admitted", f"a{admission_id}-motivation": "Voldoet aan alle eisen",
                f"a{admission_id}-checklist": requirements}
    decided = at_once(*[lambda: manager.post(f"/open-house/aanmelding/{admission_id}/besluit", data=decision)] * 2)
    assert statuses(*decided) == [302, 302]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract).where(
        Contract.provider_id == world["provider"].id, Contract.reference.like("OH%"))) == 1


def test_a_provider_login_is_made_once_when_two_make_it_at_once(app, world):
    manager = _logged_in(app, world["users"][Role.CONTRACTMANAGER])
    provider_id = world["provider"].id
    for n in range(ROUNDS):
        answers = at_once(*[lambda: manager.post(f"/aanbieders/{provider_id}/gebruikers",
                                                  data={"email": f"race{n}@school.nl"})] * 2)
        assert statuses(*answers) == [302, 302]
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.email == f"race{n}@school.nl", User.provider_id == provider_id)) == 1
    assert db.session.get(Provider, provider_id) is not None


def _logged_in(app, user: User):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client
