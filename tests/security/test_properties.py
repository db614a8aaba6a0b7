"""Property-based tests of the ways progress comes in (CSV importer, CSV upload over HTTP, the event API): whatever
bytes, rows or JSON arrive, the answer is never a 5xx and a batch is stored whole or not at all."""
import csv
import io
import json
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from core.extensions import db
from core.models import Role
from trajectories import services
from trajectories.events import ALL_FIELDS, TYPE_LABELS
from trajectories.models import ProgressEvent, Trajectory

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Per field, values that are valid somewhere, so that generated rows are often accepted and often nearly so.
SENSIBLE = {
    "event_id": ["E1", "E2", "E3", "E4", "E1 ", "x" * 65],
    "trajectory": ["TRJ-MINE", "TRJ-THEIRS", "TRJ-NONE", ""],
    "type": [*TYPE_LABELS, "Start", ""],
    "date": ["2026-02-01", "2026-03-15", "2026-02-30", "01-02-2026", "2099-01-01", ""],
    "month": ["2026-02", "2026-13", ""],
    "hours_offered": ["48", "40,5", "-1", "1e400", "NaN", ""],
    "hours_attended": ["40", "40.5", "999999999999", ""],
    "hours_excused": ["0", "4", "abc", ""],
    "skill": ["LE", "LU", "SC", "SP", "KNM", "XX", ""],
    "level": ["A1", "A2", "B1", "C9", ""],
    "component": ["LE", "KNM", "ONA", ""],
    "result": ["passed", "failed", "geslaagd", ""],
    "module": ["MAP", "PVT", "ZROUTE", "ABC", ""],
    "reason": ["uitval", "verhuizing", "afschaling", "ontheffing", "vakantie", ""],
    "destination": ["werk", "opleiding", "maan", ""],
    "retracts": ["E1", "E2", "NOPE", ""],
}


def value_of(name: str):
    return st.one_of(st.sampled_from(SENSIBLE.get(name, [""])), st.text(max_size=12))


#: Complete valid events for TRJ-MINE, less the event_id; drawn often so that whole batches get stored.
VALID = [{"type": "start", "date": "2026-02-01"},
         {"type": "attendance", "date": "2026-02-28", "month": "2026-02", "hours_offered": "48",
          "hours_attended": "40,5", "hours_excused": "4"},
         {"type": "progress_test", "date": "2026-03-10", "skill": "LE", "level": "A2"}]
event_ids = st.from_regex(r"[A-Z]{1,2}[0-9]{1,3}", fullmatch=True)


def row_of(header: list[str], valid_only: bool = False):
    """A valid event (often, or always) or a row of sensible and arbitrary values, with exactly the header's keys."""
    valid = st.builds(lambda kind, event_id: {name: {"event_id": event_id, "trajectory": "TRJ-MINE", **kind}.get(
        name, "") for name in header}, st.sampled_from(VALID), event_ids)
    return valid if valid_only else st.one_of(valid, valid, st.fixed_dictionaries(
        {name: value_of(name) for name in header}))


headers = st.one_of(st.just(list(ALL_FIELDS)), st.just(list(ALL_FIELDS)), st.permutations(list(ALL_FIELDS)),
                    st.lists(st.sampled_from([*ALL_FIELDS, "bsn", "Event_ID", ""]), min_size=1, unique=True))


@st.composite
def csv_files(draw) -> bytes:
    """A CSV file with a header row (sometimes wrong) and rows mixing valid and arbitrary values."""
    header = draw(headers)
    rows = draw(st.lists(row_of(header, valid_only=draw(st.booleans())), max_size=8))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=draw(st.sampled_from([";", ","])),
                            lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
    writer.writeheader()
    writer.writerows(rows)
    encoded = out.getvalue().encode()
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + encoded + draw(st.sampled_from([b"", b"\x00", b"\xff;"]))


any_bytes = st.one_of(st.binary(max_size=300), st.binary(max_size=200).map(
    lambda tail: (";".join(ALL_FIELDS) + "\r\n").encode() + tail), csv_files(), csv_files())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
valid_events = row_of(list(ALL_FIELDS), valid_only=True).map(lambda row: {k: v for k, v in row.items() if v})
event_objects = st.one_of(st.lists(valid_events, max_size=6), st.lists(st.one_of(
    valid_events, row_of(list(ALL_FIELDS)), st.dictionaries(st.sampled_from([*ALL_FIELDS, "bsn", "extra"]), json_values,
                                                           max_size=6)), max_size=6))
