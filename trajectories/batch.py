"""One batch of progress events (an API call or a CSV file) checked against the rules of progress-events.md, the
database and its own earlier events, and stored whole.

The rules hold under concurrency because each trajectory a batch names is locked (core.locks, in id order) before
its state is read: batches for one trajectory take turns, and the second checks its events against what the first
stored. A file locks the trajectories of each chunk as it reaches them; two files that name the same trajectories
in opposite order deadlock, which PostgreSQL breaks by refusing one of them (409, nothing stored)."""
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import aliased

from core.bulk import insert_rows, matching
from core.dates import now_utc
from core.errors import Conflict, DomainError
from core.extensions import db
from core.locks import is_deadlock, locked
from core.models import User
from core.terms import DEFAULT_BUCKET, HOURS_BUCKETS
from trajectories.events import AFTER_END, CONTENT, ENDS, SWITCH_REASON, as_text, parse_event
from trajectories.models import ProgressEvent, Trajectory

BUSY = "Een deel van deze gebeurtenissen wordt tegelijk door een ander verzoek opgeslagen; probeer het opnieuw."
#: The columns an accepted row may fill (the others it leaves NULL).
INSERT_KEYS = ("event_id", "type", "occurred_on", "retracts_id", *CONTENT[2:], "trajectory_id", "sender", "source",
               "created_by_id", "created_at")


class BatchRejected(DomainError):
    """Some events failed: nothing is stored; `errors` lists (up to a limit) each failing item or line."""

    def __init__(self, errors: list[dict], count: int):
        super().__init__(f"{count} {'fout' if count == 1 else 'fouten'} gevonden; er is niets opgeslagen.",
                         errors=errors)
        self.count = count


#: A month's place in a MonthSet: one bit per hours bucket (issue 19) of each month; a row stored without one (bulk
#: loads) is in the default bucket, as the payment and KPI rules read it.
_SLOT = {bucket: n for n, bucket in enumerate(HOURS_BUCKETS)}


def _index(month: date, bucket: str | None) -> int:
    return (month.year * 12 + month.month) * len(_SLOT) + _SLOT[bucket or DEFAULT_BUCKET]


class MonthSet:
    """A set of (month, hours bucket) as the bits of one int, counted from the earliest in it.

    A trajectory's attendance months span a few years: a few bytes this way, where a set of dates takes kilobytes,
    and an import keeps one per trajectory for the whole file.
    """

    __slots__ = ("first", "bits")

    def __init__(self):
        self.first: int | None = None
        self.bits = 0

    def add(self, month: date, bucket: str) -> None:
        index = _index(month, bucket)
        if self.first is None:
            self.first = index
        elif index < self.first:
            self.bits <<= self.first - index
            self.first = index
        self.bits |= 1 << (index - self.first)

    def discard(self, month: date, bucket: str) -> None:
        if self.has(month, bucket):
            self.bits &= ~(1 << (_index(month, bucket) - self.first))

    def has(self, month: date, bucket: str) -> bool:
        index = _index(month, bucket)
        if self.first is None or index < self.first:
            return False
        return bool(self.bits >> (index - self.first) & 1)


@dataclass(slots=True)
class _Known:
    """What the rules need of one trajectory, kept for the whole batch."""

    id: int
    referral_date: date
    end: date | None = None  # the earliest non-voided dropout or completed
    last: date | None = None  # the latest non-voided event that may not follow an end
    months: MonthSet = field(default_factory=MonthSet)  # (month, bucket) with a non-voided attendance event

    def take(self, kind: str, day: date, month: date | None, bucket: str | None) -> None:
        """Count one non-voided event in: a stored one (_load_state) or one accepted from the batch."""
        if kind == "attendance":
            self.months.add(month, bucket)
        if kind in ENDS and (self.end is None or day < self.end):
            self.end = day
        if kind not in AFTER_END and (self.last is None or day > self.last):
            self.last = day


@dataclass(slots=True)
class _Target:
    """An event that a retraction in this batch may void."""

    id: int | None
    trajectory_id: int
    type: str
    month: date | None
    bucket: str | None
    occurred_on: date
    is_voided: bool
    reason: str | None = None


