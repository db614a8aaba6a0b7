"""The progress API: trajectories, progress events (JSON) and progress imports (CSV)."""
from flask import abort, current_app, request, url_for
from flask_login import current_user
from marshmallow import fields

from core.auth import roles_required
from core.dates import today
from core.extensions import db
from core.models import Role
from core.rest import doc, load_json, make_api_blueprint, paginate
from core.schemas import page_of
from trajectories import imports, services
from trajectories.models import ProgressImport, Trajectory
from trajectories.schemas import (EventOutSchema, EventsInSchema, EventsResultSchema, ImportJobSchema,
                                  ImportResultSchema, TrajectoryInSchema, TrajectoryOutSchema)

bp = make_api_blueprint("trajectories_api", __name__)
trajectory_in, trajectory_out, events_in = TrajectoryInSchema(), TrajectoryOutSchema(), EventsInSchema()
event_out, import_job = EventOutSchema(exclude=("voided",)), ImportJobSchema()
SENDERS = (Role.PROVIDER, Role.CONTRACTMANAGER)
IMPORT_FORM = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary"}, "dry_run": {"type": "boolean"}}}


class TrajectoryDetailSchema(TrajectoryOutSchema):
    events = fields.List(fields.Nested(EventOutSchema))


def _trajectory_json(trajectory: Trajectory) -> dict:
    """Providers see the pseudonym only (security-checks.md: no personal data to private parties)."""
    data = trajectory_out.dump(trajectory)
    if current_user.role == Role.PROVIDER:
        data["participant"] = {"pseudonym": trajectory.participant_pseudonym}
    return data


@bp.get("/trajectories")
@doc("Trajecten binnen uw bereik", response=page_of(TrajectoryOutSchema))
@roles_required(*Role)
def trajectories():
    page = paginate(services.visible_trajectories(current_user).order_by(Trajectory.reference), trajectory_out)
    if current_user.role == Role.PROVIDER:
        page["items"] = [{**item, "participant": {"pseudonym": item["participant"]["pseudonym"]}}
                         for item in page["items"]]
    return page


@bp.post("/trajectories")
@roles_required(Role.CONTRACTMANAGER)
@doc("Deelnemer aanmelden (traject)", body=TrajectoryInSchema, response=TrajectoryOutSchema, status=201,
     roles="admin, contractmanager")
def create_trajectory():
    trajectory = services.create_trajectory(load_json(trajectory_in), by=current_user, today=today())
    db.session.commit()
    return _trajectory_json(trajectory), 201


@bp.get("/trajectories/<int:trajectory_id>")
@doc("Eén traject met zijn voortgangsgebeurtenissen", response=TrajectoryDetailSchema)
@roles_required(*Role)
def trajectory(trajectory_id: int):
    found = db.first_or_404(services.visible_trajectories(current_user).where(Trajectory.id == trajectory_id))
    events = [{**event_out.dump(e), "voided": voided} for e, voided in services.events_of(found)]
    return {**_trajectory_json(found), "events": events}


@bp.post("/progress-events")
@roles_required(*SENDERS)
@doc("Voortgangsgebeurtenissen sturen (atomair, idempotent per event_id)", body=EventsInSchema,
     response=EventsResultSchema, status=201, also=(200,), roles="provider, contractmanager, admin")
def progress_events():
    data = load_json(events_in)
    events = services.record_events(data["events"], sender=services.sender_for(current_user), source="api",
                                    by=current_user, today=today())
    return _finish(data["dry_run"], {"accepted": len(events), "duplicates": len(data["events"]) - len(events)})


@bp.post("/progress-imports")
@roles_required(*SENDERS)
@doc("CSV-bestand met voortgangsgebeurtenissen importeren; een groot bestand wordt een taak (202, Location)",
     form=IMPORT_FORM, response=ImportResultSchema, status=201, also=(200,), other={202: ImportJobSchema},
     roles="provider, contractmanager, admin")
def progress_import():
    upload = request.files.get("file")
    if upload is None:
        abort(400, "Stuur het CSV-bestand mee in het veld 'file'.")
    dry_run = request.form.get("dry_run", "").lower() in ("1", "true", "ja", "on")
    if imports.measure(upload.stream) > current_app.config["SYNC_IMPORT_MAX_ROWS"]:
        item = imports.save_upload(upload.stream, upload.filename, by=current_user, confirmed=not dry_run)
        db.session.commit()
        return import_job.dump(item), 202, {"Location": url_for(".import_job_status", import_id=item.id),
                                            "Retry-After": "5"}
    result = services.import_csv(upload.stream, sender=services.sender_for(current_user), source="csv",
                                 by=current_user, today=today())
    return _finish(dry_run, result.__dict__)


@bp.get("/progress-imports/<int:import_id>")
@doc("De stand van een groot CSV-bestand (202 van POST /progress-imports)", response=ImportJobSchema,
     roles="provider, contractmanager, admin")
@roles_required(*SENDERS)
def import_job_status(import_id: int):
    item = db.first_or_404(imports.visible_imports(current_user).where(ProgressImport.id == import_id))
    return import_job.dump(item), 200, {"Retry-After": "5"} if item.status in imports.BUSY else {}


def _finish(dry_run: bool, body: dict):
    """A dry run reports what would happen and stores nothing."""
    if dry_run:
        db.session.rollback()
        return body, 200
    db.session.commit()
    return body, 201
