"""DUO's notifications in, the outbox of calls to DUO out, and what both do to trajectories."""
import hashlib
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from core import audit
from core.auth import scope_filter
from core.errors import Conflict, DomainError
from core.extensions import db
from core.scope import Action, require
from core.models import Municipality, User
from core.personal_data import bsn_lookup_hash, decrypt_bsn, encrypt_bsn
from trajectories.duo import mapping
from trajectories.duo.client import DuoClient, DuoError, DuoResponse
from trajectories.duo.models import (DuoExchange, DuoNotification, DuoOutboxItem, DuoTrajectoryState, HANDLED,
                             NotificationStatus, OutboxKind, OutboxStatus)
from trajectories.duo.schemas import exam_results_in, term_in
from trajectories.services import record_events
from trajectories.models import Trajectory, TrajectoryStatus

CLAIM_FOR = timedelta(minutes=10)
ENDED = (TrajectoryStatus.DROPPED_OUT, TrajectoryStatus.SWITCHED, TrajectoryStatus.COMPLETED)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


# Configuration: which OINs are ours and which municipality each stands for.

def municipality_oins() -> dict[str, str]:
    """CBS code -> OIN from DUO_MUNICIPALITY_OINS ("GM0505=0000...,GM0642=0000...")."""
    pairs = (item.split("=", 1) for item in current_app.config["DUO_MUNICIPALITY_OINS"].split(",") if "=" in item)
    return {code.strip(): oin.strip() for code, oin in pairs}


def own_oins() -> set[str]:
    return {oin for oin in (current_app.config["DUO_OWN_OIN"], *municipality_oins().values()) if oin}


def bron_for(municipality: Municipality) -> str:
    """The OIN a call on behalf of this municipality carries as `bron`."""
    return municipality_oins().get(municipality.code) or current_app.config["DUO_OWN_OIN"]


def municipality_for_oin(oin: str) -> Municipality | None:
    code = next((code for code, value in municipality_oins().items() if value == oin), None)
    return db.session.scalar(sa.select(Municipality).where(Municipality.code == code)) if code else None


# Notifications in.

