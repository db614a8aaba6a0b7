"""Open House in HTML: the procedures, applications (by providers or entered by staff), decisions, public list."""
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from contracts import open_house as services
from contracts.forms import AnnouncementForm, ApplicationForm, DecisionForm, OpenHouseForm
from contracts.models import Admission
from contracts.services import suggested_terms
from core.auth import roles_required
from core.dates import today
from core.errors import DomainError
from core.extensions import db
from core.forms import options
from core.models import Role
from core.rest import public
from core.scope import Action, permits, require
from core.web import flash_domain_error, page_of_rows, show_domain_error
from procurement.models import ProcurementCase
from procurement.services import visible_cases
from providers.models import Provider

bp = Blueprint("open_house", __name__, url_prefix="/open-house")


def _decision_form(admission: Admission) -> DecisionForm:
    """One form per application on the page, so each gets its own field ids."""
    form = DecisionForm(prefix=f"a{admission.id}", data={"checklist": [k for k, v in admission.checklist.items() if v]})
    form.checklist.choices = options((r, r) for r in admission.open_house.requirements)
    return form


@bp.get("/toegelaten")
@public
def admitted():
    """The one public page: which providers are admitted to which Open House."""
    houses = db.session.scalars(services.public_open_houses()).all()
    return render_template("contracts/open_house_public.html", houses=houses)


@bp.get("/")
@roles_required(*Role)
def index():
    return render_template("contracts/open_house_index.html", page=page_of_rows(services.public_open_houses()))


def _open_house_form() -> OpenHouseForm:
    """On GET prefilled from ?case= (its adopted PvE, else its service's template)."""
    case = db.session.scalar(visible_cases(current_user).where(ProcurementCase.id == request.args.get(
        "case", type=int))) if request.method == "GET" else None
    form = OpenHouseForm(data={"procurement_case": case.id} if case else None)
    if request.method == "GET":
        terms = suggested_terms(case)
        form.price_per_trajectory.data = terms.get("price_per_trajectory")
        form.fill_terms(terms.get("milestones"), terms.get("kpis"))
    form.procurement_case.choices = options((c.id, f"Zaak {c.id}: {c.service.name}") for c in _cases_to_open())
    return form


def _cases_to_open() -> list[ProcurementCase]:
    """The cases within the user's write scope: never another region's."""
    return [case for case in db.session.scalars(visible_cases(current_user))
            if permits(current_user, Action.OPEN_HOUSE, case.municipalities)]


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(Role.CONTRACTMANAGER)
def create():
    form = _open_house_form()
    if not form.change_rows(request.form) and form.validate_on_submit():
        try:
            house = services.open_open_house(db.first_or_404(visible_cases(current_user).where(
                ProcurementCase.id == form.procurement_case.data)),
                                             form.data | form.term_items(), by=current_user)
            db.session.commit()
            return redirect(url_for("open_house.detail", open_house_id=house.id))
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("contracts/form.html", form=form, title="Open House openen", prefill="open_house.create")


def _render_detail(house, announcement_form: AnnouncementForm | None = None, status: int = 200):
    form = ApplicationForm()
    form.provider.choices = options((p.id, p.name) for p in
                                    db.session.scalars(sa.select(Provider).order_by(Provider.name)))
    return render_template("contracts/open_house_detail.html", house=house, form=form,
                           decision_form_for=_decision_form,
                           announcement_form=announcement_form or AnnouncementForm(obj=house)), status


@bp.get("/<int:open_house_id>")
@roles_required(*Role)
def detail(open_house_id: int):
    return _render_detail(services.visible_open_house(current_user, open_house_id))


@bp.post("/<int:open_house_id>/aankondiging")
@roles_required(Role.CONTRACTMANAGER)
def announce(open_house_id: int):
    house, form = services.visible_open_house(current_user, open_house_id), AnnouncementForm()
    if form.validate_on_submit():
        try:
            services.announce(house, form.announced_on.data, form.url.data, by=current_user, today=today())
            db.session.commit()
            flash("De openbare aankondiging is vastgelegd; aanbieders kunnen zich nu aanmelden.", "success")
            return redirect(url_for("open_house.detail", open_house_id=house.id))
        except DomainError as exc:
            show_domain_error(form, exc)
    return _render_detail(house, form, 422)


@bp.post("/<int:open_house_id>/aanmelden")
@roles_required(Role.CONTRACTMANAGER, Role.PROVIDER)
def apply(open_house_id: int):
    house, form = services.visible_open_house(current_user, open_house_id), ApplicationForm()
    provider_id = current_user.provider_id if current_user.role == Role.PROVIDER else form.provider.data
    try:
        services.apply(house, db.get_or_404(Provider, provider_id or 0), by=current_user, today=today())
        db.session.commit()
        flash("De aanmelding is ontvangen.", "success")
    except DomainError as exc:
        flash_domain_error(exc)
    return redirect(url_for("open_house.detail", open_house_id=house.id))


@bp.post("/aanmelding/<int:admission_id>/besluit")
@roles_required(Role.CONTRACTMANAGER)
def decide(admission_id: int):
    admission = db.get_or_404(Admission, admission_id)
    house = services.visible_open_house(current_user, admission.open_house_id)
    require(current_user, Action.OPEN_HOUSE, house.procurement_case.municipalities)  # before the form says anything
    form = _decision_form(admission)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("open_house.detail", open_house_id=admission.open_house_id))
    try:
        services.decide(admission, form.status.data, form.motivation.data, by=current_user, today=today(),
                        checklist={item: True for item in form.checklist.data})
        db.session.commit()
        flash(f"Besluit over {admission.provider.name} vastgelegd.", "success")
    except DomainError as exc:
        flash_domain_error(exc)
    return redirect(url_for("open_house.detail", open_house_id=admission.open_house_id))
