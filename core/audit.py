"""The audit log: services call `record` for every change to contracts, decisions and payment runs."""
from decimal import Decimal
from datetime import date, datetime
import enum

from core.extensions import db
from core.models import AuditEntry, User


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
    entry = AuditEntry(
        actor=actor,
        actor_label=actor.email if actor else "systeem",
        action=action,
        object_type=type(obj).__name__ if obj is not None else "User",
        object_id=getattr(obj, "id", None),
        summary=summary[:500],
        changes=_plain(changes) if changes else None,
    )
    db.session.add(entry)
    return entry


def history(obj) -> list[AuditEntry]:
    return db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).all()
