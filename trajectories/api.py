"""The progress API: trajectories, progress events (JSON) and progress imports (CSV)."""
from flask_login import current_user

from core.auth import roles_required
from core.dates import today
from core.extensions import db
from core.models import Role
from core.rest import make_api_blueprint, paginate
from core.schemas import PageQuery, page_of
from trajectories import referrals, services
from trajectories.csvfile import MAX_BYTES, FileTooLarge
from trajectories.models import Trajectory
from trajectories.schemas import (EventsInSchema, EventsResultSchema, ImportInSchema, ImportResultSchema,
                                  TrajectoryDetailSchema, TrajectoryInSchema, TrajectoryOutSchema)

bp = make_api_blueprint("trajectories_api", __name__)
SENDERS = (Role.PROVIDER, Role.CONTRACTMANAGER)
DRY_RUN = "Proefrun (dry_run): gecontroleerd, niets opgeslagen"


@bp.get("/trajectories")
@roles_required(*Role)
@bp.arguments(PageQuery(), location="query")
@bp.response(200, page_of(TrajectoryOutSchema))
def trajectories(args):
    """Trajecten binnen uw bereik"""
    return paginate(services.visible_trajectories(current_user).order_by(Trajectory.reference), args)


@bp.post("/trajectories")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(TrajectoryInSchema())
@bp.response(201, TrajectoryOutSchema)
def create_trajectory(data):
    """Deelnemer aanmelden (traject)

    422 met het veld bij een contract dat op de aanmelddatum niet actief is, een gemeente die niet deelneemt, een
    aanbieder zonder geldig keurmerk of met een geschorste of beëindigde Open House-toelating; de weigering komt
    in het auditlog van het contract. Rollen: admin, contractmanager."""
    try:
        trajectory = services.create_trajectory(data, by=current_user, today=today())
    except referrals.ReferralRefused as refusal:  # the refusal stays in the contract's audit log
        db.session.rollback()
        referrals.record_refusal(data, refusal, by=current_user)
        db.session.commit()
        raise
    db.session.commit()
    return trajectory


@bp.get("/trajectories/<int:trajectory_id>")
@roles_required(*Role)
@bp.response(200, TrajectoryDetailSchema)
def trajectory(trajectory_id: int):
    """Eén traject met zijn voortgangsgebeurtenissen"""
    return db.first_or_404(services.visible_trajectories(current_user).where(Trajectory.id == trajectory_id))


@bp.post("/progress-events")
@roles_required(*SENDERS)
@bp.arguments(EventsInSchema())
@bp.response(201, EventsResultSchema)
@bp.alt_response(200, schema=EventsResultSchema, description=DRY_RUN, success=True)
def progress_events(data):
    """Voortgangsgebeurtenissen sturen (atomair, idempotent per event_id)

    Rollen: provider, contractmanager, admin."""
    events = services.record_events(data["events"], sender=services.sender_for(current_user), source="api",
                                    by=current_user, today=today())
    return _finish(data["dry_run"], {"accepted": len(events), "duplicates": len(data["events"]) - len(events)})


@bp.post("/progress-imports")
@roles_required(*SENDERS)
@bp.arguments(ImportInSchema(), location="multipart")
@bp.response(201, ImportResultSchema)
@bp.alt_response(200, schema=ImportResultSchema, description=DRY_RUN, success=True)
def progress_import(args):
    """CSV-bestand met voortgangsgebeurtenissen importeren

    Rollen: provider, contractmanager, admin."""
    upload = args["file"]
    if upload.stream.seek(0, 2) > MAX_BYTES:
        raise FileTooLarge("Het bestand is groter dan 50 MB.")
    upload.stream.seek(0)
    result = services.import_csv(upload.stream, sender=services.sender_for(current_user), source="csv",
                                 by=current_user, today=today())
    return _finish(args["dry_run"], result.__dict__)


def _finish(dry_run: bool, body: dict):
    """A dry run reports what would happen and stores nothing."""
    if dry_run:
        db.session.rollback()
        return body, 200
    db.session.commit()
    return body, 201