bodies = st.one_of(json_values, json_values.map(lambda v: {"events": v}), st.fixed_dictionaries(
    {"events": event_objects}, optional={"dry_run": st.one_of(st.booleans(), st.booleans(), json_values)}))


@pytest.fixture
def world(make_provider, make_contract, make_trajectory, make_municipality, make_user):
    provider, other = make_provider(), make_provider()
    town = make_municipality()
    contract = make_contract(provider=provider, municipalities=[town])
    make_trajectory(contract=contract, reference="TRJ-MINE", referral_date=date(2026, 1, 10))
    make_trajectory(contract=make_contract(provider=other), reference="TRJ-THEIRS", referral_date=date(2026, 1, 10))
    db.session.commit()
    return {"provider": make_user(Role.PROVIDER, provider=provider),
            "manager": make_user(Role.CONTRACTMANAGER, municipalities=[town])}


def counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Trajectory)))


def assert_whole_or_nothing(before: tuple[int, int], accepted: int) -> None:
    """After the request (or the caller's rollback): exactly the accepted events more, or none at all. Then the
    stored events are removed again, so that every example starts from the same trajectories."""
    db.session.rollback()  # what the end of a request does to anything flushed but not committed
    assert counts() == (before[0] + accepted, before[1])
    db.session.execute(sa.delete(ProgressEvent))
    db.session.commit()


@SETTINGS
@given(data=any_bytes)
def test_import_csv_stores_a_file_whole_or_not_at_all(world, data):
    user, before = world["provider"], counts()
    try:
        result = services.import_csv(io.BytesIO(data), sender=services.sender_for(user), source="csv", by=user,
                                     today=date(2026, 6, 1))
    except DomainError:
        db.session.rollback()  # the caller's part of the contract
        assert_whole_or_nothing(before, 0)
        return
    assert result.accepted + result.duplicates == result.rows
    db.session.commit()  # the caller's commit
    assert_whole_or_nothing(before, result.accepted)


@SETTINGS
@given(data=any_bytes, dry_run=st.booleans())
def test_csv_upload_api_never_fails_and_never_stores_part_of_a_file(world, api, data, dry_run):
    before = counts()
    response = api(world["provider"]).post("/api/v1/progress-imports", data={
        "file": (io.BytesIO(data), "voortgang.csv"), "dry_run": "true" if dry_run else ""})
    assert response.status_code < 500, response.get_data(as_text=True)
    stored = response.status_code == 201
    assert response.status_code in (200, 201, 413, 422), response.get_data(as_text=True)
    assert_whole_or_nothing(before, response.json["accepted"] if stored else 0)


@SETTINGS
@given(data=csv_files())
def test_csv_upload_page_stores_nothing_before_confirmation_and_then_all(world, login, client, data):
    login(world["manager"])
    before = counts()
    response = client.post("/progress/imports/new", data={"file": (io.BytesIO(data), "voortgang.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_whole_or_nothing(before, 0)
    detail = client.get(response.location)
    assert detail.status_code == 200
    confirm = response.location + "/confirm"
    answer = client.post(confirm)
    assert answer.status_code < 500, answer.get_data(as_text=True)
    page = client.get(response.location).get_data(as_text=True)
    imported = "Ingelezen:" in page
    assert_whole_or_nothing(before, int(page.split("Ingelezen: ")[1].split(" ")[0]) if imported else 0)


@SETTINGS
@given(body=bodies)
def test_event_api_never_fails_and_never_stores_part_of_a_batch(world, api, body):
    before = counts()
    response = api(world["provider"]).post("/api/v1/progress-events", data=json.dumps(body),
                                           content_type="application/json")
    assert response.status_code < 500, response.get_data(as_text=True)
    assert_whole_or_nothing(before, response.json["accepted"] if response.status_code == 201 else 0)


@SETTINGS
@given(data=st.binary(max_size=200))
def test_event_api_answers_arbitrary_bytes_without_a_5xx(world, api, data):
    before = counts()
    response = api(world["manager"]).post("/api/v1/progress-events", data=data, content_type="application/json")
    assert 400 <= response.status_code < 500 or response.status_code in (200, 201)
    assert_whole_or_nothing(before, response.json["accepted"] if response.status_code == 201 else 0)
