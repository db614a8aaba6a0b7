"""The outbox: MAP/PVT/Z-route reports once each, retries with backoff while DUO is away, failures kept."""
import logging
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import Role
from core.scheduler import run_job
from trajectories.duo import reports, services
from trajectories.duo.models import DuoExchange, DuoOutboxItem, OutboxStatus
from tests.trajectories.duo.conftest import BSN, OWN_OIN

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 23)
STAFF = "user:1"  # municipal staff entered these completions


def items():
    return db.session.scalars(sa.select(DuoOutboxItem).order_by(DuoOutboxItem.id)).all()


def tick(client, now=NOW):
    for item_id in services.due_items(now):
        item = services.claim(item_id, now)
        if item is not None:
            services.deliver(item, client, now=now, today=TODAY)
    db.session.commit()


@pytest.fixture
def completed(participant, make_event):
    def make(*modules, **kw):
        trajectory = participant(**kw)
        events = [make_event(trajectory, "module_completed", date(2026, 4, day), module=module, sender=STAFF)
                  for day, module in enumerate(modules, start=1)]
        db.session.commit()
        return trajectory, events

    return make


def test_each_completed_module_is_reported_to_duo_once(completed, fake_duo, duo_client, make_event, ctx):
    trajectory, _ = completed("MAP", "PVT", "ZROUTE")
    make_event(trajectory, "module_completed", date(2026, 5, 1), module="MAP", sender=STAFF)  # a later second MAP
    assert reports.queue_module_reports(NOW) == 3
    tick(duo_client)
    assert fake_duo.stored == {(BSN, "map"): {"datumEindgesprekMap": "2026-04-01"},
                               (BSN, "pvt"): {"datumOndertekeningPvt": "2026-04-02"},
                               (BSN, "zroute"): {"datumAfrondingZroute": "2026-04-03"}}
    assert {c[2]["bron"] for c in fake_duo.calls} == {OWN_OIN}
    assert reports.queue_module_reports(NOW) == 0
    tick(duo_client)
    assert len(fake_duo.calls) == 3


def test_a_voided_completion_and_a_trajectory_without_bsn_are_not_reported(
        completed, make_event, make_trajectory, ctx):
    _, [event] = completed("MAP")
    make_event(event.trajectory, "retraction", date(2026, 4, 5), sender=event.sender, retracts_id=event.id)
    make_event(make_trajectory(), "module_completed", date(2026, 4, 1), module="PVT")
    assert reports.queue_module_reports(NOW) == 0


def test_calls_go_on_behalf_of_the_trajectorys_own_municipality(completed, fake_duo, duo_client, duo_app, ctx):
    trajectory, _ = completed("MAP")
    duo_app.config["DUO_MUNICIPALITY_OINS"] = f"GM0001=00000001111111110000,{trajectory.municipality.code}=" \
                                              "00000002222222220000"
    reports.queue_module_reports(NOW)
    tick(duo_client)
    assert fake_duo.calls[0][2]["bron"] == "00000002222222220000"


def test_while_duo_is_unreachable_the_item_waits_with_growing_backoff(completed, fake_duo, duo_client, ctx):
    completed("MAP")
    reports.queue_module_reports(NOW)
    fake_duo.down = True
    tick(duo_client)
    [item] = items()
    assert (item.status, item.attempts, item.next_attempt_at) == (OutboxStatus.PENDING, 1, NOW + timedelta(minutes=1))
    tick(duo_client, NOW + timedelta(seconds=30))  # not due yet
    assert item.attempts == 1
    tick(duo_client, NOW + timedelta(minutes=1))
    assert (item.attempts, item.next_attempt_at) == (2, NOW + timedelta(minutes=3))
    fake_duo.down = False
    fake_duo.fail_with = [(503, None)]  # DUO's planned maintenance
    tick(duo_client, NOW + timedelta(minutes=3))
    assert (item.status, item.attempts) == (OutboxStatus.PENDING, 3)
    tick(duo_client, NOW + timedelta(hours=1))
    assert (item.status, item.last_error) == (OutboxStatus.DONE, "") and fake_duo.stored
    log = db.session.scalars(sa.select(DuoExchange).order_by(DuoExchange.id)).all()
    assert [(x.status_code, x.is_success) for x in log] == [(None, False), (None, False), (503, False), (200, True)]
    assert {x.path for x in log} == {"/personen/*****2333/map"}


