"""The progress-event rules of progress-events.md, through the service every input uses."""
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import Role
from trajectories.models import ProgressEvent, TrajectoryStatus
from trajectories.services import import_csv, record_events, sender_for

TODAY = date(2026, 11, 23)


@pytest.fixture
def setup(make_trajectory, make_contract, make_provider, make_user):
    provider = make_provider()
    contract = make_contract(provider=provider)
    trajectory = make_trajectory(contract=contract, reference="TRJ-1", referral_date=date(2026, 1, 15))
    user = make_user(Role.PROVIDER, provider=provider)
    return trajectory, user


def send(user, *items, sender=None):
    return record_events(list(items), sender=sender or sender_for(user), source="api", by=user, today=TODAY)


def ev(event_id="E1", type="start", date="2026-02-01", trajectory="TRJ-1", **extra):
    return {"event_id": event_id, "trajectory": trajectory, "type": type, "date": date, **extra}


ATT = dict(type="attendance", month="2026-02", hours_offered="40", hours_attended="30")


@pytest.mark.parametrize("event, field, fragment", [
    # the common fields
    (ev(trajectory="TRJ-404"), "trajectory", "Onbekend traject"),
    (ev(event_id="bad id!"), "event_id", "1 tot 64"),
    (ev(event_id="x" * 65), "event_id", "1 tot 64"),
    ({"trajectory": "TRJ-1", "type": "start", "date": "2026-02-01"}, "event_id", "verplicht"),
    (ev(type="party"), "type", "Onbekende soort 'party'; kies uit: start, attendance"),
    (ev(date="2026-13-01"), "date", "Geen geldige datum"),
    (ev(date="01-02-2026"), "date", "Geen geldige datum"),  # DD-MM-YYYY only in CSV
    (ev(date="2026-11-24"), "date", "toekomst"),
    (ev(date="2026-01-14"), "date", "aanmelddatum"),
    (ev(colour="blue"), "colour", "Onbekend veld"),
    (ev(skill="LE"), "skill", "hoort niet bij start"),
    # codes per type
    (ev(type="progress_test", skill="XX", level="A1"), "skill", "Onbekende code"),
    (ev(type="progress_test", skill="LE", level="C1"), "level", "Onbekende code"),
    (ev(type="exam", component="ZZ", level="A2", result="geslaagd"), "component", "Onbekende code"),
    (ev(type="exam", component="LE", level="A2", result="misschien"), "result", "Onbekende code"),
    (ev(type="exam", component="LE", result="geslaagd"), "level", "verplicht"),
    (ev(type="exam", component="KNM", level="A2", result="geslaagd"), "level", "geen niveau"),
    (ev(type="module_completed", module="ABC"), "module", "Onbekende code"),
    (ev(type="dropout", reason="zin"), "reason", "Onbekende code"),
    (ev(type="outflow", destination="strand"), "destination", "Onbekende code"),
    (ev(type="interruption", reason="x" * 201), "reason", "200 tekens"),
    (ev(type="outflow"), "destination", "verplicht"),
    # afschaling (issue 19): its own event per language onderdeel, to A2, with the PIP version; no dropout reason
    (ev(type="dropout", reason="afschaling"), "reason", "Onbekende code"),
    # a route switch closes a trajectory only through Route schakelen, which starts the new one
    (ev(type="dropout", reason="schakelen"), "reason", "Route schakelen"),
    (ev(type="afschaling", skill="LE"), "pip_version", "verplicht"),
    (ev(type="afschaling", skill="KNM", pip_version="2"), "skill", "Onbekende code"),
    (ev(type="afschaling", skill="LE", level="B1", pip_version="2"), "level", "Onbekende code"),
    (ev(type="afschaling", skill="LE", pip_version="x" * 21), "pip_version", "20 tekens"),
    (ev(type="afschaling", pip_version="2"), "skill", "verplicht"),
    # attendance
    (ev(**{**ATT, "hours_attended": "41"}), "hours_attended", "aangeboden"),
    (ev(**{**ATT, "hours_excused": "40,01"}), "hours_excused", "aangeboden"),
    (ev(**{**ATT, "hours_offered": "12.345"}), "hours_offered", "twee decimalen"),
    (ev(**{**ATT, "hours_offered": "-1"}), "hours_offered", "tussen 0"),
    (ev(**{**ATT, "hours_offered": "veel"}), "hours_offered", "Geen geldig aantal"),
    (ev(**{**ATT, "month": "2026-12"}), "month", "toekomst"),
    (ev(**{**ATT, "month": "feb"}), "month", "Geen geldige maand"),
    # the hours bucket (issue 19): one of DUO's, only on attendance
    (ev(**{**ATT, "bucket": "sport"}), "bucket", "Onbekende code 'sport'; kies uit: taal_knm, participatie, map"),
    (ev(bucket="taal_knm"), "bucket", "hoort niet bij start"),
    # retractions
    (ev(type="retraction", retracts="NOPE"), "retracts", "Onbekende gebeurtenis"),
])
def test_each_rule_refuses_the_event_with_a_dutch_message(setup, event, field, fragment):
    trajectory, user = setup
    with pytest.raises(DomainError) as raised:
        send(user, event)
    assert [(e["index"], e["field"]) for e in raised.value.errors] == [(0, field)]
    assert fragment in raised.value.errors[0]["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)) == 0


@pytest.mark.parametrize("earlier, event, field, fragment", [
    # a second attendance for the same month, unless the first is voided
    ([ev("A1", **ATT)], ev("A2", **ATT), "month", "al aanwezigheid"),
    # ... in the same hours bucket; without one it is taal and KNM
    ([ev("A1", **ATT, bucket="participatie")], ev("A2", **ATT, bucket="participatie"), "month", "in deze urensoort"),
    ([ev("A1", **ATT)], ev("A2", **ATT, bucket="taal_knm"), "month", "al aanwezigheid"),
    # nothing but outflow and retraction after dropout or completed
    ([ev("D", "dropout", "2026-03-01", reason="uitval")], ev("S", "start", "2026-03-02"), "date", "beëindigd"),
    ([ev("C", "completed", "2026-03-01")], ev("T", "progress_test", "2026-04-01", skill="LE", level="A2"),
     "date", "beëindigd"),
    # retraction of a retraction, twice, or of another trajectory's event
    ([ev("S"), ev("R", "retraction", retracts="S")], ev("R2", "retraction", retracts="R"), "retracts", "kan niet"),
    ([ev("S"), ev("R", "retraction", retracts="S")], ev("R2", "retraction", retracts="S"), "retracts", "al ingetrokken"),
    # the same event_id with other content
    ([ev("S")], ev("S", date="2026-02-02"), "event_id", "conflict"),
])
def test_rules_that_look_at_earlier_events(setup, earlier, event, field, fragment):
    trajectory, user = setup
    send(user, *earlier)
    with pytest.raises(DomainError) as raised:
        send(user, event)
    assert [(e["field"], fragment in e["message"]) for e in raised.value.errors] == [(field, True)]


@pytest.mark.parametrize("events", [
    [ev("D", "dropout", "2026-03-01", reason="uitval"), ev("O", "outflow", "2026-04-01", destination="werk")],
    [ev("A1", **ATT), ev("R", "retraction", "2026-03-01", retracts="A1"), ev("A2", **ATT)],
    [ev("X", "exam", component="KNM", result="geslaagd"), ev("M", "module_completed", module="MAP")],
    [ev("A", **{**ATT, "hours_offered": "12,5", "hours_attended": "12.50", "hours_excused": "0"})],
    # one attendance per month and hours bucket (issue 19); a voided one may be sent again
    [ev("A1", **ATT), ev("A2", **ATT, bucket="participatie"), ev("A3", **ATT, bucket="map"),
     ev("R", "retraction", "2026-03-01", retracts="A2"), ev("A4", **ATT, bucket="participatie")],
    # after an afschaling the participant continues in the route
    [ev("L", "afschaling", "2026-02-01", skill="SP", pip_version="2"), ev("T", "progress_test", "2026-03-01",
                                                                          skill="SP", level="A2")],
])
def test_valid_histories_are_accepted(setup, events):
    trajectory, user = setup
    assert len(send(user, *events)) == len(events)


def test_batch_is_atomic_and_reports_every_error(setup):
    trajectory, user = setup
    items = [ev(f"E{i}", **{**ATT, "month": f"20{20 + i // 12:02d}-{i % 12 + 1:02d}"}) for i in range(3)]
    items += [ev("BAD1", type="nope"), ev("BAD2", date="2030-01-01")]
    with pytest.raises(DomainError) as raised:
        send(user, *items)
    assert [(e["index"], e["field"]) for e in raised.value.errors] == [(3, "type"), (4, "date")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)) == 0


