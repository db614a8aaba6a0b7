"""What DUO is told of MAP, PVT and Z-route completions: the municipality's own registrations (entered or confirmed
by staff), and every later change of them, through the outbox."""
from datetime import datetime

import sqlalchemy as sa

from core import audit
from core.errors import Conflict
from core.extensions import db
from core.scope import Action, require
from core.models import User
from trajectories.duo import mapping
from trajectories.duo.models import DuoOutboxItem, OutboxStatus
from trajectories.duo.services import enqueue
from trajectories.models import ProgressEvent, Trajectory


def queue_module_reports(now: datetime) -> int:
    """Tell DUO of each MAP, PVT and Z-route completion that municipal staff entered or confirmed (the earliest such
    non-voided date), and of every later change: a new date, or a withdrawal once none is left. DUO's API withdraws
    a MAP or PVT date by a PUT without it; it offers no withdrawal of a Z-route, which is then left for a person
    ("correctie bij DUO nodig" on the DUO page)."""
    voided = sa.select(ProgressEvent.retracts_id).where(ProgressEvent.retracts_id.is_not(None))
    wanted = dict(((trajectory_id, module), day) for trajectory_id, module, day in db.session.execute(
        sa.select(Trajectory.id, ProgressEvent.module, sa.func.min(ProgressEvent.occurred_on))
        .join(ProgressEvent, ProgressEvent.trajectory_id == Trajectory.id)
        .where(ProgressEvent.type == "module_completed", ProgressEvent.sender.startswith("user:"),
               ProgressEvent.id.not_in(voided), Trajectory.bsn_encrypted.is_not(None))
        .group_by(Trajectory.id, ProgressEvent.module)))
    told = _last_reports()
    queued = 0
    for trajectory_id, module in sorted(wanted.keys() | told.keys()):
        kind, field = mapping.MODULE_REPORTS[module]
        day, (count, payload) = wanted.get((trajectory_id, module)), told.get((trajectory_id, module), (0, None))
        reported = (payload or {}).get(field)
        if (day.isoformat() if day else None) == reported or (day is None and not count):
            continue
        trajectory = db.session.get(Trajectory, trajectory_id)
        key = f"report:{kind}:{trajectory_id}" + (f":{count}" if count else "")
        body = mapping.module_report(module, day)[1] if day else {}
        item = enqueue(kind, trajectory, key, now, payload=body)
        if day is None and module == "ZROUTE":
            item.status, item.last_error = OutboxStatus.MANUAL, ZROUTE_CORRECTION
        queued += 1
    return queued


ZROUTE_CORRECTION = ("Correctie bij DUO nodig: de gemelde afronding van de Z-route is ingetrokken en DUO's API kan "
                     "die niet intrekken; laat DUO de datum verwijderen.")


def _last_reports() -> dict[tuple[int, str], tuple[int, dict | None]]:
    """Per (trajectory, module): how many reports were queued, and the body of the last one."""
    kinds = {kind: module for module, (kind, _) in mapping.MODULE_REPORTS.items()}
    counts = dict(((t, k), (n, last)) for t, k, n, last in db.session.execute(
        sa.select(DuoOutboxItem.trajectory_id, DuoOutboxItem.kind, sa.func.count(), sa.func.max(DuoOutboxItem.id))
        .where(DuoOutboxItem.kind.in_(kinds)).group_by(DuoOutboxItem.trajectory_id, DuoOutboxItem.kind)))
    bodies = dict(db.session.execute(sa.select(DuoOutboxItem.id, DuoOutboxItem.payload).where(
        DuoOutboxItem.id.in_([last for _, last in counts.values()]))).all())
    return {(t, kinds[k]): (n, bodies[last]) for (t, k), (n, last) in counts.items()}


def resolve_correction(item: DuoOutboxItem, *, by: User, now: datetime) -> DuoOutboxItem:
    """Staff had DUO correct what its API cannot: the item is done."""
    require(by, Action.TRAJECTORIES, [item.trajectory.municipality])
    if item.status != OutboxStatus.MANUAL:
        raise Conflict("Alleen een correctie die bij DUO nodig is kan worden afgehandeld.")
    item.status, item.done_at = OutboxStatus.DONE, now
    audit.record(by, "duo_correction_resolved", item, f"Correctie {item.kind} voor {item.trajectory} bij DUO afgehandeld")
    return item
