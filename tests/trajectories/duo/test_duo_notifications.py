"""POST /v1/notificaties: authentication, DUO's headers, idempotency per berichtId, and what each event does."""
from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.scheduler import run_job
from trajectories.duo.models import DuoExchange, DuoNotification, DuoOutboxItem, DuoTrajectoryState, NotificationStatus
from trajectories.models import ProgressEvent, TrajectoryStatus
from tests.trajectories.duo.conftest import BSN, DUO_OIN, OTHER_OIN, OWN_OIN

MESSAGE = "0b6f9c52-3f0e-4c7a-9f61-2d3e4a5b6c7d"


def notifications():
    return db.session.scalars(sa.select(DuoNotification)).all()


def test_notification_is_stored_and_answered_201_with_the_api_version(notify, ctx):
    response = notify("SS101", message_id=MESSAGE)
    assert response.status_code == 201 and response.headers["API-Version"] == "1.8.0"
    [stored] = notifications()
    assert (stored.event_code, stored.sender_oin, stored.status) == ("SS101", DUO_OIN, NotificationStatus.STORED)
    assert stored.bsn_encrypted and BSN not in stored.bsn_encrypted and stored.masked_bsn == "*****2333"


def test_a_resent_berichtid_is_answered_again_but_stored_and_acted_on_once(notify, participant, fake_duo, ctx):
    participant()
    assert notify("SS199", message_id=MESSAGE).status_code == 201
    assert notify("SS199", message_id=MESSAGE).status_code == 201
    assert len(notifications()) == 1 and db.session.scalar(sa.select(sa.func.count(DuoOutboxItem.id))) == 1


def test_the_same_berichtid_with_another_body_is_refused(notify, ctx):
    notify("SS101", message_id=MESSAGE)
    assert notify("SS102", message_id=MESSAGE).status_code == 400
    assert [n.event_code for n in notifications()] == ["SS101"]


@pytest.mark.parametrize("headers, status", [
    # authentication: the proxy's certificate OIN or the token
    ({"Authorization": None}, 401),
    ({"Authorization": "Bearer wrong"}, 401),
    ({"Authorization": None, "X-Client-Cert-OIN": DUO_OIN}, 201),
    ({"Authorization": None, "X-Client-Cert-OIN": OTHER_OIN}, 403),  # a certificate that is not DUO's
    # DUO's headers: bron must be DUO, doel one of our OINs
    ({"bron": OTHER_OIN}, 403),
    ({"doel": OTHER_OIN}, 403),
    ({"berichtId": "not-a-uuid"}, 400),
    ({"berichtId": None}, 400),
    ({"bron": "123"}, 400),
])
def test_only_duo_writing_to_us_gets_in(notify, headers, status, ctx):
    assert notify("SS101", headers=headers, check=False).status_code == status
    assert len(notifications()) == (1 if status == 201 else 0)


@pytest.mark.parametrize("body", [
    {"gebeurtenisId": "SS101"},  # registratieDatumTijd missing
    {"registratieDatumTijd": "gisteren", "gebeurtenisId": "SS101"},
    {"registratieDatumTijd": "2026-11-20T10:15:00Z", "gebeurtenisId": "ss101"},
    {"registratieDatumTijd": "2026-11-20T10:15:00Z", "gebeurtenisId": "SS101", "bsn": "12345"},
    [],
])
def test_a_body_outside_the_specification_is_answered_400(notify, body, ctx):
    assert notify(body=body, check=False).status_code == 400
    assert notifications() == []


def test_fields_duo_adds_later_are_ignored(notify, ctx):
    body = {"registratieDatumTijd": "2026-11-20T10:15:00Z", "gebeurtenisId": "SS101", "nieuwVeld": 1}
    assert notify(body=body, check=False).status_code == 201


def test_sending_without_the_app_config_refuses_everything(client, ctx):
    response = client.post("/v1/notificaties", json={"gebeurtenisId": "SS101"},
                           headers={"bron": DUO_OIN, "doel": OWN_OIN, "berichtId": MESSAGE})
    assert response.status_code == 401 and response.headers["API-Version"]