def test_same_batch_twice_is_stored_once_and_counted_as_duplicates(setup):
    trajectory, user = setup
    batch = [ev("S"), ev("A", **ATT), ev("R", "retraction", "2026-03-01", retracts="A")]
    assert len(send(user, *batch)) == 3
    assert send(user, *batch) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)) == 3


def test_same_event_id_of_another_sender_is_another_event(setup, make_user):
    trajectory, user = setup
    send(user, ev("S"))
    send(user, ev("S", date="2026-02-03"), sender="duo")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)) == 2


def test_retraction_of_another_senders_event_is_refused(setup):
    trajectory, user = setup
    send(user, ev("S"), sender="duo")
    with pytest.raises(DomainError, match="1 fout") as raised:
        send(user, ev("R", "retraction", retracts="S"))
    assert raised.value.errors[0]["field"] == "retracts"


def test_provider_cannot_report_on_another_providers_trajectory(setup, make_trajectory, make_user, make_provider):
    trajectory, user = setup
    make_trajectory(reference="TRJ-OTHER")
    with pytest.raises(DomainError) as raised:
        send(user, ev("S"), ev("S2", trajectory="TRJ-OTHER"))
    assert [(e["index"], e["field"]) for e in raised.value.errors] == [(1, "trajectory")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)) == 0


