"""Contracts in HTML: list, detail with schedule, KPIs, tariffs, documents and history; create, amend, change the
tariff, add and delete documents."""
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from contracts import services
from contracts.forms import AmendForm, ContractForm, TariffForm
from contracts.models import CONTRACT_DOCUMENT_LABELS, Contract
from core import audit, files
from core.auth import roles_required, scope_filter
from core.errors import DomainError
from core.extensions import db
from core.forms import DocumentForm, options
from core.models import Municipality, Role, Service
from core.services import orderable_services
from core.web import flash_domain_error, form_upload, page_of_rows, show_domain_error
from procurement.models import ProcurementCase
from procurement.services import visible_cases
from providers.models import Provider

bp = Blueprint("contracts", __name__, url_prefix="/contracten")


def _filtered():
    stmt = services.visible_contracts(current_user)
    if request.args.get("provider_id", "").isdigit():
        stmt = stmt.where(Contract.provider_id == int(request.args["provider_id"]))
    if request.args.get("status"):
        stmt = stmt.where(Contract.status == request.args["status"])
    return stmt


def _document_form(contract: Contract) -> DocumentForm:
    current = [d for d in db.session.scalars(services.contract_documents(contract)) if d.is_current]
    return DocumentForm.of(CONTRACT_DOCUMENT_LABELS, current)


def _choices(form: ContractForm) -> ContractForm:
    form.provider.choices = options((p.id, f"{p.name} ({p.kvk_number})") for p in
                                    db.session.scalars(sa.select(Provider).order_by(Provider.name)))
    form.service.choices = options((s.code, s.name) for s in db.session.scalars(orderable_services()))
    form.municipalities.choices = options((m.code, m.name) for m in db.session.scalars(
        sa.select(Municipality).where(scope_filter(current_user, Municipality.id)).order_by(Municipality.name)))
    form.procurement_case.choices = options([(0, "Geen"), *((c.id, f"Zaak {c.id}: {c.service.name}") for c in
                                                            db.session.scalars(visible_cases(current_user)))])
    return form


def _prefilled() -> ContractForm:
    case = db.session.scalar(visible_cases(current_user).where(
        ProcurementCase.id == (request.args.get("case", type=int) or 0)))
    terms = services.terms_from_case(case)
    form = ContractForm(data={"procurement_case": case.id if case else 0,
                              "service": terms["service"].code if terms else None,
                              "municipalities": [m.code for m in terms.get("municipalities", [])],
                              **{k: terms.get(k) for k in ("price_per_trajectory", "ceiling", "milestones", "kpis")}})
    return _choices(form)


@bp.get("/")
@roles_required(*Role)
def index():
    return render_template("contracts/index.html", page=page_of_rows(_filtered()))


@bp.get("/<int:contract_id>")
@roles_required(*Role)
def detail(contract_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    return render_template("contracts/detail.html", contract=contract, paid_total=services.paid_total(contract.id),
                           history=audit.history(contract), document_form=_document_form(contract),
                           documents=db.session.scalars(services.contract_documents(contract)).all())


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(Role.CONTRACTMANAGER)
def create():
    form = _prefilled() if request.method == "GET" else _choices(ContractForm())
    if form.validate_on_submit():
        try:
            contract = services.create_contract(services.form_data(form.data), by=current_user)
            db.session.commit()
            flash(f"Contract {contract.reference} is vastgelegd.", "success")
            return redirect(url_for("contracts.detail", contract_id=contract.id))
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("contracts/form.html", form=form, title="Contract vastleggen")


@bp.route("/<int:contract_id>/wijzigen", methods=["GET", "POST"])
@roles_required(Role.CONTRACTMANAGER)
def amend(contract_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    form = AmendForm(obj=contract, data={"kpis": services.kpis_of(contract), "status": contract.status.value})
    if form.validate_on_submit():
        try:
            services.amend_contract(contract, services.form_data(form.data), form.reason.data, by=current_user)
            db.session.commit()
            flash("De wijziging is vastgelegd.", "success")
            return redirect(url_for("contracts.detail", contract_id=contract.id))
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("contracts/form.html", form=form, title=f"{contract.reference} wijzigen")


@bp.route("/<int:contract_id>/tarief", methods=["GET", "POST"])
@roles_required(Role.CONTRACTMANAGER)
def tariff(contract_id: int):
    contract, form = services.get_visible_contract(current_user, contract_id), TariffForm()
    if form.validate_on_submit():
        try:
            services.change_tariff(contract, form.effective_on.data, form.price_per_trajectory.data,
                                   services.amounts_from_form(contract, request.form), form.reason.data, by=current_user)
            db.session.commit()
            flash("De tariefwijziging is vastgelegd.", "success")
            return redirect(url_for("contracts.detail", contract_id=contract.id))
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("contracts/tariff.html", form=form, contract=contract)


@bp.post("/<int:contract_id>/documenten")
@roles_required(Role.CONTRACTMANAGER)
def add_document(contract_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    try:
        services.add_contract_document(contract, *form_upload(_document_form(contract)), by=current_user)
        db.session.commit()
        flash("Het document is toegevoegd.", "success")
    except DomainError as exc:
        flash_domain_error(exc)
    return redirect(url_for("contracts.detail", contract_id=contract.id, _anchor="documenten"))


@bp.get("/<int:contract_id>/documenten/<int:contract_document_id>")
@roles_required(*Role)
def document(contract_id: int, contract_document_id: int):
    found = services.get_contract_document(services.get_visible_contract(current_user, contract_id),
                                           contract_document_id)
    return files.send(found, services.DOCUMENT_FOLDER)


@bp.post("/<int:contract_id>/documenten/<int:contract_document_id>/verwijderen")
@roles_required(Role.CONTRACTMANAGER)
def delete_document(contract_id: int, contract_document_id: int):
    found = services.get_contract_document(services.get_visible_contract(current_user, contract_id),
                                           contract_document_id)
    services.delete_contract_document(found, by=current_user)
    db.session.commit()
    flash("Het document is verwijderd.", "success")
    return redirect(url_for("contracts.detail", contract_id=contract_id, _anchor="documenten"))
