"""The rules of progress-events.md when batches for one trajectory arrive at the same moment (API and CSV): the
trajectory's lock decides, so that the stored events obey every rule as if the batches had come one by one."""
import io
import threading
from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import Role
from trajectories import services
from trajectories.batch import BUSY
from trajectories.models import ProgressEvent, Trajectory
from tests.races import at_once, postgresql_only

pytestmark = postgresql_only
ROUNDS = 5


def attendance(event_id: str, month: str = "2026-03") -> dict:
    return {"event_id": event_id, "type": "attendance", "date": f"{month}-28", "month": month,
            "hours_offered": "40", "hours_attended": "30"}


def event(event_id: str, kind: str, day: str, **fields) -> dict:
    return {"event_id": event_id, "type": kind, "date": day, **fields}


#: (rule, stored before the race, the batches sent at once (channel, events), how many of them are stored)
RULES = [
    # a second attendance event for the same trajectory and month
    ("one attendance per month", [], [("api", [attendance(f"A{n}")]) for n in range(8)], 1),
    ("one attendance per month, file and call", [], [("csv", [attendance("A1")]), ("api", [attendance("A2")])], 1),
    # nothing but outflow and retraction after the end, and no end before later events
    ("completed or dropout", [], [("api", [event("C", "completed", "2026-05-01")]),
                                  ("api", [event("D", "dropout", "2026-05-02", reason="uitval")])], 1),
    ("nothing after the end", [], [("api", [event("C", "completed", "2026-05-01")]),
                                   ("api", [event("P", "progress_test", "2026-05-03", skill="LE", level="A2")])], 1),
    # a voided event cannot be voided again
    ("one retraction per event", [attendance("A0")],
     [("api", [event(f"R{n}", "retraction", "2026-04-01", retracts="A0")]) for n in range(4)], 1),
    # the same event_id with the same content is a duplicate, stored once
    ("a resent event", [], [("api", [event("S", "start", "2026-02-01")])] * 4, 1),
]


@pytest.fixture
def sender(make_provider, make_contract, make_trajectory, make_user, api):
    """sender() -> (a new trajectory's reference, an API client of its provider)."""
    provider = make_provider()
    contract = make_contract(provider=provider)
    client = api(make_user(Role.PROVIDER, provider=provider))

    def make():
        reference = make_trajectory(contract=contract, referral_date=date(2026, 1, 10)).reference
        db.session.commit()
        return reference, client

    return make


@pytest.mark.parametrize("rule, before, batches, stored", RULES, ids=[row[0] for row in RULES])
def test_racing_batches_obey_the_rules(sender, rule, before, batches, stored):
    for _ in range(ROUNDS):
        reference, client = sender()
        if before:
            assert _send(client, "api", before, reference).status_code == 201
        answers = at_once(*(lambda c=channel, e=events: _send(client, c, e, reference) for channel, events in batches))
        assert {a.status_code for a in answers} <= {201, 422}, [a.json for a in answers]
        assert sum(a.json.get("accepted", 0) for a in answers) == stored, [a.json for a in answers]
        db.session.rollback()
        assert _stored(reference) == len(before) + stored


def test_one_event_id_sent_for_two_trajectories_is_stored_once(sender):
    for _ in range(ROUNDS):
        (first, client), (second, _) = sender(), sender()
        event_id = f"{first}-S"
        answers = at_once(*(lambda t=t: client.post("/api/v1/progress-events", json={"events": [{
            "event_id": event_id, "trajectory": t, "type": "start", "date": "2026-02-01"}]}) for t in (first, second)))
        winner, loser = sorted(answers, key=lambda a: a.status_code)
        # refused by the unique key while both ran (409, retry), or as a conflict once the first was stored (422)
        assert (winner.status_code, loser.status_code in (409, 422)) == (201, True), [a.json for a in answers]
        db.session.rollback()
        assert _stored(first) + _stored(second) == 1


def _send(client, channel: str, events: list[dict], reference: str):
    """The events for this trajectory, their event_ids (per sender) made its own."""
    own = {"event_id": lambda e: f"{reference}-{e['event_id']}", "trajectory": lambda e: reference,
           "retracts": lambda e: f"{reference}-{e['retracts']}" if "retracts" in e else None}
    events = [{**e, **{name: value for name, make in own.items() if (value := make(e))}} for e in events]
    if channel == "api":
        return client.post("/api/v1/progress-events", json={"events": events})
    header = sorted({name for e in events for name in e})
    lines = [";".join(header)] + [";".join(str(e.get(name, "")) for name in header) for e in events]
    return client.post("/api/v1/progress-imports", data={"file": (io.BytesIO("\n".join(lines).encode()), "v.csv")})


def _stored(reference: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent).join(
        Trajectory, ProgressEvent.trajectory_id == Trajectory.id).where(Trajectory.reference == reference))


def test_two_files_that_lock_in_opposite_order_store_one(sender, monkeypatch):
    (first, client), (second, _) = sender(), sender()
    in_step, chunks = threading.Barrier(2, timeout=20), services._chunks

    def one_row_at_a_time(iterable, size):
        for n, chunk in enumerate(chunks(iterable, 1)):
            if n == 1:
                in_step.wait()  # each file holds the lock of its first trajectory and asks for the other's
            yield chunk

    monkeypatch.setattr(services, "_chunks", one_row_at_a_time)
    files = [[(f"{first}-A", first), (f"{second}-A", second)], [(f"{second}-B", second), (f"{first}-B", first)]]
    answers = at_once(*(lambda rows=rows: client.post("/api/v1/progress-imports", data={"file": (io.BytesIO(
        ("event_id;trajectory;type;date\n" + "".join(f"{e};{t};start;2026-02-01\n" for e, t in rows)).encode()),
        "v.csv")}) for rows in files))
    assert sorted(a.status_code for a in answers) == [201, 409], [a.json for a in answers]
    assert next(a for a in answers if a.status_code == 409).json["detail"] == BUSY
    db.session.rollback()
    assert (_stored(first), _stored(second)) == (1, 1)
