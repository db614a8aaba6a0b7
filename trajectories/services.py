"""Trajectories and the progress feed: every input (API, CSV, manual entry, DUO) goes through `record_events`."""
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from contracts.models import Contract, ContractStatus
from core import audit
from core.auth import scope_filter, visible_municipality_ids
from core.bulk import insert_rows, matching
from core.dates import now_utc
from core.errors import Conflict, DomainError
from core.extensions import db
from core.forms import options
from core.models import Municipality, Role, User
from core.personal_data import bsn_lookup_hash, decrypt_bsn, encrypt_bsn, mask_bsn, normalise_bsn
from trajectories.csvfile import read_events
from trajectories.events import AFTER_END, CONTENT, ENDS, as_text, parse_event
from trajectories.models import ProgressEvent, Trajectory

CHUNK = 10_000
#: The columns an accepted row may fill (the others it leaves NULL).
INSERT_KEYS = ("event_id", "type", "occurred_on", "retracts_id", *CONTENT[2:], "trajectory_id", "sender", "source",
               "created_by_id", "created_at")
MAX_REPORTED_ERRORS = 1_000


class BatchRejected(DomainError):
    """Some events failed: nothing is stored; `errors` lists (up to a limit) each failing item or line."""

    def __init__(self, errors: list[dict], count: int):
        super().__init__(f"{count} {'fout' if count == 1 else 'fouten'} gevonden; er is niets opgeslagen.",
                         errors=errors)
        self.count = count


def sender_for(user: User) -> str:
    """Whose event_id namespace a user writes in: the provider's (shared by its users) or the staff member's own."""
    return f"provider:{user.provider_id}" if user.role == Role.PROVIDER else f"user:{user.id}"


def trajectory_scope(user: User | None):
    """WHERE clause on Trajectory (joined to Contract): providers see their own contracts, staff their municipalities."""
    if user is None:
        return sa.true()
    if user.role == Role.PROVIDER:
        return Contract.provider_id == (user.provider_id or -1)
    ids = visible_municipality_ids(user)
    return sa.true() if ids is None else Trajectory.municipality_id.in_(ids or [-1])


def visible_trajectories(user: User):
    return sa.select(Trajectory).join(Trajectory.contract).where(trajectory_scope(user))


def create_trajectory(data: dict, *, by: User | None, today: date) -> Trajectory:
    """Refer a participant to a contract; the municipality must take part in it and be in the user's scope."""
    if db.session.scalar(sa.select(Trajectory.id).where(Trajectory.reference == data["reference"])):
        raise DomainError("Deze trajectreferentie bestaat al.", field="reference")
    contract = db.session.get(Contract, data["contract_id"])
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == data["municipality"]))
    visible = visible_municipality_ids(by) if by is not None else None
    if contract is None or not _contract_visible(contract, visible):
        raise DomainError("Onbekend contract.", field="contract_id")
    if municipality is None or (visible is not None and municipality.id not in visible):
        raise DomainError("Onbekende gemeente.", field="municipality")
    if municipality not in contract.municipalities:
        raise DomainError(f"{municipality.name} neemt geen deel aan contract {contract.reference}.",
                          field="municipality")
    for name in ("referral_date", "pip_date"):
        if data.get(name) and data[name] > today:
            raise DomainError("Deze datum ligt in de toekomst.", field=name)
    participant = data.get("participant") or {}
    bsn = normalise_bsn(participant["bsn"], field="participant.bsn") if participant.get("bsn") else None
    trajectory = Trajectory(
        reference=data["reference"], contract=contract, municipality=municipality,
        referral_date=data["referral_date"], pip_date=data.get("pip_date"),
        participant_pseudonym="P-" + secrets.token_hex(6).upper(), participant_name=participant.get("name") or None,
        bsn_encrypted=encrypt_bsn(bsn) if bsn else None, bsn_hash=bsn_lookup_hash(bsn) if bsn else None,
        created_by=by)
    db.session.add(trajectory)
    db.session.flush()
    audit.record(by, "trajectory_created", trajectory, f"Traject {trajectory.reference} aangemeld",
                 {"contract": contract.reference, "municipality": municipality.code,
                  "referral_date": trajectory.referral_date, "bsn": "vastgelegd" if bsn else "geen"})
    return trajectory


def _contract_visible(contract: Contract, visible: set[int] | None) -> bool:
    return visible is None or any(m.id in visible for m in contract.municipalities)


