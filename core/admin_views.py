"""Beheer on screen for the region's admin: users, roles and scopes, API tokens, municipalities and regions."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from core import admin
from core.admin_forms import MunicipalityForm, RegionForm, UserForm
from core.auth import roles_required
from core.errors import DomainError
from core.extensions import db
from core.forms import options
from core.models import Municipality, Region, Role, User
from core.services import set_user_enabled
from core.web import show_domain_error

bp = Blueprint("beheer", __name__, url_prefix="/beheer")


def _user_form(user: User | None = None) -> UserForm:
    regions = db.session.scalars(admin.manageable_regions(current_user)).all()
    municipalities = db.session.scalars(admin.manageable_municipalities(current_user)).all()
    data = {} if user is None else {"email": user.email, "name": user.name, "role": user.role.value,
                                    "region_id": user.region_id or 0,
                                    "municipality_ids": [m.id for m in user.municipalities]}
    return UserForm.of(admin.staff_roles(current_user), regions, municipalities, data=data or None)


def _user_data(form: UserForm) -> dict:
    return {"email": form.email.data, "name": form.name.data.strip(), "role": Role(form.role.data),
            "region": db.session.get(Region, form.region_id.data) if form.region_id.data else None,
            "municipalities": [db.session.get(Municipality, i) for i in form.municipality_ids.data]}


def _saved(form, verb, message: str, target: str):
    """A valid form's verb run, committed and followed by a flash and a redirect to `target`; None when the form
    is invalid or the verb refused it (its DomainError then on the form, the request's changes rolled back)."""
    if not form.validate_on_submit():
        return None
    try:
        found = verb()
    except DomainError as exc:
        show_domain_error(form, exc)
        return None
    db.session.commit()
    flash(message.format(found), "success")
    return redirect(target)


@bp.get("/gebruikers")
@roles_required()
def users():
    return render_template("beheer/users.html", users=db.session.scalars(admin.manageable_users(current_user)).all())


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@roles_required()
def create_user():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user, password = admin.add_staff_user(current_user, _user_data(form))
            db.session.commit()
            return render_template("beheer/secret.html", user=user, secret=password, kind="password")
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("beheer/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@roles_required()
def edit_user(user_id: int):
    user = admin.get_managed(current_user, User, user_id)
    form = _user_form(user)
    if done := _saved(form, lambda: admin.update_staff_user(current_user, user, _user_data(form)),
                      "De gebruiker is bijgewerkt.", url_for("beheer.edit_user", user_id=user.id)):
        return done
    return render_template("beheer/user_form.html", form=form, user=user, tokens=admin.tokens_of(user)), (
        422 if form.errors else 200)


@bp.post("/gebruikers/<int:user_id>/tokens")
@roles_required()
def create_token(user_id: int):
    user = admin.get_managed(current_user, User, user_id)
    token = admin.add_token(current_user, user)
    db.session.commit()
    return render_template("beheer/secret.html", user=user, secret=token, kind="token")


@bp.post("/gebruikers/<int:user_id>/tokens/<int:token_id>/intrekken")
@roles_required()
def revoke_token(user_id: int, token_id: int):
    admin.revoke_token(current_user, admin.get_managed(current_user, User, user_id), token_id)
    db.session.commit()
    flash("Het API-token is ingetrokken; het werkt niet meer.", "success")
    return redirect(url_for("beheer.edit_user", user_id=user_id))


@bp.post("/gebruikers/<int:user_id>/<any(blokkeren, deblokkeren):action>")
@roles_required()
def set_enabled(user_id: int, action: str):
    user = admin.get_managed(current_user, User, user_id)
    if user.id == current_user.id:
        flash("U kunt uzelf niet blokkeren.", "error")
    else:
        set_user_enabled(user, action == "deblokkeren", by=current_user)
        db.session.commit()
        flash("De gebruiker is geblokkeerd." if action == "blokkeren" else "De gebruiker kan weer inloggen.", "success")
    return redirect(url_for("beheer.edit_user", user_id=user_id))


def _municipality_form() -> MunicipalityForm:
    form = MunicipalityForm()
    regions = db.session.scalars(admin.manageable_regions(current_user)).all()
    form.region_id.choices = options(([] if current_user.region_id else [(0, "Geen regio")]) +
                                     [(r.id, r.name) for r in regions])
    return form


@bp.route("/gemeenten", methods=["GET", "POST"])
@roles_required()
def municipalities():
    form = _municipality_form()
    region = db.session.get(Region, form.region_id.data) if form.region_id.data else None
    data = {"code": form.code.data, "name": form.name.data, "cost_centre": form.cost_centre.data or None}
    if done := _saved(form, lambda: admin.add_municipality(current_user, data, region), "Gemeente {} is toegevoegd.",
                      url_for("beheer.municipalities")):
        return done
    rows = db.session.scalars(admin.manageable_municipalities(current_user)).all()
    return render_template("beheer/municipalities.html", form=form, municipalities=rows), 422 if form.errors else 200


@bp.route("/regios", methods=["GET", "POST"])
@roles_required()
def regions():
    form = RegionForm()
    form.municipality_codes.choices = options((m.code, m.name) for m in db.session.scalars(
        admin.manageable_municipalities(current_user)))
    data = {"name": form.name.data, "municipalities": form.municipality_codes.data,
            "executing_organisation": form.executing_organisation.data or None}
    if done := _saved(form, lambda: admin.add_region(current_user, data), "Regio {} is aangemaakt.",
                      url_for("beheer.regions")):
        return done
    rows = db.session.scalars(admin.manageable_regions(current_user)).all()
    return render_template("beheer/regions.html", form=form, regions=rows), 422 if form.errors else 200
