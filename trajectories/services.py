"""Trajectories and the progress feed: every input (API, CSV, manual entry, DUO) goes through `record_events`."""
import secrets
from dataclasses import dataclass
from datetime import date
from typing import IO, Callable, Iterable

import sqlalchemy as sa

from contracts.models import Contract, ContractStatus
from core import audit
from core.auth import scope_filter, visible_municipality_ids
from core.errors import Conflict, DomainError
from core.extensions import db
from core.scope import Action, require
from core.formats import format_count
from core.forms import options
from core.models import Municipality, Role, User
from core.personal_data import bsn_lookup_hash, decrypt_bsn, encrypt_bsn, mask_bsn, normalise_bsn
from trajectories.batch import BatchRejected, EventBatch
from trajectories.csvfile import read_events
from trajectories.models import ProgressEvent, Trajectory
from trajectories.referrals import check_referral
from trajectories.senders import SOURCE_LABELS, sender_names

#: A CSV file is checked and stored this many rows at a time.
CHUNK = 10_000
MAX_REPORTED_ERRORS = 1_000


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
    """Refer a participant to a contract in the user's scope, on the conditions of trajectories.referrals. The
    scope is checked before the reference: nobody learns whether a reference exists outside their scope."""
    contract = db.session.get(Contract, data["contract_id"])
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == data["municipality"]))
    visible = visible_municipality_ids(by) if by is not None else None
    if contract is None or not _contract_visible(contract, visible):
        raise DomainError("Onbekend contract.", field="contract_id")
    if municipality is None or (visible is not None and municipality.id not in visible):
        raise DomainError("Onbekende gemeente.", field="municipality")
    require(by, Action.TRAJECTORIES, [municipality])
    if db.session.scalar(sa.select(Trajectory.id).where(Trajectory.reference == data["reference"])):
        raise Conflict("Deze trajectreferentie bestaat al.", field="reference")
    for name in ("referral_date", "pip_date"):
        if data.get(name) and data[name] > today:
            raise DomainError("Deze datum ligt in de toekomst.", field=name)
    recorded = check_referral(contract, municipality, data)
    participant = data.get("participant") or {}
    bsn = normalise_bsn(participant["bsn"], field="participant.bsn") if participant.get("bsn") else None
    trajectory = Trajectory(
        reference=data["reference"], contract=contract, municipality=municipality,
        referral_date=data["referral_date"], pip_date=data.get("pip_date"),
        **recorded,
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


def record_events(items: list[dict], *, sender: str, source: str, by: User | None, today: date,
                  switching: bool = False) -> list[ProgressEvent]:
    """Validate every event, then store all of them or none (DomainError with one error per failing item).

    An event_id the sender used before with identical content is a duplicate and stored once; with other content
    it is an error. `by` is None for system feeds (DUO), which see every trajectory.
    """
    batch = EventBatch(sender=sender, source=source, by=by, today=today, scope=trajectory_scope(by),
                       switching=switching)
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
    batch = EventBatch(sender=sender, source=source, by=by, today=today, scope=trajectory_scope(by))
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


def _audit_batch(batch: EventBatch, by: User | None) -> None:
    """One audit line per batch, on its first stored event."""
    if batch.first_id is not None:
        audit.record(by, "progress_events_recorded", db.session.get(ProgressEvent, batch.first_id),
                     f"{format_count(batch.accepted)} voortgangsgebeurtenissen ontvangen "
                     f"{SOURCE_LABELS.get(batch.source, '')}, afzender {sender_names([batch.sender])[batch.sender]}; "
                     f"{format_count(batch.duplicates)} al eerder ontvangen")


def _chunks(iterable: Iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def events_of(trajectory: Trajectory) -> list[tuple[ProgressEvent, bool]]:
    """The trajectory's events for its timeline, each with whether a retraction voided it."""
    voided = {e.retracts_id for e in trajectory.events if e.retracts_id}
    return [(event, event.id in voided) for event in trajectory.events]


def record_manual_event(trajectory: Trajectory, item: dict, *, by: User, today: date) -> ProgressEvent:
    """Staff enter one event by hand; it gets a generated event_id in the staff member's namespace."""
    require(by, Action.PROGRESS, [trajectory.municipality])
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
    names = ("reference", "contract_id", "municipality", "referral_date", "pip_date", "alfabetisering", "is_duaal",
             "chosen_by_participant", "provider_list_version")
    return {**{n: form_data[n] for n in names},
            "participant": {"name": form_data.get("name"), "bsn": form_data.get("bsn")}}