def record_events(items: list[dict], *, sender: str, source: str, by: User | None, today: date) -> list[ProgressEvent]:
    """Validate every event, then store all of them or none (DomainError with one error per failing item).

    An event_id the sender used before with identical content is a duplicate and stored once; with other content
    it is an error. `by` is None for system feeds (DUO), which see every trajectory.
    """
    batch = EventBatch(sender=sender, source=source, by=by, today=today)
    rows, errors = batch.check(items)
    rows = list(rows)
    if errors:
        raise BatchRejected(errors, len(errors))
    events = batch.store(rows, as_objects=True)
    _audit_batch(batch, by)
    return events


@dataclass
class ImportResult:
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0


def import_csv(stream: IO[bytes], *, sender: str, source: str, by: User | None, today: date,
               on_progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import a CSV file as one atomic batch, in chunks so that memory does not grow with the file.

    The valid rows of every chunk are written (the transaction is the caller's) so that later rows are checked
    against earlier ones; if any row fails, DomainError lists the errors by line and the caller rolls back.
    """
    batch = EventBatch(sender=sender, source=source, by=by, today=today)
    result, errors, error_count = ImportResult(), [], 0
    for chunk in _chunks(read_events(stream), CHUNK):
        lines = [line for line, _ in chunk]
        rows, chunk_errors = batch.check([item for _, item in chunk], from_csv=True)
        batch.store(rows, as_objects=False)
        for error in chunk_errors:
            error_count += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append({"line": lines[error.pop("index")], **error})
        result.rows += len(chunk)
        if on_progress:
            on_progress(result.rows)
    if error_count:
        raise BatchRejected(errors, error_count)
    result.accepted, result.duplicates = batch.accepted, batch.duplicates
    _audit_batch(batch, by)
    return result


def _audit_batch(batch: "EventBatch", by: User | None) -> None:
    """One audit line per batch, on its first stored event."""
    if batch.first_id is not None:
        audit.record(by, "progress_events_recorded", db.session.get(ProgressEvent, batch.first_id),
                     f"{batch.accepted} voortgangsgebeurtenissen ontvangen ({batch.source}, afzender {batch.sender}), "
                     f"{batch.duplicates} dubbel")


def _chunks(iterable: Iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class MonthSet:
    """A set of months as the bits of one int, counted from the earliest month in it.

    A trajectory's attendance months span a few years: a few bytes this way, where a set of dates takes kilobytes,
    and an import keeps one per trajectory for the whole file.
    """

    __slots__ = ("first", "bits")

    def __init__(self):
        self.first: int | None = None
        self.bits = 0

    def add(self, month: date) -> None:
        index = month.year * 12 + month.month
        if self.first is None:
            self.first = index
        elif index < self.first:
            self.bits <<= self.first - index
            self.first = index
        self.bits |= 1 << (index - self.first)

    def discard(self, month: date) -> None:
        if month in self:
            self.bits &= ~(1 << (month.year * 12 + month.month - self.first))

    def __contains__(self, month: date) -> bool:
        if self.first is None or month.year * 12 + month.month < self.first:
            return False
        return bool(self.bits >> (month.year * 12 + month.month - self.first) & 1)


@dataclass(slots=True)
class _Known:
    """What the rules need of one trajectory, kept for the whole batch."""

    id: int
    referral_date: date
    end: date | None = None  # the earliest non-voided dropout or completed
    last: date | None = None  # the latest non-voided event that may not follow an end
    months: MonthSet = field(default_factory=MonthSet)  # months with a non-voided attendance event

    def take(self, kind: str, day: date, month: date | None) -> None:
        """Count one non-voided event in: a stored one (_load_state) or one accepted from the batch."""
        if kind == "attendance":
            self.months.add(month)
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
    occurred_on: date
    is_voided: bool


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

    def __init__(self, *, sender: str, source: str, by: User | None, today: date):
        self.sender, self.source, self.by, self.today = sender, source, by, today
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
            found = found or self._rules(clean, stored)
            if found:
                errors += [{"index": index, "field": name, "message": message} for name, message in found]
            elif clean.get("_duplicate"):
                self.duplicates += 1
            else:
                yield self._accept(clean)

    def _rules(self, clean: dict, stored: dict) -> list[tuple[str, str]]:
        known = self._trajectories.get(clean["trajectory"])
        if known is None:
            return [("trajectory", f"Onbekend traject '{clean['trajectory'][:40]}' (of niet binnen uw bereik).")]
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
            elif clean["month"] in known.months:
                errors.append(("month", "Voor deze maand is al aanwezigheid gemeld; trek die eerst in."))
        if clean["type"] == "retraction":
            errors += self._retraction_rules(clean, known)
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
        return []

    def _target(self, event_id: str) -> _Target | None:
        """A stored event (loaded per chunk) or one accepted earlier in this chunk."""
        if event_id not in self._targets and event_id in self._seen:
            row = self._seen[event_id]
            self._targets[event_id] = _Target(None, row["trajectory_id"], row["type"], row.get("month"),
                                              row["occurred_on"], False)
        return self._targets.get(event_id)

    def _accept(self, clean: dict) -> dict:
        """Update the trajectory's state; the clean values become the row to insert."""
        known = self._trajectories[clean.pop("trajectory")]
        kind = clean["type"]
        known.take(kind, clean["occurred_on"], clean.get("month"))
        if kind == "retraction":
            target = self._targets[clean["retracts"]]
            target.is_voided = True
            if target.type == "attendance":
                known.months.discard(target.month)
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
            raise Conflict("Een deel van deze gebeurtenissen wordt tegelijk door een ander verzoek opgeslagen; "
                           "probeer het opnieuw.") from exc
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
        rows = db.session.execute(
            sa.select(Trajectory.reference, Trajectory.id, Trajectory.referral_date)
            .join(Trajectory.contract).where(matching(Trajectory.reference, new), trajectory_scope(self.by))).all()
        self._trajectories.update({ref: None for ref in new})
        found = {row.id: _Known(row.id, row.referral_date) for row in rows}
        self._trajectories.update({row.reference: found[row.id] for row in rows})
        if found:
            self._load_state(found)

    def _load_state(self, found: dict[int, _Known]) -> None:
        voided = sa.select(ProgressEvent.retracts_id).where(ProgressEvent.retracts_id.is_not(None),
                                                            ProgressEvent.trajectory_id.in_(list(found)))
        events = db.session.execute(
            sa.select(ProgressEvent.trajectory_id, ProgressEvent.type, ProgressEvent.occurred_on, ProgressEvent.month)
            .where(ProgressEvent.trajectory_id.in_(list(found)), ProgressEvent.id.not_in(voided),
                   ProgressEvent.type != "retraction"))
        for trajectory_id, kind, day, month in events:
            found[trajectory_id].take(kind, day, month)

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
                      ProgressEvent.month, ProgressEvent.occurred_on, ProgressEvent.id.in_(voided).label("voided"))
            .where(ProgressEvent.sender == self.sender, matching(ProgressEvent.event_id, new)))
        for row in rows:
            self._targets[row.event_id] = _Target(row.id, row.trajectory_id, row.type, row.month, row.occurred_on,
                                                  bool(row.voided))