def _named(items: list, name: str, from_csv: bool) -> set[str]:
    """The values of one field across the items, as parse_event will see them (CSV cells are stripped already).

    Values with a NUL character name nothing (and PostgreSQL refuses them as parameters); nor do malformed rows.
    """
    if from_csv:
        values = {item[name] for item in items if name in item and "_shape" not in item}
    else:
        values = {as_text(item.get(name)) for item in items if isinstance(item, dict)} - {""}
    return {value for value in values if "\x00" not in value}


def _content(row: dict) -> dict:
    """What an event_id sent again must repeat to be a duplicate rather than a conflict."""
    return {"trajectory_id": row["trajectory_id"], "retracts": row.get("retracts"),
            **{name: row.get(name) for name in CONTENT}}


class EventBatch:
    """Checks events against the database and against the earlier events of the same batch."""

    def __init__(self, *, sender: str, source: str, by: User | None, today: date, scope, switching: bool = False):
        """`scope`: the WHERE clause on Trajectory (joined to its Contract) of the trajectories `by` may report on;
        `switching`: the batch closes a trajectory for a route switch (the only way to a dropout "schakelen")."""
        self.sender, self.source, self.by, self.today, self.scope = sender, source, by, today, scope
        self.switching = switching
        self.this_month = today.replace(day=1)
        self.accepted = self.duplicates = 0
        self.now = now_utc()
        self.first_id: int | None = None
        self._first_event_id: str | None = None
        self._trajectories: dict[str, _Known | None] = {}
        # Per chunk only, so that memory stays flat: earlier chunks are in the database by then.
        self._targets: dict[str, _Target] = {}  # events a retraction may void, by event_id
        self._seen: dict[str, dict] = {}  # event_id -> row of this chunk's accepted events

    def check(self, items: list, from_csv: bool = False) -> tuple[Iterator[dict], list[dict]]:
        """Load what the items refer to, then check them one by one.

        The accepted rows come lazily, so that a CSV chunk streams into the database while its later rows are
        checked; the errors ({"index", "field", "message"}) are complete once every row has been taken.
        """
        self._targets, self._seen = {}, {}
        self._load_trajectories(_named(items, "trajectory", from_csv))
        stored = self._load_stored(_named(items, "event_id", from_csv))
        self._load_targets(_named(items, "retracts", from_csv))
        errors: list[dict] = []
        return self._checked(items, stored, errors, from_csv), errors

    def _checked(self, items: list, stored: dict, errors: list[dict], from_csv: bool) -> Iterator[dict]:
        for index, item in enumerate(items):
            if isinstance(item, dict) and "_shape" in item:
                clean, found = {}, [(None, item["_shape"])]
            else:
                clean, found = parse_event(item, from_csv)
                found += self._rules(clean, stored, complete=not found)
            if found:
                errors += [{"index": index, "field": name, "message": message} for name, message in found]
            elif clean.get("_duplicate"):
                self.duplicates += 1
            else:
                yield self._accept(clean)

    def _rules(self, clean: dict, stored: dict, complete: bool) -> list[tuple[str, str]]:
        """The rules that need the database and the batch. The trajectory is checked on every item that names one,
        so that a line reports it next to its shape errors; the other rules read the parsed date, month and type,
        and run once the shape is `complete`."""
        reference = clean.get("trajectory")  # none at all when the item is no object
        known = self._trajectories.get(reference)
        if known is None:
            return [("trajectory", f"Onbekend traject '{reference[:40]}' (of niet binnen uw bereik).")] \
                if reference else []
        if not complete:
            return []
        if clean["event_id"] in self._seen or clean["event_id"] in stored:
            earlier = stored.get(clean["event_id"]) or _content(self._seen[clean["event_id"]])
            if earlier != _content({**clean, "trajectory_id": known.id}):
                return [("event_id", "Dit event_id is al gebruikt met een andere inhoud (conflict).")]
            clean["_duplicate"] = True
            return []
        errors = self._date_rules(clean, known)
        if clean["type"] == "attendance" and "month" in clean:
            if clean["month"] > self.this_month:
                errors.append(("month", "Deze maand ligt in de toekomst."))
            elif known.months.has(clean["month"], clean["bucket"]):
                errors.append(("month", "Voor deze maand is al aanwezigheid in deze urensoort gemeld; trek die "
                                        "eerst in."))
        if clean["type"] == "retraction":
            errors += self._retraction_rules(clean, known)
        if clean["type"] == "dropout" and clean.get("reason") == SWITCH_REASON and not self.switching:
            errors.append(("reason", "Een routeschakeling legt de gemeente vast met Route schakelen op het traject; "
                                     "daarbij start het nieuwe traject."))
        return errors

    def _date_rules(self, clean: dict, known: _Known) -> list[tuple[str, str]]:
        day = clean["occurred_on"]
        if day > self.today:
            return [("date", "De datum ligt in de toekomst.")]
        if day < known.referral_date:
            return [("date", f"De datum ligt vóór de aanmelddatum ({known.referral_date:%d-%m-%Y}).")]
        if clean["type"] not in AFTER_END and known.end is not None and day > known.end:
            return [("date", f"Het traject is op {known.end:%d-%m-%Y} beëindigd; daarna kan alleen nog "
                             "uitstroom of een intrekking.")]
        if clean["type"] in ENDS and known.last is not None and known.last > day:
            return [("date", f"Er zijn al gebeurtenissen na deze datum (tot {known.last:%d-%m-%Y}).")]
        return []

    def _retraction_rules(self, clean: dict, known: _Known) -> list[tuple[str, str]]:
        target = self._target(clean["retracts"])
        if target is None:
            return [("retracts", "Onbekende gebeurtenis, of een gebeurtenis van een andere afzender.")]
        if target.trajectory_id != known.id:
            return [("retracts", "Deze gebeurtenis hoort bij een ander traject.")]
        if target.type == "retraction":
            return [("retracts", "Een intrekking kan niet worden ingetrokken.")]
        if target.is_voided:
            return [("retracts", "Deze gebeurtenis is al ingetrokken.")]
        if target.type == "dropout" and target.reason == SWITCH_REASON:
            return [("retracts", "Deze beëindiging hoort bij een schakeling naar een andere leerroute, waarvan het "
                                 "nieuwe traject al loopt; zij kan niet worden ingetrokken.")]
        return []

    def _target(self, event_id: str) -> _Target | None:
        """A stored event (loaded per chunk) or one accepted earlier in this chunk."""
        if event_id not in self._targets and event_id in self._seen:
            row = self._seen[event_id]
            self._targets[event_id] = _Target(None, row["trajectory_id"], row["type"], row.get("month"),
                                              row.get("bucket"), row["occurred_on"], False, row.get("reason"))
        return self._targets.get(event_id)

    def _accept(self, clean: dict) -> dict:
        """Update the trajectory's state; the clean values become the row to insert."""
        known = self._trajectories[clean.pop("trajectory")]
        kind = clean["type"]
        known.take(kind, clean["occurred_on"], clean.get("month"), clean.get("bucket"))
        if kind == "retraction":
            target = self._targets[clean["retracts"]]
            target.is_voided = True
            if target.type == "attendance":
                known.months.discard(target.month, target.bucket)
            if target.type in ENDS and known.end == target.occurred_on:
                known.end = None
        self.accepted += 1
        self._first_event_id = self._first_event_id or clean["event_id"]
        clean.update(trajectory_id=known.id, sender=self.sender, source=self.source,
                     created_by_id=self.by.id if self.by else None, created_at=self.now)
        self._seen[clean["event_id"]] = clean
        return clean

    def store(self, rows: Iterable[dict], as_objects: bool) -> list:
        """Insert the rows, retractions after the events they void; a concurrent twin answers 409."""
        retractions = []

        def plain():
            for row in rows:
                if row["type"] == "retraction":
                    retractions.append(row)
                else:
                    yield row
        try:
            stored = self._insert(plain(), as_objects)
            if retractions:
                self._fetch_ids({r["retracts"] for r in retractions if self._targets[r["retracts"]].id is None})
                for row in retractions:
                    row["retracts_id"] = self._targets[row.pop("retracts")].id
                stored += self._insert(retractions, as_objects)
        except IntegrityError as exc:
            raise Conflict(BUSY) from exc
        return stored

    def _insert(self, rows: Iterable[dict], as_objects: bool) -> list:
        """As objects (API) with RETURNING; CSV rows by bulk insert, ids fetched only where needed."""
        if not as_objects:
            insert_rows(ProgressEvent, rows, columns=INSERT_KEYS)
            if self.first_id is None and self._first_event_id:
                self._fetch_ids({self._first_event_id})
            return []
        rows = [{**dict.fromkeys(INSERT_KEYS), **row} for row in rows]
        if not rows:
            return []
        events = list(db.session.scalars(
            sa.insert(ProgressEvent).returning(ProgressEvent, sort_by_parameter_order=True), rows))
        for event in events:
            if event.event_id in self._targets:
                self._targets[event.event_id].id = event.id
        self.first_id = self.first_id or events[0].id
        return events

    def _fetch_ids(self, event_ids: set[str]) -> None:
        """The ids of events inserted without RETURNING that a retraction or the audit line needs."""
        if not event_ids:
            return
        for ident, event_id in db.session.execute(sa.select(ProgressEvent.id, ProgressEvent.event_id).where(
                ProgressEvent.sender == self.sender, matching(ProgressEvent.event_id, event_ids))):
            if event_id in self._targets:
                self._targets[event_id].id = ident
            if event_id == self._first_event_id:
                self.first_id = ident

    def _load_trajectories(self, references: set[str]) -> None:
        new = [r for r in references if r not in self._trajectories]
        if not new:
            return
        try:
            rows = db.session.execute(locked(
                sa.select(Trajectory.reference, Trajectory.id, Trajectory.referral_date)
                .join(Trajectory.contract).where(matching(Trajectory.reference, new), self.scope)
                .order_by(Trajectory.id), Trajectory)).all()
        except OperationalError as exc:
            if not is_deadlock(exc):
                raise
            raise Conflict(BUSY) from exc
        self._trajectories.update({ref: None for ref in new})
        found = {row.id: _Known(row.id, row.referral_date) for row in rows}
        self._trajectories.update({row.reference: found[row.id] for row in rows})
        if found:
            self._load_state(found)

    def _load_state(self, found: dict[int, _Known]) -> None:
        voided = sa.select(ProgressEvent.retracts_id).where(ProgressEvent.retracts_id.is_not(None),
                                                            ProgressEvent.trajectory_id.in_(list(found)))
        events = db.session.execute(
            sa.select(ProgressEvent.trajectory_id, ProgressEvent.type, ProgressEvent.occurred_on, ProgressEvent.month,
                      ProgressEvent.bucket)
            .where(ProgressEvent.trajectory_id.in_(list(found)), ProgressEvent.id.not_in(voided),
                   ProgressEvent.type != "retraction"))
        for trajectory_id, kind, day, month, bucket in events:
            found[trajectory_id].take(kind, day, month, bucket)

    def _load_stored(self, event_ids: set[str]) -> dict[str, dict]:
        """This sender's stored events with these event_ids, as the content a duplicate must match."""
        if not event_ids:
            return {}
        target = aliased(ProgressEvent)
        rows = db.session.execute(
            sa.select(ProgressEvent, target.event_id.label("retracts"))
            .outerjoin(target, ProgressEvent.retracts_id == target.id)
            .where(ProgressEvent.sender == self.sender, matching(ProgressEvent.event_id, event_ids))).all()
        return {event.event_id: {"trajectory_id": event.trajectory_id, "retracts": retracts,
                                 **{name: getattr(event, name) for name in CONTENT}}
                for event, retracts in rows}

    def _load_targets(self, event_ids: set[str]) -> None:
        new = {e for e in event_ids if e not in self._targets}
        if not new:
            return
        voided = sa.select(ProgressEvent.retracts_id).where(ProgressEvent.retracts_id.is_not(None))
        rows = db.session.execute(
            sa.select(ProgressEvent.id, ProgressEvent.event_id, ProgressEvent.trajectory_id, ProgressEvent.type,
                      ProgressEvent.month, ProgressEvent.bucket, ProgressEvent.occurred_on, ProgressEvent.reason,
                      ProgressEvent.id.in_(voided).label("voided"))
            .where(ProgressEvent.sender == self.sender, matching(ProgressEvent.event_id, new)))
        for row in rows:
            self._targets[row.event_id] = _Target(row.id, row.trajectory_id, row.type, row.month, row.bucket,
                                                  row.occurred_on, bool(row.voided), row.reason)
