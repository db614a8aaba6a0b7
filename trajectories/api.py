"""The progress API: trajectories, progress events (JSON) and progress imports (CSV)."""
from flask import current_app, jsonify, url_for
from flask_login import current_user

from core.auth import roles_required
from core.dates import today
from core.extensions import db
from core.models import Role
from core.rest import make_api_blueprint, paginate
from core.schemas import PageQuery, page_of
from trajectories import imports, referrals, services, switches, termijn
from trajectories.models import ProgressImport, Trajectory
from trajectories.schemas import (DatesInSchema, EventsInSchema, EventsResultSchema, ImportInSchema, ImportJobSchema,
                                  ImportResultSchema, SwitchInSchema, TrajectoryDetailSchema, TrajectoryInSchema,
                                  TrajectoryOutSchema)

bp = make_api_blueprint("trajectories_api", __name__)
import_job = ImportJobSchema()
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
    return _committed(lambda: services.create_trajectory(data, by=current_user, today=today()), data)


def _committed(refer, data: dict) -> Trajectory:
    """The request's commit of a referral; one refused on its conditions stays in the contract's audit log."""
    try:
        trajectory = refer()
    except referrals.ReferralRefused as refusal:
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


@bp.patch("/trajectories/<int:trajectory_id>")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(DatesInSchema())
@bp.response(200, TrajectoryOutSchema)
def set_dates(data, trajectory_id: int):
    """Termijn en data vastleggen: kennisgeving, PIP, einde inburgeringstermijn en verlenging

    422 met het veld bij een datum in de toekomst, een PIP vóór de kennisgeving of een verlenging die niet na het
    einde van de termijn ligt. Rollen: admin, contractmanager."""
    found = db.first_or_404(services.visible_trajectories(current_user).where(Trajectory.id == trajectory_id))
    termijn.set_dates(found, data, by=current_user, today=today())
    db.session.commit()
    return found


@bp.post("/trajectories/<int:trajectory_id>/switch")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(SwitchInSchema())
@bp.response(201, TrajectoryOutSchema)
def switch_trajectory(data, trajectory_id: int):
    """Route schakelen: het traject sluit met reden schakelen, een nieuw traject start op het nieuwe contract

    422 met het veld bij een contract dat geen andere leerroute is, een datum na de laatste gebeurtenis of in de
    toekomst, of een aanmelding die het nieuwe contract weigert (die weigering komt in het auditlog van het
    contract). Rollen: admin, contractmanager."""
    old = db.first_or_404(services.visible_trajectories(current_user).where(Trajectory.id == trajectory_id))
    return _committed(lambda: switches.switch_route(old, data, by=current_user, today=today()), data)


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
@bp.alt_response(202, schema=ImportJobSchema, description="Een groot bestand wordt een taak: volg Location",
                 success=True)
def progress_import(args):
    """CSV-bestand met voortgangsgebeurtenissen importeren; een groot bestand wordt een taak (202, Location)

    Rollen: provider, contractmanager, admin."""
    upload = args["file"]
    if imports.measure(upload.stream) > current_app.config["SYNC_IMPORT_MAX_ROWS"]:
        item = imports.save_upload(upload.stream, upload.filename, by=current_user, confirmed=not args["dry_run"])
        db.session.commit()
        answer = jsonify(import_job.dump(item))
        answer.status_code = 202
        answer.headers.update({"Location": url_for(".import_job_status", import_id=item.id), "Retry-After": "5"})
        return answer
    result = services.import_csv(upload.stream, sender=services.sender_for(current_user), source="csv",
                                 by=current_user, today=today())
    return _finish(args["dry_run"], result.__dict__)


@bp.get("/progress-imports/<int:import_id>")
@roles_required(*SENDERS)
@bp.response(200, ImportJobSchema)
def import_job_status(import_id: int):
    """De stand van een groot CSV-bestand (202 van POST /progress-imports)

    Rollen: provider, contractmanager, admin."""
    item = db.first_or_404(imports.visible_imports(current_user).where(ProgressImport.id == import_id))
    return item, 200, {"Retry-After": "5"} if item.status in imports.BUSY else {}


def _finish(dry_run: bool, body: dict):
    """A dry run reports what would happen and stores nothing."""
    if dry_run:
        db.session.rollback()
        return body, 200
    db.session.commit()
    return body, 201
