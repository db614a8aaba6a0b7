"""The HTML pages: trajectory list and timeline, referral form, manual entry and the CSV upload flow."""
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import Role
from trajectories import imports
from trajectories.models import ImportStatus, ProgressEvent, ProgressImport, Trajectory


@pytest.fixture
def world(make_provider, make_contract, make_trajectory, make_municipality, make_user, make_event):
    provider = make_provider()
    town = make_municipality()
    contract = make_contract(provider=provider, municipalities=[town])
    trajectory = make_trajectory(contract=contract, reference="TRJ-VIEW", referral_date=date(2026, 1, 10))
    started = make_event(trajectory, "start", date(2026, 2, 1), event_id="S1", sender=f"provider:{provider.id}")
    make_event(trajectory, "retraction", date(2026, 2, 2), event_id="R1", retracts_id=started.id,
               sender=f"provider:{provider.id}", source="csv")
    db.session.commit()
    return {"contract": contract, "town": town, "trajectory": trajectory,
            "provider": make_user(Role.PROVIDER, provider=provider),
            "stranger": make_user(Role.PROVIDER, provider=make_provider()),
            "manager": make_user(Role.CONTRACTMANAGER, municipalities=[town])}


def test_timeline_strikes_through_voided_events_and_names_the_sender(world, login):
    page = login(world["manager"]).get(f"/trajectories/{world['trajectory'].id}").get_data(as_text=True)
    name = world["contract"].provider.name
    assert "<del><strong>" in page and "ingetrokken" in page
    assert f"S1 &middot; via de API, afzender {name}" in page and f"R1 &middot; via een CSV-bestand, afzender {name}" in page
    assert "provider:" not in page


@pytest.mark.parametrize("sender, source, shown", [
    # the sender by name, the source as words
    ("provider:{provider}", "api", "via de API, afzender {name}"),
    ("user:{manager}", "manual", "door een medewerker, afzender {manager_label}"),
    ("duo", "duo", "door DUO, afzender DUO"),
    ("provider:999999", "csv", "via een CSV-bestand, afzender onbekende afzender"),
    ("user:demo", "rooksein", "onbekende bron, afzender onbekende afzender"),
])
def test_every_sender_and_source_reads_in_dutch(world, login, make_event, sender, source, shown):
    manager, provider = world["manager"], world["contract"].provider
    make_event(world["trajectory"], "start", date(2026, 3, 1), event_id="X1", source=source,
               sender=sender.format(provider=provider.id, manager=manager.id))
    db.session.commit()
    page = login(manager).get(f"/trajectories/{world['trajectory'].id}").get_data(as_text=True)
    assert "X1 &middot; " + shown.format(name=provider.name, manager_label=manager.label) in page


def test_other_provider_gets_404(world, login):
    client = login(world["stranger"])
    assert client.get(f"/trajectories/{world['trajectory'].id}").status_code == 404
    assert "TRJ-VIEW" not in client.get("/trajectories").get_data(as_text=True)


