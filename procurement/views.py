"""Procurement pages: the cases, their assessment, decision and planning, the regional matrix, the memo."""
from io import BytesIO

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from core.auth import roles_required, scope_filter, visible_regions
from core.dates import now_utc, today
from core.errors import DomainError
from core.extensions import db
from core.models import Municipality, Role, Service
from core.services import orderable_services
from core.web import page_of_rows, show_domain_error
from procurement import planning, services
from procurement.assessment import assess
from procurement.forms import (CaseForm, DecisionForm, MilestoneForm, PlanningForm, PolicyForm, ScoreForm,
                               case_data, fill_case_form)
from procurement.models import ROUTE_LABELS, ProcurementCase, RouteScore
from procurement.reference import CRITERIA

bp = Blueprint("procurement", __name__, url_prefix="/inkoop")
STAFF = (Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE)


def _case(case_id: int) -> ProcurementCase:
    return db.first_or_404(services.visible_cases(current_user).where(ProcurementCase.id == case_id))


def _case_form(case: ProcurementCase | None = None) -> CaseForm:
    form = CaseForm()
    form.service.choices = [SelectChoice(s.code, s.name) for s in db.session.scalars(orderable_services())]
    form.region_id.choices = [SelectChoice("", "Geen (lokaal dossier)")] + [
        SelectChoice(r.id, r.name) for r in db.session.scalars(visible_regions(current_user))]
    form.municipalities.choices = [SelectChoice(m.code, m.name) for m in db.session.scalars(
        sa.select(Municipality).where(scope_filter(current_user, Municipality.id)).order_by(Municipality.name))]
    if case is not None and request.method == "GET":
        fill_case_form(form, case)
    return form


def _detail(case: ProcurementCase, decision_form=None, planning_form=None, status=200):
    try:
        assessment, error = assess(case, today()), None
    except DomainError as exc:
        assessment, error = None, exc.message
    return render_template("procurement/detail.html", case=case, assessment=assessment, assessment_error=error,
                           decision_form=decision_form or DecisionForm(),
                           planning_form=planning_form or PlanningForm(route=(
                               case.decision_in_force.route.value if case.decision_in_force else None)),
                           violations=planning.case_violations(case),
                           route_labels=ROUTE_LABELS), status


def _save_case(form: CaseForm, case: ProcurementCase | None):
    try:
        if case is None:
            case = services.create_case(case_data(form), by=current_user)
        else:
            services.update_case(case, case_data(form), by=current_user)
    except DomainError as exc:
        show_domain_error(form, exc)
        return None
    db.session.commit()
    return case


