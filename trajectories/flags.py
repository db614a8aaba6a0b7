"""The contract manager's start page: running trajectories at a provider that may not take participants now."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from contracts.models import Contract
from contracts.services import visible_contracts
from core.extensions import db
from core.models import User
from trajectories.models import ProgressEvent, Trajectory
from trajectories.referrals import delivery_barrier
from trajectories.services import trajectory_scope


def running(user: User):
    """The user's trajectories that have not ended: no dropout or completion that a retraction did not void."""
    retraction = aliased(ProgressEvent)
    ended = sa.select(ProgressEvent.trajectory_id).where(
        ProgressEvent.type.in_(("dropout", "completed")),
        ~sa.exists().where(retraction.retracts_id == ProgressEvent.id))
    return (sa.select(Trajectory).join(Trajectory.contract)
            .where(trajectory_scope(user), Trajectory.id.not_in(ended)))


def flagged_contracts(user: User, today: date) -> list[tuple[Contract, str, int]]:
    """(contract, why its provider may not take participants today, its running trajectories) for every contract in
    the user's scope with running trajectories whose provider lacks a valid keurmerk or a standing admission."""
    contracts = db.session.scalars(visible_contracts(user).options(
        selectinload(Contract.provider), selectinload(Contract.service), selectinload(Contract.admission))).all()
    barred = {c.id: (c, reason) for c in contracts if (reason := delivery_barrier(c, today))}
    if not barred:
        return []
    counts = db.session.execute(running(user).with_only_columns(Trajectory.contract_id, sa.func.count())
                                .where(Trajectory.contract_id.in_(barred)).group_by(Trajectory.contract_id)).all()
    return [(*barred[contract_id], count) for contract_id, count in counts]
