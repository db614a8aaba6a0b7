"""Route switches (schakelen): after a new PIP a participant moves to another leerroute. The old trajectory closes
with reason "schakelen", which is no uitval, and a new one starts on the new route's contract, linked to the old;
what the old schedule pays stops at the switch date, as after any end (payments.md)."""
import secrets
from datetime import date

import sqlalchemy as sa

from contracts.models import Contract, ContractStatus
from contracts.services import visible_contracts
from core import audit
from core.errors import DomainError
from core.extensions import db
from core.scope import Action, require
from core.models import Service, ServiceKind, User
from core.personal_data import decrypt_bsn
from trajectories.batch import BatchRejected
from trajectories.events import SWITCH_REASON
from trajectories.models import Trajectory, TrajectoryStatus
from trajectories.services import create_trajectory, record_events, sender_for

RUNNING = (TrajectoryStatus.REFERRED, TrajectoryStatus.ACTIVE, TrajectoryStatus.INTERRUPTED)


def switch_route(old: Trajectory, data: dict, *, by: User, today: date) -> Trajectory:
    """Close `old` on data["switched_on"] with reason schakelen and refer the participant to the new route's contract
    on that day (the referral's conditions apply); the new trajectory names the old one."""
    require(by, Action.TRAJECTORIES, [old.municipality])
    if old.status not in RUNNING:
        raise DomainError(f"Traject {old.reference} is al beëindigd; alleen een lopend traject kan schakelen.",
                          field="switched_on")
    contract = db.session.scalar(visible_contracts(by).where(Contract.id == data["contract_id"])) if by else (
        db.session.get(Contract, data["contract_id"]))
    if contract is None:  # another region's contract is as unknown as one that does not exist
        raise DomainError("Onbekend contract.", field="contract_id")
    if ServiceKind.LEERROUTE != contract.service.kind or ServiceKind.LEERROUTE != old.contract.service.kind:
        raise DomainError("Schakelen kan alleen van de ene leerroute naar de andere.", field="contract_id")
    if contract.service_id == old.contract.service_id:
        raise DomainError(f"Het nieuwe contract is ook voor de {contract.service.name}; schakelen is naar een "
                          "andere leerroute.", field="contract_id")
    day = data["switched_on"]
    try:
        record_events([{"event_id": f"SCHAKEL-{secrets.token_hex(6)}", "trajectory": old.reference,
                        "type": "dropout", "date": day.isoformat(), "reason": SWITCH_REASON}],
                      sender=sender_for(by), source="manual", by=by, today=today, switching=True)
    except BatchRejected as refused:  # the date rules of an end: not in the future, nothing after it ...
        raise DomainError(refused.errors[0]["message"], field="switched_on") from None
    new = create_trajectory({
        **data, "municipality": old.municipality.code, "referral_date": day,
        "participant": {"name": old.participant_name,
                        "bsn": decrypt_bsn(old.bsn_encrypted) if old.bsn_encrypted else None}}, by=by, today=today)
    new.switched_from = old
    audit.record(by, "trajectory_switched", old, f"Traject {old.reference} geschakeld naar {new.reference} "
                 f"({contract.service.name}, contract {contract.reference}) op {day:%d-%m-%Y}",
                 {"to": new.reference, "contract": contract.reference, "switched_on": day})
    return new


def switch_choices(old: Trajectory) -> list[tuple[int, str]]:
    """The active contracts of another leerroute that the old trajectory's municipality takes part in."""
    contracts = db.session.scalars(sa.select(Contract).join(Contract.service).where(
        Contract.status == ContractStatus.ACTIVE, Service.kind == ServiceKind.LEERROUTE,
        Contract.service_id != old.contract.service_id).order_by(Contract.reference)).all()
    return [(c.id, f"{c.reference} - {c.provider.name} ({c.service.name})") for c in contracts
            if old.municipality in c.municipalities]