def test_a_refusal_by_duo_fails_at_once_with_its_fouttekst_and_can_be_retried(completed, fake_duo, duo_client, ctx):
    trajectory, _ = completed("PVT")
    reports.queue_module_reports(NOW)
    fake_duo.fail_with = [(403, [{"fouttekst": f"Geen actuele PIP voor {BSN}"}])]
    tick(duo_client)
    [item] = items()
    assert item.status == OutboxStatus.FAILED and item.last_error == "Geen actuele PIP voor [BSN]"
    services.retry(item, by=None, now=NOW)
    tick(duo_client)
    assert item.status == OutboxStatus.DONE


def test_after_the_last_attempt_the_item_is_failed(completed, fake_duo, duo_client, duo_app, ctx):
    duo_app.config["DUO_MAX_ATTEMPTS"] = 2
    completed("ZROUTE")
    reports.queue_module_reports(NOW)
    fake_duo.down = True
    tick(duo_client)
    tick(duo_client, NOW + timedelta(hours=1))
    [item] = items()
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 2)


def test_an_item_is_claimed_by_one_process_only_and_a_stale_claim_is_taken_over(completed, ctx):
    completed("MAP")
    reports.queue_module_reports(NOW)
    [item_id] = services.due_items(NOW)
    assert services.claim(item_id, NOW) is not None
    assert services.claim(item_id, NOW) is None
    assert services.claim(item_id, NOW + services.CLAIM_FOR + timedelta(seconds=1)).attempts == 2


def test_the_job_runs_on_every_tick(completed, fake_duo, duo_app, ctx):
    completed("MAP")
    assert run_job(duo_app, "duo_outbox", TODAY) == "done"
    completed("PVT", bsn="123456782")
    assert run_job(duo_app, "duo_outbox", TODAY) == "done"  # same day, runs again
    assert len(fake_duo.stored) == 2


def test_the_job_does_nothing_without_a_configured_duo(app, completed, ctx):
    completed("MAP")
    assert run_job(app, "duo_outbox", TODAY) == "done"
    assert items() == []


def test_no_bsn_reaches_the_log_at_any_level(completed, fake_duo, duo_client, caplog, monkeypatch, ctx):
    # alembic's fileConfig (the migration tests) disables loggers that existed before it ran
    monkeypatch.setattr(logging.getLogger("trajectories.duo.client"), "disabled", False)
    completed("MAP")
    reports.queue_module_reports(NOW)
    fake_duo.down = True
    with caplog.at_level(logging.DEBUG):
        tick(duo_client)
        fake_duo.down = False
        tick(duo_client, NOW + timedelta(hours=1))
    assert "DUO PUT /personen/*****2333/map -> 200" in caplog.text and BSN not in caplog.text


def test_the_exchange_page_is_scoped_and_masks_the_bsn(completed, fake_duo, duo_client, make_user, login, ctx):
    trajectory, _ = completed("MAP")
    reports.queue_module_reports(NOW)
    fake_duo.fail_with = [(403, [{"fouttekst": "Niet toegestaan"}])]
    tick(duo_client)
    [item] = items()
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[trajectory.municipality])
    browser = login(manager)
    for path in ("/duo/", "/duo/uitwisselingen", "/duo/uitwisselingen?mislukt=1"):
        page = browser.get(path).get_data(as_text=True)
        assert BSN not in page
    assert "/personen/*****2333/map" in browser.get("/duo/uitwisselingen").get_data(as_text=True)
    assert "Niet toegestaan" in browser.get("/duo/").get_data(as_text=True)
    response = browser.post(f"/duo/wachtrij/{item.id}/opnieuw")
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status == OutboxStatus.PENDING


@pytest.mark.parametrize("role, in_scope, status", [
    (Role.CONTRACTMANAGER, False, 404),  # outside the scope: as if it did not exist
    (Role.FINANCE, True, 403),
    (Role.ADMIN, False, 404),  # a region's admin: its own region only
    (Role.NATIONAL_ADMIN, False, 302),
])
def test_retrying_is_for_contract_managers_in_scope(completed, make_user, make_municipality, login, fake_duo,
                                                    duo_client, role, in_scope, status, ctx):
    trajectory, _ = completed("MAP")
    reports.queue_module_reports(NOW)
    fake_duo.fail_with = [(404, None)]
    tick(duo_client)
    [item] = items()
    user = make_user(role, municipalities=[trajectory.municipality if in_scope else make_municipality()])
    assert login(user).post(f"/duo/wachtrij/{item.id}/opnieuw").status_code == status
    assert login(user).get("/duo/uitwisselingen").status_code == (403 if role == Role.FINANCE else 200)
    if role == Role.CONTRACTMANAGER:
        assert "*****2333" not in login(user).get("/duo/uitwisselingen").get_data(as_text=True)