def test_status_follows_the_non_voided_events(setup):
    trajectory, user = setup
    send(user, ev("S"), ev("I", "interruption", "2026-03-01", reason="ziek"))
    assert trajectory.status == TrajectoryStatus.INTERRUPTED
    send(user, ev("R", "retraction", "2026-03-02", retracts="I"))
    db.session.expire(trajectory)
    assert trajectory.status == TrajectoryStatus.ACTIVE


def test_stored_values_are_typed(setup):
    trajectory, user = setup
    [event] = send(user, ev("A", **{**ATT, "hours_attended": "30,25"}))
    assert (event.month, event.hours_attended, event.hours_excused) == (date(2026, 2, 1), Decimal("30.25"), 0)
    assert event.sender == f"provider:{user.provider_id}" and event.created_by_id == user.id


def upload(user, text: str):
    return import_csv(io.BytesIO(text.encode()), sender=sender_for(user), source="csv", by=user, today=TODAY)


# A CSV file streams into the database in chunks: the rules must see the earlier rows of the same chunk and of
# the chunks before it alike.
@pytest.mark.parametrize("chunk", [1, 2, 10_000])
def test_csv_retractions_and_repeats_work_within_and_across_chunks(setup, monkeypatch, chunk):
    trajectory, user = setup
    monkeypatch.setattr("trajectories.services.CHUNK", chunk)
    result = upload(user, "event_id,trajectory,type,date,month,hours_offered,hours_attended,retracts\n"
                          "A1,TRJ-1,attendance,2026-02-28,2026-02,40,30,\n"
                          "\n"
                          "S1,TRJ-1,start,2026-02-01,,,,\n"
                          "R1,TRJ-1,retraction,2026-03-01,,,,A1\n"
                          "A2,TRJ-1,attendance,2026-03-02,2026-02,40,20,\n"
                          "S1,TRJ-1,start,2026-02-01,,,,\n")
    assert (result.rows, result.accepted, result.duplicates) == (5, 4, 1)
    ids = dict(db.session.execute(sa.select(ProgressEvent.event_id, ProgressEvent.id)).all())
    retracted = db.session.scalar(sa.select(ProgressEvent.retracts_id).where(ProgressEvent.event_id == "R1"))
    assert retracted == ids["A1"] and len(ids) == 4


