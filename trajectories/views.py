"""Trajectories, their event timeline, manual entry and the CSV upload with preview."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth import roles_required
from core.dates import today
from core.errors import DomainError
from core.extensions import db
from core.models import Role
from core.forms import options
from core.web import page_of_rows, show_domain_error
from trajectories import imports, referrals, services, switches, termijn
from trajectories.csvfile import column_guide, template_csv
from trajectories.events import DUTCH_COLUMNS, SKILL_NAMES, TYPE_LABELS
from trajectories.forms import DatesForm, EventForm, SwitchForm, TrajectoryForm, UploadForm
from trajectories.models import ImportStatus, ProgressImport, Trajectory
from trajectories.senders import SOURCE_LABELS, sender_names

bp = Blueprint("trajectories", __name__)
SENDERS = (Role.PROVIDER, Role.CONTRACTMANAGER)


def _trajectory_or_404(trajectory_id: int) -> Trajectory:
    return db.first_or_404(services.visible_trajectories(current_user).where(Trajectory.id == trajectory_id))


def _import_or_404(import_id: int) -> ProgressImport:
    return db.first_or_404(imports.visible_imports(current_user).where(ProgressImport.id == import_id))


def _keep_refusal(data: dict, exc: DomainError) -> None:
    """A referral refused on its conditions stays in the contract's audit log (the request's one commit)."""
    if isinstance(exc, referrals.ReferralRefused):
        referrals.record_refusal(data, exc, by=current_user)
        db.session.commit()


def _switch_form(trajectory: Trajectory) -> SwitchForm:
    form = SwitchForm(prefix="schakelen")  # beside the event form on the trajectory page
    form.contract_id.choices = options(switches.switch_choices(trajectory))
    return form


def _render_detail(trajectory: Trajectory, form: EventForm, switch_form: SwitchForm | None = None,
                   dates_form: DatesForm | None = None) -> str:
    events = services.events_of(trajectory)
    return render_template("trajectories/detail.html", trajectory=trajectory, events=events, form=form,
                           bsn=services.masked_bsn(trajectory, current_user), labels=TYPE_LABELS,
                           senders=sender_names(e.sender for e, _ in events), sources=SOURCE_LABELS,
                           alfabetisering=referrals.ALFABETISERING, skills=SKILL_NAMES,
                           switch_form=switch_form or _switch_form(trajectory),
                           dates_form=dates_form or DatesForm(obj=trajectory, prefix="termijn"))


@bp.get("/trajectories")
@roles_required(*Role)
def index():
    stmt = services.visible_trajectories(current_user).order_by(Trajectory.referral_date.desc(), Trajectory.id.desc())
    if query := request.args.get("q", "").strip():
        stmt = stmt.where(Trajectory.reference.contains(query, autoescape=True))
    return render_template("trajectories/index.html", page=page_of_rows(stmt), query=query)


@bp.route("/trajectories/new", methods=["GET", "POST"])
@roles_required(Role.CONTRACTMANAGER)
def create():
    form = services.fill_trajectory_choices(TrajectoryForm(), current_user)
    if form.validate_on_submit():
        data = services.trajectory_data(form.data)
        try:
            trajectory = services.create_trajectory(data, by=current_user, today=today())
        except DomainError as exc:
            show_domain_error(form, exc)
            _keep_refusal(data, exc)
        else:
            db.session.commit()
            flash(f"Traject {trajectory.reference} is aangemeld.", "success")
            return redirect(url_for("trajectories.detail", trajectory_id=trajectory.id))
    return render_template("trajectories/create.html", form=form), 422 if form.errors or form.form_errors else 200


@bp.get("/trajectories/<int:trajectory_id>")
@roles_required(*Role)
def detail(trajectory_id: int):
    return _render_detail(_trajectory_or_404(trajectory_id), EventForm())


@bp.post("/trajectories/<int:trajectory_id>/events")
@roles_required(Role.CONTRACTMANAGER)
def add_event(trajectory_id: int):
    trajectory, form = _trajectory_or_404(trajectory_id), EventForm()
    if form.validate_on_submit():
        try:
            services.record_manual_event(trajectory, form.as_item(), by=current_user, today=today())
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash("De gebeurtenis is vastgelegd.", "success")
            return redirect(url_for("trajectories.detail", trajectory_id=trajectory.id))
    return _render_detail(trajectory, form), 422


@bp.post("/trajectories/<int:trajectory_id>/termijn")
@roles_required(Role.CONTRACTMANAGER)
def set_dates(trajectory_id: int):
    trajectory, form = _trajectory_or_404(trajectory_id), DatesForm(prefix="termijn")
    if form.validate_on_submit():
        try:
            termijn.set_dates(trajectory, {name: form[name].data for name in termijn.DATE_FIELDS}, by=current_user,
                              today=today())
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash("De termijn en data zijn vastgelegd.", "success")
            return redirect(url_for("trajectories.detail", trajectory_id=trajectory.id))
    return _render_detail(trajectory, EventForm(), dates_form=form), 422


@bp.post("/trajectories/<int:trajectory_id>/schakelen")
@roles_required(Role.CONTRACTMANAGER)
def switch(trajectory_id: int):
    trajectory = _trajectory_or_404(trajectory_id)
    form = _switch_form(trajectory)
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        try:
            new = switches.switch_route(trajectory, data, by=current_user, today=today())
        except DomainError as exc:
            show_domain_error(form, exc)
            _keep_refusal(data, exc)
        else:
            db.session.commit()
            flash(f"Traject {trajectory.reference} is geschakeld naar {new.reference}.", "success")
            return redirect(url_for("trajectories.detail", trajectory_id=new.id))
    return _render_detail(trajectory, EventForm(), form), 422


@bp.route("/progress/imports/new", methods=["GET", "POST"])
@roles_required(*SENDERS)
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        item = imports.save_upload(form.file.data.stream, form.file.data.filename, by=current_user)
        db.session.commit()
        return redirect(url_for("trajectories.import_detail", import_id=item.id))
    return render_template("trajectories/upload.html", form=form, columns=column_guide())


@bp.get("/progress/imports/<int:import_id>")
@roles_required(*SENDERS)
def import_detail(import_id: int):
    item = _import_or_404(import_id)
    columns, preview = imports.preview_table(item)
    return render_template("trajectories/import.html", item=item, Status=ImportStatus,
                           columns=columns, preview=preview, column_labels=DUTCH_COLUMNS)


@bp.get("/progress/imports/<int:import_id>/status")
@roles_required(*SENDERS)
def import_status(import_id: int):
    item = _import_or_404(import_id)
    return {"status": item.status.value, "busy": item.status in imports.BUSY, "rows": item.rows, "total": item.rows,
            "processed": item.processed}


@bp.post("/progress/imports/<int:import_id>/<any(confirm, retry, discard):action>")
@roles_required(*SENDERS)
def import_action(import_id: int, action: str):
    """Import a checked file, do a failed one's work again, or discard it."""
    item = _import_or_404(import_id)
    getattr(imports, action)(item)
    db.session.commit()
    return redirect(url_for("trajectories.import_detail", import_id=item.id))


@bp.get("/progress/template.csv")
@roles_required(*Role)
def template():
    return Response(template_csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=voortgang-sjabloon.csv"})