def _content_hash(payload: dict, bron: str, doel: str) -> str:
    canonical = json.dumps({"body": payload, "bron": bron, "doel": doel}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def receive_notification(data: dict, raw: dict, *, bron: str, doel: str, message_id: str,
                         now: datetime) -> tuple[DuoNotification, bool]:
    """Store a notification once per berichtId: a resend with the same content is a no-op, other content a Conflict."""
    digest = _content_hash(raw, bron, doel)
    existing = db.session.scalar(sa.select(DuoNotification).where(DuoNotification.message_id == message_id))
    if existing is not None:
        return _same_or_conflict(existing, digest), False
    registered = data["registratieDatumTijd"]
    bsn = data.get("bsn")
    notification = DuoNotification(
        message_id=message_id, sender_oin=bron, recipient_oin=doel, event_code=data["gebeurtenisId"],
        registered_at=registered if registered.tzinfo else registered.replace(tzinfo=AMSTERDAM),
        bsn_encrypted=encrypt_bsn(bsn) if bsn else None, bsn_hash=bsn_lookup_hash(bsn) if bsn else None,
        v_number_encrypted=encrypt_bsn(str(data["vNummer"])) if "vNummer" in data else None,
        content_hash=digest, municipality=municipality_for_oin(doel), received_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:  # the same berichtId arrived concurrently
        existing = db.session.scalar(sa.select(DuoNotification).where(DuoNotification.message_id == message_id))
        return _same_or_conflict(existing, digest), False
    return notification, True


def _same_or_conflict(existing: DuoNotification, digest: str) -> DuoNotification:
    if existing.content_hash != digest:
        raise Conflict("Dit berichtId is al gebruikt voor een andere notificatie.")
    return existing


def current_trajectory(bsn_hash: str) -> Trajectory | None:
    """The participant's trajectory that DUO's news is about: the latest one that has not ended."""
    ended = sa.select(DuoTrajectoryState.trajectory_id).where(DuoTrajectoryState.obligation_ended_on.is_not(None))
    candidates = db.session.scalars(
        sa.select(Trajectory).where(Trajectory.bsn_hash == bsn_hash, Trajectory.id.not_in(ended))
        .order_by(Trajectory.referral_date.desc(), Trajectory.id.desc())).all()
    return next((t for t in candidates if t.status not in ENDED), None)


def handle_notification(notification: DuoNotification, *, today, now: datetime) -> DuoNotification:
    """Act on the events that matter (HANDLED); store and show the others."""
    if notification.event_code not in HANDLED:
        return _settle(notification, NotificationStatus.STORED, "Opgeslagen; deze gebeurtenis vraagt geen actie.")
    trajectory = current_trajectory(notification.bsn_hash) if notification.bsn_hash else None
    if trajectory is None:
        return _settle(notification, NotificationStatus.UNMATCHED, "Geen lopend traject met dit BSN.")
    notification.trajectory = trajectory
    notification.municipality = notification.municipality or trajectory.municipality
    try:
        with db.session.begin_nested():
            outcome = HANDLERS[notification.event_code](notification, trajectory, today, now)
    except DomainError as exc:
        return _settle(notification, NotificationStatus.FAILED, _error_text(exc))
    return _settle(notification, NotificationStatus.PROCESSED, outcome)


def _settle(notification: DuoNotification, status: NotificationStatus, outcome: str) -> DuoNotification:
    notification.status, notification.outcome = status, outcome[:500]
    return notification


def _state(trajectory: Trajectory) -> DuoTrajectoryState:
    state = db.session.get(DuoTrajectoryState, trajectory.id)
    if state is None:
        state = DuoTrajectoryState(trajectory_id=trajectory.id)
        db.session.add(state)
    return state


def _local_date(moment: datetime):
    return moment.astimezone(AMSTERDAM).date()


def _fetch_exam_results(notification, trajectory, today, now) -> str:
    enqueue(OutboxKind.FETCH_EXAM_RESULTS, trajectory, f"notification:{notification.id}", now,
            notification=notification)
    return "Examenresultaten worden bij DUO opgehaald."


def _fetch_term(notification, trajectory, today, now) -> str:
    enqueue(OutboxKind.FETCH_TERM, trajectory, f"notification:{notification.id}", now, notification=notification)
    return "De nieuwe inburgeringstermijn wordt bij DUO opgehaald."


def _mark_fulfilled(notification, trajectory, today, now) -> str:
    state = _state(trajectory)
    state.obligation_fulfilled_on = _local_date(notification.registered_at)
    audit.record(None, "duo_obligation_fulfilled", trajectory, f"{trajectory}: inburgeringsplicht voldaan (SS106)")
    return "Inburgeringsplicht voldaan (diploma) vastgelegd."


def _record_kennisgeving(notification, trajectory, today, now) -> str:
    """SS139: DUO's kennisgeving started the ten weeks for the PIP; a date staff entered stands."""
    if trajectory.kennisgeving_on is not None:
        return "Datum kennisgeving stond al vast; ongewijzigd."
    trajectory.kennisgeving_on = _local_date(notification.registered_at)
    audit.record(None, "duo_kennisgeving", trajectory, f"{trajectory}: kennisgeving van DUO (SS139)",
                 {"kennisgeving_on": [None, trajectory.kennisgeving_on]})
    return f"Datum kennisgeving vastgelegd: {trajectory.kennisgeving_on:%d-%m-%Y}."


def _flag_transfer(notification, trajectory, today, now) -> str:
    state = _state(trajectory)
    state.transfer_flagged_on, state.transfer_event = today, notification.event_code
    state.transfer_to = municipality_for_oin(notification.recipient_oin)
    audit.record(None, "duo_transfer_flagged", trajectory,
                 f"{trajectory}: gevestigd in {state.transfer_to or 'een andere gemeente'} ({notification.event_code})")
    return "Traject gemarkeerd voor overdracht; de contractmanager ziet het op de startpagina."


def _end(notification, trajectory, today, now) -> str:
    day = min(_local_date(notification.registered_at), today)
    record_events([mapping.end_event(notification.event_code, trajectory.id, trajectory.reference, day)],
                  sender=mapping.SENDER, source="duo", by=None, today=today)
    state = _state(trajectory)
    state.obligation_ended_on, state.ended_by_event = day, notification.event_code
    audit.record(None, "duo_trajectory_ended", trajectory, f"{trajectory}: beëindigd ({notification.event_code})")
    return "Traject beëindigd (uitval)."


HANDLERS = {"SS199": _fetch_exam_results, "SS102": _fetch_term, "SS103": _fetch_term, "SS104": _fetch_term,
            "SS106": _mark_fulfilled, "SS139": _record_kennisgeving, "SS120": _flag_transfer, "SS121": _flag_transfer,
            "SS110": _end, "SS111": _end}


# The outbox: calls to DUO that must happen, with retries and backoff.

def enqueue(kind: OutboxKind, trajectory: Trajectory, dedupe_key: str, now: datetime, *,
            notification: DuoNotification | None = None, payload: dict | None = None) -> DuoOutboxItem:
    item = DuoOutboxItem(kind=kind, dedupe_key=dedupe_key, trajectory=trajectory,
                         municipality_id=trajectory.municipality_id, notification=notification, payload=payload,
                         next_attempt_at=now, created_at=now)
    db.session.add(item)
    db.session.flush()
    return item


def due_items(now: datetime, limit: int = 100) -> list[int]:
    return db.session.scalars(
        sa.select(DuoOutboxItem.id).where(_is_due(now)).order_by(DuoOutboxItem.next_attempt_at).limit(limit)).all()


def _is_due(now: datetime):
    return sa.or_(sa.and_(DuoOutboxItem.status == OutboxStatus.PENDING, DuoOutboxItem.next_attempt_at <= now),
                  sa.and_(DuoOutboxItem.status == OutboxStatus.SENDING, DuoOutboxItem.claimed_until < now))


def claim(item_id: int, now: datetime) -> DuoOutboxItem | None:
    """Take one item for this process (None if another took it first); the attempt counts from here."""
    taken = db.session.execute(
        sa.update(DuoOutboxItem).where(DuoOutboxItem.id == item_id, _is_due(now))
        .values(status=OutboxStatus.SENDING, claimed_until=now + CLAIM_FOR, attempts=DuoOutboxItem.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        return None
    item = db.session.get(DuoOutboxItem, item_id)
    db.session.refresh(item)
    return item


def deliver(item: DuoOutboxItem, client: DuoClient, *, now: datetime, today) -> DuoOutboxItem:
    """Make the item's call; apply DUO's answer, or schedule the next attempt, or give up."""
    trajectory = item.trajectory
    bsn, bron = decrypt_bsn(trajectory.bsn_encrypted), bron_for(trajectory.municipality)
    try:
        response = CALLS[item.kind](client, item, bsn, bron)
    except DuoError as exc:
        _log_call(item, exc.path, exc.message_id, exc.status, False, exc.detail, exc.duration_ms, now)
        return _attempt_failed(item, exc, now)
    _log_call(item, response.path, response.message_id, response.status, True, "", response.duration_ms, now)
    try:
        with db.session.begin_nested():
            outcome = APPLY[item.kind](item, response, today)
    except (DomainError, ValidationError) as exc:
        return _finish(item, OutboxStatus.FAILED, _error_text(exc))
    if item.notification is not None:
        item.notification.outcome = outcome[:500]
    return _finish(item, OutboxStatus.DONE, "", done_at=now)


def _attempt_failed(item: DuoOutboxItem, exc: DuoError, now: datetime) -> DuoOutboxItem:
    if not exc.is_transient or item.attempts >= current_app.config["DUO_MAX_ATTEMPTS"]:
        return _finish(item, OutboxStatus.FAILED, exc.detail)
    item.next_attempt_at = now + mapping.backoff(item.attempts, exc.retry_after)
    return _finish(item, OutboxStatus.PENDING, exc.detail)


def _finish(item: DuoOutboxItem, status: OutboxStatus, error: str, done_at=None) -> DuoOutboxItem:
    item.status, item.last_error, item.claimed_until, item.done_at = status, error[:500], None, done_at
    return item


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return f"DUO stuurde een antwoord dat niet aan de specificatie voldoet: {exc.messages}"[:500]
    details = [e.get("message", "") for e in (exc.errors or [])] if isinstance(exc, DomainError) else []
    return "; ".join([str(exc), *[d for d in details if d and d != str(exc)]])[:500]


def _log_call(item, path, message_id, status, ok, detail, duration_ms, now) -> None:
    method = "GET" if item.kind in (OutboxKind.FETCH_EXAM_RESULTS, OutboxKind.FETCH_TERM) else "PUT"
    db.session.add(DuoExchange(direction="uit", method=method, path=path, message_id=message_id,
                               status_code=status, is_success=ok, detail=detail[:500], duration_ms=duration_ms,
                               municipality_id=item.municipality_id, outbox_item_id=item.id,
                               notification_id=item.notification_id, created_at=now))


def record_inbound(notification: DuoNotification | None, message_id: str, status: int, detail: str,
                   now: datetime) -> None:
    db.session.add(DuoExchange(direction="in", method="POST", path="/notificaties", message_id=message_id[:36],
                               status_code=status, is_success=status < 300, detail=detail[:500],
                               municipality_id=notification.municipality_id if notification else None,
                               notification_id=notification.id if notification else None, created_at=now))


CALLS = {
    OutboxKind.FETCH_EXAM_RESULTS: lambda client, item, bsn, bron: client.get_exam_results(bsn, bron),
    OutboxKind.FETCH_TERM: lambda client, item, bsn, bron: client.get_term(bsn, bron),
    **{kind: (lambda resource: lambda client, item, bsn, bron: client.put_result(resource, bsn, bron, item.payload))(
        resource) for kind, resource in mapping.REPORT_PATHS.items()},
}


def _apply_exam_results(item: DuoOutboxItem, response: DuoResponse, today) -> str:
    trajectory = item.trajectory
    events = mapping.exam_events(exam_results_in.load(response.body or []), trajectory.id, trajectory.reference,
                                 trajectory.referral_date, today)
    if events:
        record_events(events, sender=mapping.SENDER, source="duo", by=None, today=today)
    return f"{len(events)} examenresultaat/-resultaten van DUO verwerkt."


def _apply_term(item: DuoOutboxItem, response: DuoResponse, today) -> str:
    term = mapping.term_from_duo(term_in.load(response.body or {}))
    state = _state(item.trajectory)
    before = {key: getattr(state, key) for key in term}
    for key, value in term.items():
        setattr(state, key, value)
    trajectory = item.trajectory
    dates = mapping.trajectory_term(term, trajectory.term_ends_on)
    before |= {key: getattr(trajectory, key) for key in dates}
    for key, value in dates.items():
        setattr(trajectory, key, value)
    audit.record(None, "duo_term_changed", trajectory, f"{trajectory}: inburgeringstermijn van DUO",
                 audit.diff(before, term | dates))
    return f"Inburgeringstermijn bijgewerkt: loopt tot en met {term['term_ends_on']:%d-%m-%Y}."


def _apply_report(item: DuoOutboxItem, response: DuoResponse, today) -> str:
    return "Resultaat aan DUO gemeld."


APPLY = {OutboxKind.FETCH_EXAM_RESULTS: _apply_exam_results, OutboxKind.FETCH_TERM: _apply_term,
         **{kind: _apply_report for kind in mapping.REPORT_PATHS}}


def retry(item: DuoOutboxItem, *, by: User, now: datetime) -> DuoOutboxItem:
    """A failed call is tried again at the next tick, with a fresh count of attempts."""
    require(by, Action.TRAJECTORIES, [item.trajectory.municipality])
    if item.status != OutboxStatus.FAILED:
        raise Conflict("Alleen een mislukt bericht kan opnieuw worden verstuurd.")
    item.status, item.attempts, item.next_attempt_at = OutboxStatus.PENDING, 0, now
    audit.record(by, "duo_retry", item, f"DUO-bericht {item.kind} voor {item.trajectory} opnieuw in de wachtrij")
    return item


def resolve_transfer(state: DuoTrajectoryState, *, by: User) -> DuoTrajectoryState:
    """The contract manager has dealt with the move; the flag goes."""
    require(by, Action.TRAJECTORIES, [state.trajectory.municipality])
    audit.record(by, "duo_transfer_resolved", state.trajectory, f"{state.trajectory}: overdracht afgehandeld",
                 {"transfer_flagged_on": [state.transfer_flagged_on, None]})
    state.transfer_flagged_on, state.transfer_event, state.transfer_to = None, None, None
    return state


# Reads for the pages.

def notifications_for(user: User):
    return (sa.select(DuoNotification).where(scope_filter(user, DuoNotification.municipality_id))
            .order_by(DuoNotification.received_at.desc(), DuoNotification.id.desc()))


def exchanges_for(user: User, failures_only: bool = False):
    stmt = sa.select(DuoExchange).where(scope_filter(user, DuoExchange.municipality_id))
    if failures_only:
        stmt = stmt.where(DuoExchange.is_success.is_(False))
    return stmt.order_by(DuoExchange.created_at.desc(), DuoExchange.id.desc())


def outbox_for(user: User, statuses=(OutboxStatus.FAILED, OutboxStatus.PENDING, OutboxStatus.SENDING,
                                     OutboxStatus.MANUAL)):
    return db.session.scalars(
        sa.select(DuoOutboxItem).where(scope_filter(user, DuoOutboxItem.municipality_id),
                                       DuoOutboxItem.status.in_(statuses))
        .order_by(DuoOutboxItem.status, DuoOutboxItem.next_attempt_at).limit(200)).all()


def transfers_for(user: User) -> list[DuoTrajectoryState]:
    return db.session.scalars(
        sa.select(DuoTrajectoryState).join(Trajectory)
        .where(DuoTrajectoryState.transfer_flagged_on.is_not(None), scope_filter(user, Trajectory.municipality_id))
        .order_by(DuoTrajectoryState.transfer_flagged_on)).all()


def outbox_item_for(user: User, item_id: int) -> DuoOutboxItem | None:
    return db.session.scalar(sa.select(DuoOutboxItem).where(
        DuoOutboxItem.id == item_id, scope_filter(user, DuoOutboxItem.municipality_id)))


def transfer_for(user: User, trajectory_id: int) -> DuoTrajectoryState | None:
    return db.session.scalar(sa.select(DuoTrajectoryState).join(Trajectory).where(
        DuoTrajectoryState.trajectory_id == trajectory_id, DuoTrajectoryState.transfer_flagged_on.is_not(None),
        scope_filter(user, Trajectory.municipality_id)))
