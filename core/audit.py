"""The audit log: services call `record` for every change to contracts, decisions and payment runs.

The log is append-only in the database (triggers refuse UPDATE and DELETE, core.models.APPEND_ONLY_DDL) and
chained: each row's hash covers its own content and the previous row's hash, so `flask audit verify` finds a row
altered or removed behind the triggers' back. Writers take their turn on the chain's end: an advisory lock on
PostgreSQL, the database's write lock on SQLite, both held until the transaction ends.
"""
import enum
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from core.dates import now_utc
from core.extensions import db
from core.locks import take_write_lock
from core.models import AuditEntry, User

#: The hash before the first row.
GENESIS = "0" * 64
#: pg_advisory_xact_lock key of the chain's end ("audit" in ASCII).
CHAIN_LOCK = 0x6175646974


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def diff(before: dict, after: dict) -> dict:
    """The fields that differ, as {field: [old, new]}."""
    return {k: [_plain(before.get(k)), _plain(after.get(k))] for k in after if before.get(k) != after.get(k)}


def record(actor: User | None, action: str, obj, summary: str = "", changes: dict | None = None) -> AuditEntry:
    """Add one audit line; `obj` is a flushed model instance, or None for a failed login of an unknown user."""
    previous = _chain_end()  # also flushes what the transaction added so far, so the ids below are known
    entry = AuditEntry(
        created_at=now_utc(),
        actor=actor,
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "systeem",
        action=action,
        object_type=type(obj).__name__ if obj is not None else "User",
        object_id=getattr(obj, "id", None),
        summary=summary[:500],
        changes=_plain(changes) if changes else None,
    )
    entry.chain_hash = chain_hash(previous, entry)
    db.session.add(entry)
    return entry


def chain_hash(previous: str, entry: AuditEntry) -> str:
    """The hash of one row: the previous row's hash and this row's content (everything but its id)."""
    content = [entry.created_at.isoformat(), entry.actor_id, entry.actor_label, entry.action, entry.object_type,
               entry.object_id, entry.summary, entry.changes]
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + text).encode()).hexdigest()


def _chain_end() -> str:
    """The last row's hash, once this transaction holds the chain's end (the earlier rows it added included)."""
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK)))
    else:
        take_write_lock(AuditEntry)
    return db.session.scalar(sa.select(AuditEntry.chain_hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS


def verify() -> tuple[int, list[int]]:
    """Walk the whole log in id order: how many rows, and the ids whose hash does not follow from their content
    and their predecessor (none when the log is intact)."""
    previous, count, broken = GENESIS, 0, []
    for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)):
        count += 1
        if chain_hash(previous, entry) != entry.chain_hash:
            broken.append(entry.id)
        previous = entry.chain_hash
    return count, broken


def history(obj) -> list[AuditEntry]:
    return db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).all()