def test_referral_form_stores_the_bsn_encrypted_and_shows_it_masked(world, login):
    client = login(world["manager"])
    response = client.post("/trajectories/new", data={
        "reference": "TRJ-FORM", "contract_id": world["contract"].id, "municipality": world["town"].code,
        "referral_date": "2026-03-01", "name": "Amina", "bsn": "111222333"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "*****2333" in page and "111222333" not in page
    assert db.session.scalar(sa.select(Trajectory.bsn_encrypted).where(Trajectory.reference == "TRJ-FORM"))


def test_referral_form_shows_the_elfproef_error_on_the_field(world, login):
    response = login(world["manager"]).post("/trajectories/new", data={
        "reference": "TRJ-FORM", "contract_id": world["contract"].id, "municipality": world["town"].code,
        "referral_date": "2026-03-01", "bsn": "123456789"})
    assert response.status_code == 422 and "elfproef" in response.get_data(as_text=True)


def test_staff_enter_one_event_by_hand(world, login):
    client = login(world["manager"])
    url = f"/trajectories/{world['trajectory'].id}/events"
    bad = client.post(url, data={"type": "attendance", "date": "2026-03-31", "month": "2026-03",
                                 "hours_offered": "10", "hours_attended": "12"})
    assert bad.status_code == 422 and "aangeboden uren" in bad.get_data(as_text=True)
    good = client.post(url, data={"type": "start", "date": "2026-02-03"})
    assert good.status_code == 302
    event = db.session.scalar(sa.select(ProgressEvent).where(ProgressEvent.source == "manual"))
    assert event.sender == f"user:{world['manager'].id}" and event.event_id.startswith("M-")
    hours = client.post(url, data={"type": "attendance", "date": "2026-03-31", "month": "2026-03",
                                   "hours_offered": "12,5", "hours_attended": "10,25"})
    assert hours.status_code == 302
    attendance = db.session.scalar(sa.select(ProgressEvent).where(ProgressEvent.type == "attendance"))
    assert (attendance.hours_offered, attendance.hours_attended) == (Decimal("12.50"), Decimal("10.25"))


def test_staff_record_an_afschaling_and_the_page_shows_the_lowered_onderdeel(world, login, api):
    client = login(world["manager"])
    trajectory_id = world["trajectory"].id
    assert client.post(f"/trajectories/{trajectory_id}/events", data={
        "type": "afschaling", "date": "2026-03-02", "skill": "SP", "pip_version": "2"}).status_code == 302
    page = client.get(f"/trajectories/{trajectory_id}").get_data(as_text=True)
    assert "Spreken naar A2 vanaf 02-03-2026 (PIP-versie 2); de deelnemer blijft in de route" in page
    [event] = [e for e in api(world["manager"]).get(f"/api/v1/trajectories/{trajectory_id}").json["events"]
               if e["type"] == "afschaling"]
    assert (event["skill"], event["level"], event["pip_version"]) == ("SP", "A2", "2")


def test_staff_enter_hours_in_a_bucket_and_the_timeline_and_api_name_it(world, login, api):
    client = login(world["manager"])
    trajectory_id = world["trajectory"].id
    for bucket in ("", "participatie"):  # the same month, once in each bucket (issue 19)
        assert client.post(f"/trajectories/{trajectory_id}/events", data={
            "type": "attendance", "date": "2026-03-31", "month": "2026-03", "hours_offered": "10",
            "hours_attended": "8", "bucket": bucket}).status_code == 302
    page = client.get(f"/trajectories/{trajectory_id}").get_data(as_text=True)
    assert "geoorloofd afwezig, taal en KNM)" in page and "geoorloofd afwezig, participatie (Z-route))" in page
    events = api(world["manager"]).get(f"/api/v1/trajectories/{trajectory_id}").json["events"]
    assert sorted(e["bucket"] for e in events if e["type"] == "attendance") == ["participatie", "taal_knm"]


def test_providers_cannot_use_the_manual_form(world, login):
    assert login(world["provider"]).post(f"/trajectories/{world['trajectory'].id}/events",
                                         data={"type": "start", "date": "2026-02-03"}).status_code == 403


def post_file(client, content: bytes):
    return client.post("/progress/imports/new", data={"file": (io.BytesIO(content), "v.csv")},
                       content_type="multipart/form-data")


def test_upload_previews_then_imports_on_confirmation(world, login):
    client = login(world["provider"])
    response = post_file(client, b"event_id,trajectory,type,date\nP1,TRJ-VIEW,start,03-02-2026\n")
    assert response.status_code == 302
    item = db.session.scalar(sa.select(ProgressImport))
    assert item.status == ImportStatus.READY and item.preview == [
        {"line": 2, "values": {"event_id": "P1", "trajectory": "TRJ-VIEW", "type": "start", "date": "03-02-2026"}}]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)) == 2
    page = client.get(response.location).get_data(as_text=True)
    assert "Importeren" in page and "03-02-2026" in page
    assert client.post(f"/progress/imports/{item.id}/confirm").status_code == 302
    db.session.expire_all()
    assert (item.status, item.accepted) == (ImportStatus.DONE, 1)
    assert client.get(f"/progress/imports/{item.id}/status").json["status"] == "done"


