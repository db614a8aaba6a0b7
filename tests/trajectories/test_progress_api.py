"""The progress API: trajectories, events (atomic, idempotent, dry run) and CSV imports."""
import io
import logging
from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import Role
from trajectories.models import ProgressEvent, Trajectory

BSN = "111222333"


@pytest.fixture
def world(make_provider, make_contract, make_trajectory, make_municipality, make_user):
    provider, other = make_provider(), make_provider()
    town = make_municipality()
    contract = make_contract(provider=provider, municipalities=[town])
    other_contract = make_contract(provider=other, municipalities=[make_municipality()])
    mine = make_trajectory(contract=contract, reference="TRJ-MINE", referral_date=date(2026, 1, 10))
    theirs = make_trajectory(contract=other_contract, reference="TRJ-THEIRS", referral_date=date(2026, 1, 10))
    db.session.commit()
    return {"contract": contract, "town": town, "mine": mine, "theirs": theirs,
            "provider": make_user(Role.PROVIDER, provider=provider),
            "other_provider": make_user(Role.PROVIDER, provider=other),
            "manager": make_user(Role.CONTRACTMANAGER, municipalities=[town])}


def count_events() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent))


def start(event_id="S1", trajectory="TRJ-MINE", day="2026-02-01"):
    return {"event_id": event_id, "trajectory": trajectory, "type": "start", "date": day}


def test_create_trajectory_masks_the_bsn_and_checks_the_municipality(world, api, caplog):
    client = api(world["manager"])
    body = {"reference": "TRJ-NEW", "contract_id": world["contract"].id, "municipality": world["town"].code,
            "referral_date": "2026-03-01", "participant": {"bsn": BSN, "name": "Amina"}}
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/v1/trajectories", json=body)
    assert response.status_code == 201, response.json
    assert response.json["participant"]["bsn"] == "*****2333"
    stored = db.session.scalar(sa.select(Trajectory).where(Trajectory.reference == "TRJ-NEW"))
    assert BSN not in stored.bsn_encrypted and stored.bsn_hash
    assert BSN not in caplog.text
    wrong = client.post("/api/v1/trajectories", json={**body, "reference": "TRJ-X", "municipality": "GM0001"})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "municipality"


@pytest.mark.parametrize("bsn", ["123456789", "12345678A", "000000000"])
def test_create_trajectory_refuses_a_bsn_failing_the_elfproef(world, api, bsn):
    response = api(world["manager"]).post("/api/v1/trajectories", json={
        "reference": "TRJ-NEW", "contract_id": world["contract"].id, "municipality": world["town"].code,
        "referral_date": "2026-03-01", "participant": {"bsn": bsn}})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "participant.bsn"
    assert bsn not in response.get_data(as_text=True)


def test_events_are_stored_once_when_sent_twice(world, api):
    client = api(world["provider"])
    batch = {"events": [start(), {"event_id": "A1", "trajectory": "TRJ-MINE", "type": "attendance",
                                  "date": "2026-02-28", "month": "2026-02", "hours_offered": 40,
                                  "hours_attended": 32.5}]}
    first = client.post("/api/v1/progress-events", json=batch)
    assert (first.status_code, first.json) == (201, {"accepted": 2, "duplicates": 0})
    again = client.post("/api/v1/progress-events", json=batch)
    assert (again.status_code, again.json) == (201, {"accepted": 0, "duplicates": 2})
    assert count_events() == 2


def test_dry_run_reports_and_stores_nothing(world, api):
    response = api(world["provider"]).post("/api/v1/progress-events", json={"events": [start()], "dry_run": True})
    assert (response.status_code, response.json) == (200, {"accepted": 1, "duplicates": 0})
    assert count_events() == 0


def test_one_bad_item_refuses_the_batch_with_its_index(world, api):
    response = api(world["provider"]).post("/api/v1/progress-events", json={
        "events": [start(), start("S2", day="2099-01-01"), start("S3", trajectory="TRJ-THEIRS")]})
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert [(e["index"], e["field"]) for e in response.json["errors"]] == [(1, "date"), (2, "trajectory")]
    assert count_events() == 0


def test_provider_sees_only_its_own_trajectories(world, api):
    client = api(world["other_provider"])
    assert client.get(f"/api/v1/trajectories/{world['mine'].id}").status_code == 404
    assert [t["reference"] for t in client.get("/api/v1/trajectories").json["items"]] == ["TRJ-THEIRS"]
    mine = api(world["provider"]).get(f"/api/v1/trajectories/{world['mine'].id}").json
    assert mine["participant"] == {"pseudonym": world["mine"].participant_pseudonym}


@pytest.mark.parametrize("role, status", [(Role.FINANCE, 403), (Role.INKOPER, 403)])
def test_only_providers_and_contract_managers_send_events(world, api, make_user, role, status):
    user = make_user(role, municipalities=[world["town"]])
    assert api(user).post("/api/v1/progress-events", json={"events": [start()]}).status_code == status


def upload(client, content: bytes, dry_run=False):
    data = {"file": (io.BytesIO(content), "voortgang.csv")}
    if dry_run:
        data["dry_run"] = "true"
    return client.post("/api/v1/progress-imports", data=data, content_type="multipart/form-data")


def test_csv_import_with_bom_semicolons_and_dutch_numbers(world, api):
    content = ("\ufeffevent_id;trajectory;type;date;month;hours_offered;hours_attended\r\n"
               "S1;TRJ-MINE;start;01-02-2026;;;\r\n"
               "A1;TRJ-MINE;attendance;2026-02-28;2026-02;40;12,5\r\n").encode()
    client = api(world["provider"])
    assert (upload(client, content, dry_run=True).json, count_events()) == (
        {"rows": 2, "accepted": 2, "duplicates": 0}, 0)
    response = upload(client, content)
    assert (response.status_code, response.json) == (201, {"rows": 2, "accepted": 2, "duplicates": 0})
    assert upload(client, content).json == {"rows": 2, "accepted": 0, "duplicates": 2}
    assert count_events() == 2


