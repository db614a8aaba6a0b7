"""Route switches (issue 19, point 2): the old trajectory closes with reason schakelen, which is no uitval, a new one
starts on the new route's contract linked to the old, and the old schedule pays nothing after the switch date."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import Role
from payments.models import PaymentLine
from payments.runs import create_run
from tests.factories import service
from trajectories.batch import BatchRejected
from trajectories.models import TrajectoryStatus
from trajectories.services import record_events
from trajectories.switches import switch_route

TODAY = date(2026, 11, 23)
SWITCHED_ON = date(2026, 5, 15)


def ms(code, trigger, **params):
    return {"code": code, "label": code, "kind": "inspanning", "trigger": trigger, "params": params,
            "amount": D("100.00")}


@pytest.fixture
def world(make_municipality, make_contract, make_trajectory, make_event, make_user):
    town = make_municipality()
    contracts = {code: make_contract(service=service(code), municipalities=[town], milestones=[
        ms("START", "start"), ms("MAAND", "attendance_month")]) for code in ("b1_route", "z_route", "knm")}
    old = make_trajectory(contract=contracts["b1_route"], reference="TRJ-OUD", referral_date=date(2026, 1, 15),
                          participant_name="Amina Haddad")
    make_event(old, "start", date(2026, 2, 1))
    for month in (2, 3, 4):
        make_event(old, "attendance", date(2026, month, 28), month=date(2026, month, 1), hours_offered=D(10),
                   hours_attended=D(10), hours_excused=D(0))
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[town])
    return {"old": old, "contracts": contracts, "manager": manager, "town": town}


def switch(world, code="z_route", day=SWITCHED_ON, **data):
    return switch_route(world["old"], {"reference": "TRJ-NIEUW", "contract_id": world["contracts"][code].id,
                                       "switched_on": day, "pip_date": day, **data},
                        by=world["manager"], today=TODAY)


def test_a_switch_closes_the_old_trajectory_with_schakelen_and_starts_a_linked_one(world):
    new = switch(world)
    old = world["old"]
    db.session.refresh(old)
    [closed] = [e for e in old.events if e.type == "dropout"]
    assert (old.status, closed.reason, closed.occurred_on, closed.source) == (
        TrajectoryStatus.SWITCHED, "schakelen", SWITCHED_ON, "manual")
    assert (new.contract.service.code, new.referral_date, new.pip_date, new.municipality) == (
        "z_route", SWITCHED_ON, SWITCHED_ON, world["town"])
    assert new.switched_from is old and old.switched_to is new and new.participant_name == "Amina Haddad"
    assert [e.action for e in audit.history(old) if e.action == "trajectory_switched"] == ["trajectory_switched"]


@pytest.mark.parametrize("code, day, field, fragment", [
    # to another leerroute only: not the same route again, not to a participatietraject
    ("b1_route", SWITCHED_ON, "contract_id", "ook voor de B1-route"),
    ("knm", SWITCHED_ON, "contract_id", "van de ene leerroute naar de andere"),
    # the date rules of an end: not in the future, not before what was reported already
    ("z_route", date(2026, 11, 24), "switched_on", "toekomst"),
    ("z_route", date(2026, 4, 1), "switched_on", "al gebeurtenissen na deze datum"),
])
def test_a_switch_is_refused_with_the_reason_on_its_field(world, code, day, field, fragment):
    with pytest.raises(DomainError) as refused:
        switch(world, code, day)
    assert refused.value.field == field and fragment in refused.value.message


def test_the_new_contract_must_be_in_force_on_the_switch_date(world, make_contract):
    late = make_contract(service=service("z_route"), municipalities=[world["town"]], starts_on=date(2026, 6, 1))
    world["contracts"]["late"] = late
    with pytest.raises(DomainError) as refused:
        switch(world, "late")
    assert refused.value.field == "contract_id" and "niet actief" in refused.value.message


def test_an_ended_trajectory_does_not_switch(world, make_event):
    make_event(world["old"], "completed", date(2026, 5, 1))
    with pytest.raises(DomainError, match="al beëindigd"):
        switch(world)


def test_payments_of_the_old_schedule_stop_at_the_switch_date(world, make_event, make_user):
    new = switch(world)
    make_event(new, "start", date(2026, 5, 20))
    make_event(new, "attendance", date(2026, 5, 31), month=date(2026, 5, 1), hours_offered=D(10),
               hours_attended=D(10), hours_excused=D(0))
    make_event(world["old"], "attendance", date(2026, 6, 30), month=date(2026, 6, 1), hours_offered=D(10),
               hours_attended=D(10), hours_excused=D(0))  # past the switch: counts for nothing
    run = create_run("2026-10", municipality=world["town"], by=make_user(Role.FINANCE, municipalities=[world["town"]]),
                     today=TODAY)
    lines = db.session.scalars(sa.select(PaymentLine).where(PaymentLine.run_id == run.id))
    paid = sorted((line.trajectory.reference, line.milestone_code, line.month or date.min) for line in lines)
    assert paid == [("TRJ-NIEUW", "MAAND", date(2026, 5, 1)), ("TRJ-NIEUW", "START", date.min),
                    ("TRJ-OUD", "MAAND", date(2026, 2, 1)), ("TRJ-OUD", "MAAND", date(2026, 3, 1)),
                    ("TRJ-OUD", "MAAND", date(2026, 4, 1)), ("TRJ-OUD", "START", date.min)]


def test_a_switch_through_the_api_and_the_page(world, api, login):
    old, z_route = world["old"], world["contracts"]["z_route"]
    body = {"reference": "TRJ-API", "contract_id": z_route.id, "switched_on": "2026-05-15", "pip_date": "2026-05-10"}
    refused = api(world["manager"]).post(f"/api/v1/trajectories/{old.id}/switch",
                                         json={**body, "contract_id": world["contracts"]["knm"].id})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "contract_id"
    made = api(world["manager"]).post(f"/api/v1/trajectories/{old.id}/switch", json=body)
    assert made.status_code == 201 and (made.json["switched_from"], made.json["reference"]) == ("TRJ-OUD", "TRJ-API")
    assert api(world["manager"]).get(f"/api/v1/trajectories/{old.id}").json["switched_to"] == "TRJ-API"
    page = login(world["manager"]).get(f"/trajectories/{old.id}").get_data(as_text=True)
    assert "Geschakeld naar" in page and "reden schakelen (geen uitval)" in page and "Route schakelen" not in page


def test_the_page_switches_a_running_trajectory(world, login):
    client = login(world["manager"])
    old, z_route = world["old"], world["contracts"]["z_route"]
    form = client.get(f"/trajectories/{old.id}").get_data(as_text=True)
    assert "Route schakelen" in form and z_route.reference in form and world["contracts"]["knm"].reference not in form
    response = client.post(f"/trajectories/{old.id}/schakelen", data={
        "schakelen-contract_id": z_route.id, "schakelen-reference": "TRJ-PAGINA",
        "schakelen-switched_on": "2026-05-15", "schakelen-pip_date": "2026-05-10"})
    assert response.status_code == 302
    assert "Geschakeld van" in client.get(response.location).get_data(as_text=True)
    again = client.post(f"/trajectories/{old.id}/schakelen", data={
        "schakelen-contract_id": z_route.id, "schakelen-reference": "TRJ-TWEE",
        "schakelen-switched_on": "2026-05-16", "schakelen-pip_date": "2026-05-10"})
    assert again.status_code == 422


def test_the_end_a_switch_made_cannot_be_retracted(world):
    """The new trajectory runs: voiding the old one's end would let both run (and pay) at once."""
    switch(world)
    old = world["old"]
    db.session.refresh(old)
    [closed] = [e for e in old.events if e.type == "dropout"]
    with pytest.raises(BatchRejected) as refused:
        record_events([{"event_id": "INTREK-1", "trajectory": old.reference, "type": "retraction",
                        "date": TODAY.isoformat(), "retracts": closed.event_id}],
                      sender=closed.sender, source="manual", by=world["manager"], today=TODAY)
    assert refused.value.errors[0]["field"] == "retracts" and "schakeling" in refused.value.errors[0]["message"]
    db.session.refresh(old)
    assert old.status == TrajectoryStatus.SWITCHED
