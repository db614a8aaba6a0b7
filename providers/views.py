"""The provider registry: list and search, detail, register, edit, the provider's user accounts and documents."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core import files
from core.auth import roles_required
from core.errors import DomainError
from core.extensions import db
from core.models import Role
from core.forms import DocumentForm
from core.web import flash_domain_error, form_upload, page_of_rows, show_domain_error
from providers import services
from providers.forms import ProviderForm, ProviderUserForm
from providers.models import PROVIDER_DOCUMENT_LABELS, Provider

bp = Blueprint("providers", __name__, url_prefix="/aanbieders")
STAFF = (Role.CONTRACTMANAGER, Role.INKOPER, Role.FINANCE)
PENDING_BANK_CHANGE = ("De nieuwe bankgegevens (IBAN {}) wachten op goedkeuring door een tweede persoon; tot dan "
                       "gelden de huidige.")


def _visible(provider_id: int) -> Provider:
    return db.first_or_404(services.visible_providers(current_user).where(Provider.id == provider_id))


def _document_form(provider: Provider) -> DocumentForm:
    current = [d for d in db.session.scalars(services.provider_documents(provider)) if d.is_current]
    return DocumentForm.of(PROVIDER_DOCUMENT_LABELS, current)


@bp.get("/")
@roles_required(*Role)
def index():
    page = page_of_rows(services.visible_providers(current_user, request.args.get("q")))
    return render_template("providers/index.html", page=page)


@bp.get("/<int:provider_id>")
@roles_required(*Role)
def detail(provider_id: int):
    provider = _visible(provider_id)
    return render_template("providers/detail.html", provider=provider, users=services.provider_users(provider),
                           user_form=ProviderUserForm(), document_form=_document_form(provider),
                           documents=db.session.scalars(services.provider_documents(provider)).all())


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(Role.CONTRACTMANAGER)
def create():
    form = ProviderForm()
    if form.validate_on_submit():
        try:
            provider = services.register_provider(form.data, by=current_user)
            db.session.commit()
            flash(f"Aanbieder {provider.name} is geregistreerd.", "success")
            return redirect(url_for("providers.detail", provider_id=provider.id))
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("providers/form.html", form=form, provider=None)


@bp.route("/<int:provider_id>/wijzigen", methods=["GET", "POST"])
@roles_required(Role.CONTRACTMANAGER)
def edit(provider_id: int):
    provider = _visible(provider_id)
    form = ProviderForm(obj=provider)
    if form.validate_on_submit():
        try:
            services.update_provider(provider, form.data, by=current_user)
            db.session.commit()
            flash("De gegevens zijn opgeslagen.", "success")
            if provider.pending_bank_change is not None:
                flash(PENDING_BANK_CHANGE.format(provider.pending_bank_change.new_iban), "info")
            return redirect(url_for("providers.detail", provider_id=provider.id))
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("providers/form.html", form=form, provider=provider)


@bp.post("/<int:provider_id>/gebruikers")
@roles_required(Role.CONTRACTMANAGER)
def add_user(provider_id: int):
    provider, form = _visible(provider_id), ProviderUserForm()
    if form.validate_on_submit():
        try:
            password = services.one_time_password(form.email.data)
            user = services.create_provider_user(provider, form.email.data, form.name.data or "", password,
                                                 by=current_user)
            db.session.commit()
            flash(f"Gebruiker {user.email} aangemaakt. Eenmalig wachtwoord: {password}", "success")
        except DomainError as exc:
            flash_domain_error(exc)
    for errors in form.errors.values():
        flash(" ".join(errors), "error")
    return redirect(url_for("providers.detail", provider_id=provider.id))


@bp.post("/<int:provider_id>/documenten")
@roles_required(Role.CONTRACTMANAGER, Role.PROVIDER)
def add_document(provider_id: int):
    provider = _visible(provider_id)
    try:
        services.add_provider_document(provider, *form_upload(_document_form(provider)), by=current_user)
        db.session.commit()
        flash("Het document is toegevoegd.", "success")
    except DomainError as exc:
        flash_domain_error(exc)
    return redirect(url_for("providers.detail", provider_id=provider.id, _anchor="documenten"))


@bp.get("/<int:provider_id>/documenten/<int:provider_document_id>")
@roles_required(*Role)
def document(provider_id: int, provider_document_id: int):
    found = services.get_provider_document(_visible(provider_id), provider_document_id)
    return files.send(found, services.DOCUMENT_FOLDER)


@bp.post("/<int:provider_id>/documenten/<int:provider_document_id>/verwijderen")
@roles_required(Role.CONTRACTMANAGER)
def delete_document(provider_id: int, provider_document_id: int):
    found = services.get_provider_document(_visible(provider_id), provider_document_id)
    services.delete_provider_document(found, by=current_user)
    db.session.commit()
    flash("Het document is verwijderd.", "success")
    return redirect(url_for("providers.detail", provider_id=provider_id, _anchor="documenten"))