@pytest.mark.parametrize("chunk", [1, 10_000])
def test_csv_conflict_with_an_earlier_row_is_reported_on_its_line(setup, monkeypatch, chunk):
    trajectory, user = setup
    monkeypatch.setattr("trajectories.services.CHUNK", chunk)
    with pytest.raises(DomainError) as raised:
        upload(user, "event_id,trajectory,type,date\nS1,TRJ-1,start,2026-02-01\nS2,TRJ-1,start,2026-02-02\n"
                     "S1,TRJ-1,start,2026-02-03\n")
    assert [(e["line"], e["field"]) for e in raised.value.errors] == [(4, "event_id")]


def test_second_attendance_for_a_month_is_refused_whatever_order_the_months_come_in(setup):
    trajectory, user = setup
    months = ["2026-03", "2025-11", "2026-03", "2025-11", "2026-01"]
    with pytest.raises(DomainError) as raised:
        send(user, *[ev(f"A{i}", **{**ATT, "month": month}) for i, month in enumerate(months)])
    assert [(e["index"], e["field"]) for e in raised.value.errors] == [(2, "month"), (3, "month")]


def test_csv_row_with_a_nul_is_an_error_on_its_line(setup):
    trajectory, user = setup
    with pytest.raises(DomainError) as raised:
        upload(user, "event_id,trajectory,type,date\nS\x001,TRJ-1,start,2026-02-01\n")
    assert [(e["line"], e["field"]) for e in raised.value.errors] == [(2, None)]


def test_api_values_with_a_nul_are_refused_per_field(setup):
    trajectory, user = setup
    with pytest.raises(DomainError) as raised:
        send(user, ev("S\x001"), ev("S2", trajectory="TRJ\x00"), ev("R", "retraction", retracts="S\x00"))
    assert [(e["index"], e["field"]) for e in raised.value.errors] == [(0, "event_id"), (1, "trajectory"),
                                                                      (2, "retracts")]


def test_an_afschaling_lowers_one_onderdeel_to_a2_and_the_trajectory_goes_on(setup):
    trajectory, user = setup
    send(user, ev("S"), ev("L", "afschaling", "2026-03-01", skill="SC", pip_version="PIP-2"))
    [event] = [e for e in trajectory.events if e.type == "afschaling"]
    assert (event.skill, event.level, event.pip_version) == ("SC", "A2", "PIP-2")
    assert trajectory.status == TrajectoryStatus.ACTIVE


def test_attendance_without_a_bucket_is_taal_and_knm_and_a_resend_naming_it_is_a_duplicate(setup):
    """Existing feeds keep working: the bucket defaults to the one bucket of before (issue 19)."""
    trajectory, user = setup
    [event] = send(user, ev("A", **ATT))
    assert event.bucket == "taal_knm"
    assert send(user, ev("A", **ATT, bucket="taal_knm")) == []
    with pytest.raises(DomainError) as raised:
        send(user, ev("A", **ATT, bucket="participatie"))
    assert raised.value.errors[0]["field"] == "event_id"


@pytest.mark.parametrize("column", ["urensoort", "Urensoort", "bucket"])
def test_csv_takes_the_bucket_in_dutch_or_english(setup, column):
    trajectory, user = setup
    result = upload(user, f"kenmerk;traject;soort;datum;maand;uren aangeboden;uren aanwezig;{column}\n"
                          "A1;TRJ-1;aanwezigheid;28-02-2026;2026-02;40;30;participatie\n"
                          "A2;TRJ-1;aanwezigheid;28-02-2026;2026-02;40;30;\n")
    assert result.accepted == 2
    assert sorted(db.session.scalars(sa.select(ProgressEvent.bucket))) == ["participatie", "taal_knm"]