def test_exam_result_known_fetches_results_and_records_exam_events(notify, participant, fake_duo, duo_app, ctx):
    trajectory = participant()
    fake_duo.exam_results[BSN] = [
        {"examendatum": "2026-05-04", "resultaat": "Geslaagd", "onderdeel": "LE", "niveau": "B1"},
        {"examendatum": "2026-05-04", "resultaat": "Gezakt", "onderdeel": "KNM"},
        {"examendatum": "2025-12-01", "resultaat": "Gezakt", "onderdeel": "LU", "niveau": "A2"},  # before referral
    ]
    notify("SS199")
    assert run_job(duo_app, "duo_outbox", date(2026, 11, 23)) == "done"
    events = db.session.scalars(sa.select(ProgressEvent).order_by(ProgressEvent.component)).all()
    assert [(e.type, e.component, e.level, e.result, e.sender, e.source) for e in events] == [
        ("exam", "KNM", None, "gezakt", "duo", "duo"), ("exam", "LE", "B1", "geslaagd", "duo", "duo")]
    assert all(e.trajectory_id == trajectory.id for e in events)
    [n] = notifications()
    assert n.status == NotificationStatus.PROCESSED and "2 examenresultaat" in n.outcome
    # a second SS199 fetches again; the results already recorded are duplicates, not errors
    fake_duo.exam_results[BSN].append({"examendatum": "2026-06-01", "resultaat": "Geslaagd", "onderdeel": "SP",
                                       "niveau": "B1"})
    notify("SS199")
    assert run_job(duo_app, "duo_outbox", date(2026, 11, 23)) == "done"
    assert db.session.scalar(sa.select(sa.func.count(ProgressEvent.id))) == 3
    assert [c[0] for c in fake_duo.calls] == ["GET", "GET"]


def test_diploma_marks_the_obligation_fulfilled(notify, participant, ctx):
    trajectory = participant()
    notify("SS106")
    assert db.session.get(DuoTrajectoryState, trajectory.id).obligation_fulfilled_on == date(2026, 11, 20)


@pytest.mark.parametrize("code", ["SS103", "SS104"])
def test_term_extended_fetches_the_new_term(notify, participant, fake_duo, duo_app, code, ctx):
    trajectory = participant()
    fake_duo.terms[BSN] = {"startdatum": "2025-06-01", "einddatum": "2028-12-01", "wijzigingsdatum": "2026-11-19",
                           "verlengingsgrondcode": "3", "verlengingsgrondomschrijving": "Ziekte"}
    notify(code)
    run_job(duo_app, "duo_outbox", date(2026, 11, 23))
    state = db.session.get(DuoTrajectoryState, trajectory.id)
    assert (state.term_starts_on, state.term_ends_on, state.term_extension_reason) == (
        date(2025, 6, 1), date(2028, 11, 30), "Ziekte")
    # the trajectory keeps the legal end (three years) and the extension's (issue 19)
    assert (trajectory.term_ends_on, trajectory.term_extended_until) == (date(2028, 5, 31), date(2028, 11, 30))


def test_a_started_term_is_fetched_onto_the_trajectory(notify, participant, fake_duo, duo_app, ctx):
    trajectory = participant()
    fake_duo.terms[BSN] = {"startdatum": "2025-06-01", "einddatum": "2028-06-01"}
    notify("SS102")
    run_job(duo_app, "duo_outbox", date(2026, 11, 23))
    assert (trajectory.term_ends_on, trajectory.term_extended_until) == (date(2028, 5, 31), None)


def test_duos_kennisgeving_dates_the_ten_weeks_for_the_pip_unless_staff_entered_it(notify, participant, ctx):
    trajectory = participant()
    notify("SS139")
    assert trajectory.kennisgeving_on == date(2026, 11, 20)
    trajectory.kennisgeving_on = date(2026, 9, 1)
    notify("SS139", message_id=MESSAGE)
    assert trajectory.kennisgeving_on == date(2026, 9, 1)
    assert notifications()[-1].outcome == "Datum kennisgeving stond al vast; ongewijzigd."


@pytest.mark.parametrize("code", ["SS120", "SS121"])
def test_settling_elsewhere_flags_the_trajectory_for_the_contract_manager(
        notify, participant, make_user, login, code, ctx):
    from core.models import Role

    trajectory = participant()
    notify(code)
    state = db.session.get(DuoTrajectoryState, trajectory.id)
    assert state.transfer_event == code and state.transfer_flagged_on is not None
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[trajectory.municipality])
    page = login(manager).get("/").get_data(as_text=True)
    assert "Verhuisd volgens DUO" in page and trajectory.reference in page


@pytest.mark.parametrize("code", ["SS110", "SS111"])
def test_obligation_withdrawn_or_death_ends_the_trajectory(notify, participant, code, ctx):
    trajectory = participant()
    notify(code)
    db.session.expire_all()
    assert trajectory.status == TrajectoryStatus.DROPPED_OUT
    assert db.session.get(DuoTrajectoryState, trajectory.id).ended_by_event == code
    # the ended trajectory is no longer the participant's current one
    notify("SS106")
    assert notifications()[-1].status == NotificationStatus.UNMATCHED


def test_an_event_without_a_trajectory_is_stored_as_unmatched(notify, ctx):
    notify("SS199", bsn="123456782")
    [n] = notifications()
    assert n.status == NotificationStatus.UNMATCHED and n.trajectory_id is None


def test_inbound_messages_are_logged_without_the_bsn(notify, participant, ctx):
    participant()
    notify("SS106", message_id=MESSAGE)
    [exchange] = db.session.scalars(sa.select(DuoExchange)).all()
    assert (exchange.direction, exchange.path, exchange.status_code, exchange.message_id) == (
        "in", "/notificaties", 201, MESSAGE)