def test_the_contract_manager_marks_a_transfer_as_handled(notify, participant, make_user, login, ctx):
    trajectory = participant()
    notify("SS120")
    browser = login(make_user(Role.CONTRACTMANAGER, municipalities=[trajectory.municipality]))
    assert browser.post(f"/duo/verhuizingen/{trajectory.id}/afgehandeld").status_code == 302
    assert "Verhuisd volgens DUO" not in browser.get("/").get_data(as_text=True)
    assert browser.post(f"/duo/verhuizingen/{trajectory.id}/afgehandeld").status_code == 404


@pytest.mark.parametrize("steps, expected", [
    # only what municipal staff entered or confirmed is the municipality's registration at DUO
    ([("provider", "MAP", 1)], []),
    ([("staff", "MAP", 1)], [("map", {"datumEindgesprekMap": "2026-04-01"}, "wachtend")]),
    # a reported completion retracted: DUO withdraws a MAP or PVT date by a PUT without it
    ([("staff", "MAP", 1), ("retract", "MAP", 1)],
     [("map", {"datumEindgesprekMap": "2026-04-01"}, "wachtend"), ("map", {}, "wachtend")]),
    ([("staff", "PVT", 2), ("retract", "PVT", 2)],
     [("pvt", {"datumOndertekeningPvt": "2026-04-02"}, "wachtend"), ("pvt", {}, "wachtend")]),
    # ... and offers no withdrawal of a Z-route: a person has DUO correct it
    ([("staff", "ZROUTE", 3), ("retract", "ZROUTE", 3)],
     [("zroute", {"datumAfrondingZroute": "2026-04-03"}, "wachtend"), ("zroute", {}, "handmatig")]),
    # retracted, then entered again on another day: withdrawn, then the new date
    ([("staff", "MAP", 1), ("retract", "MAP", 1), ("staff", "MAP", 10)],
     [("map", {"datumEindgesprekMap": "2026-04-01"}, "wachtend"), ("map", {}, "wachtend"),
      ("map", {"datumEindgesprekMap": "2026-04-10"}, "wachtend")]),
    # a second staff entry on an earlier day before a retraction: the earliest non-voided date moves
    ([("staff", "PVT", 5), ("staff", "PVT", 2)],
     [("pvt", {"datumOndertekeningPvt": "2026-04-05"}, "wachtend"),
      ("pvt", {"datumOndertekeningPvt": "2026-04-02"}, "wachtend")]),
    # a provider's retraction of its own report changes nothing at DUO
    ([("staff", "MAP", 1), ("provider", "MAP", 5), ("retract-provider", "MAP", 5)],
     [("map", {"datumEindgesprekMap": "2026-04-01"}, "wachtend")]),
])
def test_what_duo_is_told_of_completions_and_their_retractions(participant, make_event, ctx, steps, expected):
    trajectory, made = participant(), {}
    for who, module, day in steps:
        if who.startswith("retract"):
            event = made[module, day]
            make_event(trajectory, "retraction", date(2026, 4, 20), sender=event.sender, retracts_id=event.id)
        else:
            made[module, day] = make_event(trajectory, "module_completed", date(2026, 4, day), module=module,
                                           sender=STAFF if who == "staff" else "provider:test")
        reports.queue_module_reports(NOW)  # the job runs between the steps
    assert [(i.kind.value, i.payload, i.status.value) for i in items()] == expected
    assert reports.queue_module_reports(NOW) == 0  # and then nothing more


def test_a_correction_duo_must_make_is_listed_and_resolved(participant, make_event, login, make_user, ctx):
    trajectory = participant()
    event = make_event(trajectory, "module_completed", date(2026, 4, 3), module="ZROUTE", sender=STAFF)
    reports.queue_module_reports(NOW)
    make_event(trajectory, "retraction", date(2026, 4, 20), sender=STAFF, retracts_id=event.id)
    reports.queue_module_reports(NOW)
    db.session.commit()
    browser = login(make_user(Role.CONTRACTMANAGER, municipalities=[trajectory.municipality]))
    page = browser.get("/duo/").get_data(as_text=True)
    assert "correctie bij DUO nodig" in page and str(trajectory) in page
    manual = items()[-1]
    assert browser.post(f"/duo/wachtrij/{manual.id}/gecorrigeerd").status_code == 302
    db.session.refresh(manual)
    assert manual.status == OutboxStatus.DONE and reports.queue_module_reports(NOW) == 0