@pytest.mark.parametrize("content, fragment", [
    ("event_id,trajectory,type,date,colour\n".encode(), "Onbekende kolommen: colour"),
    ("event_id,trajectory,type\n".encode(), "Verplichte kolommen ontbreken: date"),
    ("event_id,trajectory,type,date\nS1,TRJ-MINE,start,01-02-2026,café\n".encode("latin-1").replace(b"caf\xe9", b"\xe9"),
     "UTF-8"),
    (b"", "leeg"),
    (b'event_id,trajectory,type,date\nS1,TRJ-MINE,start,"2026-02-01\n', "geen geldige CSV"),
    (("event_id,trajectory,type,date\nS1,TRJ-MINE,start," + "x" * 200_000 + "\n").encode(), "geen geldige CSV"),
])
def test_unreadable_files_answer_422_with_the_reason(world, api, content, fragment):
    response = upload(api(world["provider"]), content)
    assert response.status_code == 422 and fragment in response.json["detail"]
    assert count_events() == 0


def test_csv_row_errors_are_reported_per_line(world, api):
    content = (b"event_id,trajectory,type,date\nS1,TRJ-MINE,start,2026-02-01\n"
               b"S2,TRJ-THEIRS,start,2026-02-01\nS3,TRJ-MINE,start,2026-02-01,extra\nS4,TRJ-MINE,st\x00art,2026-02-01\n")
    response = upload(api(world["provider"]), content)
    assert response.status_code == 422
    assert [(e["line"], e["field"]) for e in response.json["errors"]] == [(3, "trajectory"), (4, None), (5, None)]
    assert count_events() == 0


def test_one_bad_row_in_ten_thousand_stores_nothing(world, api):
    lines = ["event_id,trajectory,type,date,month,hours_offered,hours_attended"]
    lines += [f"A{i},TRJ-MINE,attendance,2026-02-28,{2025 - i // 12}-{i % 12 + 1:02d},40,30" for i in range(9_999)]
    lines.append("BAD,TRJ-MINE,attendance,2026-02-28,2026-02,40,41")
    response = upload(api(world["provider"]), "\n".join(lines).encode())
    assert response.status_code == 422
    assert [(e["line"], e["field"]) for e in response.json["errors"]] == [(10_001, "hours_attended")]
    assert count_events() == 0


def test_file_over_the_limit_answers_413(world, api, monkeypatch):
    monkeypatch.setattr("trajectories.imports.MAX_BYTES", 100)
    response = upload(api(world["provider"]), b"event_id,trajectory,type,date\n" + b"S1,TRJ-MINE,start,2026-02-01\n" * 5)
    assert response.status_code == 413


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"])
def test_too_many_rows_answer_413_before_any_row_is_parsed(world, api, monkeypatch, line_end):
    monkeypatch.setattr("trajectories.csvfile.MAX_ROWS", 3)
    monkeypatch.setattr("trajectories.services.read_events", lambda stream: pytest.fail("a row was parsed"))
    rows = [b"event_id,trajectory,type,date", *[b"S1,TRJ-MINE,start,2026-02-01"] * 4]
    response = upload(api(world["provider"]), line_end.join(rows))  # no line end after the last row
    assert response.status_code == 413 and "meer dan 3 regels" in response.json["detail"] and count_events() == 0


def test_as_many_rows_as_allowed_are_imported_also_when_a_field_spans_lines(world, api, monkeypatch):
    monkeypatch.setattr("trajectories.csvfile.MAX_ROWS", 2)
    content = b'event_id,trajectory,type,date,reason\nS1,TRJ-MINE,start,2026-02-01,\n' \
              b'S2,TRJ-MINE,interruption,2026-02-03,"ziek,\ntwee weken"\n'
    response = upload(api(world["provider"]), content)
    assert response.status_code == 201, response.json
    assert count_events() == 2


def test_a_large_file_answers_202_and_its_location_gives_the_result(world, api, app):
    app.config["SYNC_IMPORT_MAX_ROWS"] = 1
    client = api(world["provider"])
    content = b"event_id,trajectory,type,date,reason\nS1,TRJ-MINE,start,2026-02-01,\nS2,TRJ-MINE,interruption,2026-02-03,ziek\n"
    accepted = upload(client, content)
    assert accepted.status_code == 202 and accepted.headers["Retry-After"]
    status = client.get(accepted.headers["Location"])  # a worker imported it (eagerly, under TESTING)
    assert status.status_code == 200 and "Retry-After" not in status.headers
    assert {key: status.json[key] for key in ("status", "dry_run", "rows", "accepted", "duplicates", "processed")} == {
        "status": "done", "dry_run": False, "rows": 2, "accepted": 2, "duplicates": 0, "processed": 2}
    assert count_events() == 2
    again = client.get(upload(client, content, dry_run=True).headers["Location"]).json
    assert (again["status"], again["dry_run"], again["accepted"], again["duplicates"]) == ("ready", True, 0, 2)
    refused = client.get(upload(client, content.replace(b"2026-02-03", b"2026-02-30")).headers["Location"]).json
    assert (refused["status"], refused["error_count"], refused["errors"][0]["line"]) == ("invalid", 1, 3)
    assert api(world["other_provider"]).get(accepted.headers["Location"]).status_code == 404