def events_of(trajectory: Trajectory) -> list[tuple[ProgressEvent, bool]]:
    """The trajectory's events for its timeline, each with whether a retraction voided it."""
    voided = {e.retracts_id for e in trajectory.events if e.retracts_id}
    return [(event, event.id in voided) for event in trajectory.events]


def record_manual_event(trajectory: Trajectory, item: dict, *, by: User, today: date) -> ProgressEvent:
    """Staff enter one event by hand; it gets a generated event_id in the staff member's namespace."""
    item = {**item, "trajectory": trajectory.reference, "event_id": "M-" + secrets.token_hex(8)}
    [event] = record_events([item], sender=sender_for(by), source="manual", by=by, today=today)
    return event


def masked_bsn(trajectory: Trajectory, user: User) -> str:
    """The BSN as staff see it (*****6789); providers never see it."""
    if user.role == Role.PROVIDER or not trajectory.bsn_encrypted:
        return ""
    return mask_bsn(decrypt_bsn(trajectory.bsn_encrypted))


def fill_trajectory_choices(form, user: User):
    """The active contracts and municipalities the user may refer participants to."""
    visible = visible_municipality_ids(user)
    contracts = db.session.scalars(sa.select(Contract).where(Contract.status == ContractStatus.ACTIVE)
                                   .order_by(Contract.reference)).all()
    form.contract_id.choices = options((c.id, f"{c.reference} - {c.provider.name} ({c.service.name})")
                                       for c in contracts if _contract_visible(c, visible))
    municipalities = db.session.scalars(sa.select(Municipality).where(scope_filter(user, Municipality.id))
                                        .order_by(Municipality.name)).all()
    form.municipality.choices = options((m.code, m.name) for m in municipalities)
    return form


def trajectory_data(form_data: dict) -> dict:
    """The form's fields in the API's shape, so that both reach create_trajectory alike."""
    names = ("reference", "contract_id", "municipality", "referral_date", "pip_date")
    return {**{n: form_data[n] for n in names},
            "participant": {"name": form_data.get("name"), "bsn": form_data.get("bsn")}}