def test_upload_lists_every_error_per_line_in_dutch(world, login):
    client = login(world["provider"])
    response = post_file(client, b"event_id,trajectory,type,date\nP1,TRJ-VIEW,start,2099-01-01\nP2,TRJ-X,start,2026-02-01\n")
    page = client.get(response.location).get_data(as_text=True)
    assert "2 fouten" in page and "toekomst" in page and "Onbekend traject" in page and "Importeren" not in page
    assert login(world["stranger"]).get(response.location).status_code == 404


def test_template_download_has_every_column(world, login):
    response = login(world["provider"]).get("/progress/template.csv")
    assert response.status_code == 200 and response.get_data(as_text=True).startswith("kenmerk;traject;soort;datum;")


def stored_file(app, item) -> Path:
    return Path(app.config["STORAGE_URL"].removeprefix("file://")) / item.stored_name


@pytest.mark.parametrize("confirmed, after_retry", [
    (False, ImportStatus.READY),  # the check broke off: checked again
    (True, ImportStatus.DONE),  # the import broke off: imported
])
def test_a_failed_import_is_retried_from_its_page(world, login, app, confirmed, after_retry):
    client = login(world["provider"])
    item = imports.save_upload(io.BytesIO(b"event_id,trajectory,type,date\nP1,TRJ-VIEW,start,2026-02-03\n"), "v.csv",
                               by=world["provider"], confirmed=confirmed)
    db.session.flush()
    imports.give_up(item, 3)  # what the lease sweep does after the third lost worker
    db.session.commit()  # the eager task finds the import failed and leaves it
    page = client.get(f"/progress/imports/{item.id}").get_data(as_text=True)
    assert 'role="alert"' in page and "3 keer afgebroken" in page
    assert "Opnieuw proberen" in page and "Bestand verwijderen" in page and "<progress" not in page
    assert client.post(f"/progress/imports/{item.id}/retry").status_code == 302
    db.session.expire_all()
    assert (item.status, item.failure, item.attempts) == (after_retry, None, 1)
    assert stored_file(app, item).exists() == (after_retry == ImportStatus.READY)
    assert client.post(f"/progress/imports/{item.id}/retry").status_code == 409


@pytest.mark.parametrize("status", [ImportStatus.FAILED, ImportStatus.READY])
def test_a_failed_or_unconfirmed_import_is_discarded_with_its_file(world, login, app, status):
    client = login(world["provider"])
    response = post_file(client, b"event_id,trajectory,type,date\nP1,TRJ-VIEW,start,2026-02-03\n")
    item = db.session.scalar(sa.select(ProgressImport))
    if status == ImportStatus.FAILED:
        imports.give_up(item, 3)
        db.session.commit()
    assert stored_file(app, item).exists()
    assert client.post(f"/progress/imports/{item.id}/discard").status_code == 302
    db.session.expire_all()
    assert item.status == ImportStatus.DISCARDED and not stored_file(app, item).exists()
    assert "Dit bestand is verwijderd" in client.get(response.location).get_data(as_text=True)
    assert client.post(f"/progress/imports/{item.id}/confirm").status_code == 409
    assert login(world["stranger"]).post(f"/progress/imports/{item.id}/discard").status_code == 404


def test_a_second_delivery_of_an_import_stores_nothing_twice(world, login):
    item = imports.save_upload(io.BytesIO(b"event_id,trajectory,type,date\nP1,TRJ-VIEW,start,2026-02-03\n"), "v.csv",
                               by=world["provider"], confirmed=True)
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent))
    imports.run_import.delay(item.id)
    db.session.expire_all()
    assert (item.status, item.attempts) == (ImportStatus.DONE, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)) == before == 3