def _done(case_id: int, message: str, anchor: str | None = None):
    """Commit the request's one change, confirm it and go back to the case (post/redirect/get)."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("procurement.detail", case_id=case_id, _anchor=anchor))


@bp.get("/")
@roles_required(*STAFF)
def index():
    return render_template("procurement/index.html", page=page_of_rows(services.visible_cases(current_user)),
                           route_labels=ROUTE_LABELS)


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(Role.INKOPER)
def create():
    form = _case_form()
    if form.validate_on_submit() and (case := _save_case(form, None)):
        flash("Het inkoopdossier is aangemaakt.", "success")
        return redirect(url_for("procurement.detail", case_id=case.id))
    return render_template("procurement/edit.html", form=form, case=None)


@bp.get("/<int:case_id>")
@roles_required(*STAFF)
def detail(case_id: int):
    return _detail(_case(case_id))


@bp.route("/<int:case_id>/wijzigen", methods=["GET", "POST"])
@roles_required(Role.INKOPER)
def edit(case_id: int):
    case = _case(case_id)
    form = _case_form(case)
    if form.validate_on_submit() and _save_case(form, case):
        flash("Het inkoopdossier is bijgewerkt.", "success")
        return redirect(url_for("procurement.detail", case_id=case.id))
    return render_template("procurement/edit.html", form=form, case=case)


@bp.post("/<int:case_id>/besluit")
@roles_required(Role.INKOPER)
def decide(case_id: int):
    case, form = _case(case_id), DecisionForm()
    if not form.validate_on_submit():
        return _detail(case, decision_form=form, status=422)
    try:
        services.record_decision(case, form.route.data, form.motivation.data, by=current_user, today=today(),
                                 now=now_utc())
    except DomainError as exc:
        show_domain_error(form, exc)
        return _detail(_case(case_id), decision_form=form, status=422)
    return _done(case_id, "Het besluit is vastgelegd en wacht op goedkeuring door een tweede inkoper of beheerder.")


@bp.post("/<int:case_id>/besluit/goedkeuren")
@roles_required(Role.INKOPER)
def approve(case_id: int):
    case = _case(case_id)
    services.approve_decision(services.pending_decision(case), by=current_user, today=today(), now=now_utc())
    return _done(case_id, "Het besluit is goedgekeurd en nu van kracht.")


@bp.post("/<int:case_id>/planning")
@roles_required(Role.INKOPER)
def plan(case_id: int):
    case, form = _case(case_id), PlanningForm()
    if not form.validate_on_submit():
        return _detail(case, planning_form=form, status=422)
    services.plan_case(case, form.route.data, form.starts_on.data, by=current_user, today=today())
    return _done(case_id, "De planning is opgesteld volgens het sjabloon.", anchor="planning")


@bp.route("/<int:case_id>/mijlpalen/<int:milestone_id>", methods=["GET", "POST"])
@roles_required(Role.INKOPER)
def milestone(case_id: int, milestone_id: int):
    case = _case(case_id)
    item = next((m for m in case.milestones if m.id == milestone_id), None) or abort(404)
    form = MilestoneForm(obj=item)
    if form.validate_on_submit():
        services.update_milestone(item, form.due_on.data, form.done_on.data, by=current_user)
        return _done(case_id, "De mijlpaal is bijgewerkt.", anchor="planning")
    return render_template("procurement/milestone.html", form=form, case=case, milestone=item)


@bp.get("/<int:case_id>/besluitnotitie.pdf")
@roles_required(*STAFF)
def memo(case_id: int):
    pdf = services.memo_pdf(_case(case_id), today())
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"besluitnotitie-{case_id}.pdf")


@bp.get("/matrix")
@roles_required(*STAFF)
def matrix():
    regions = db.session.scalars(visible_regions(current_user)).all()
    chosen = next((r for r in regions if str(r.id) == request.args.get("regio")), regions[0] if regions else None)
    services_, municipalities, cells = services.regional_matrix(chosen) if chosen else ([], [], {})
    return render_template("procurement/matrix.html", regions=regions, region=chosen, services=services_,
                           municipalities=municipalities, cells=cells, route_labels=ROUTE_LABELS)


@bp.route("/scores", methods=["GET", "POST"])
@roles_required()
def scores():
    rows = db.session.scalars(sa.select(RouteScore).order_by(RouteScore.route, RouteScore.criterion)).all()
    form = ScoreForm()
    if form.validate_on_submit():
        row = next((r for r in rows if str(r.id) == request.form.get("score_id")), None) or abort(404)
        services.set_route_score(row, form.score.data, form.explanation.data or "", by=current_user)
        db.session.commit()
        flash("De score is bijgewerkt.", "success")
        return redirect(url_for("procurement.scores"))
    return render_template("procurement/scores.html", rows=rows, form=form, criteria=CRITERIA,
                           route_labels=ROUTE_LABELS)


@bp.route("/inkoopbeleid/<code>", methods=["GET", "POST"])
@roles_required(Role.INKOPER)
def policy(code: str):
    municipality = db.first_or_404(sa.select(Municipality).where(
        Municipality.code == code, scope_filter(current_user, Municipality.id)))
    form = PolicyForm(obj=municipality)
    if form.validate_on_submit():
        services.set_purchasing_policy(municipality, form.single_source_threshold.data,
                                       form.multiple_quote_threshold.data, by=current_user)
        db.session.commit()
        flash(f"Het inkoopbeleid van {municipality.name} is bijgewerkt.", "success")
        return redirect(url_for("procurement.index"))
    return render_template("procurement/policy.html", form=form, municipality=municipality)
