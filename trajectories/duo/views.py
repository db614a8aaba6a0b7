"""The DUO exchange pages: failures and the outbox, notifications, the exchange log and transfers to handle."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth import roles_required
from core.dates import now_utc
from core.extensions import db
from core.models import Role
from core.web import page_of_rows
from trajectories.duo import reports, services

bp = Blueprint("duo", __name__, url_prefix="/duo")


@bp.get("/")
@roles_required(Role.CONTRACTMANAGER)
def index():
    return render_template("duo/index.html", outbox=services.outbox_for(current_user),
                           transfers=services.transfers_for(current_user),
                           page=page_of_rows(services.notifications_for(current_user)))


@bp.get("/uitwisselingen")
@roles_required(Role.CONTRACTMANAGER)
def exchanges():
    failures_only = request.args.get("mislukt") == "1"
    return render_template("duo/exchanges.html", failures_only=failures_only,
                           page=page_of_rows(services.exchanges_for(current_user, failures_only)))


@bp.post("/wachtrij/<int:item_id>/opnieuw")
@roles_required(Role.CONTRACTMANAGER)
def retry(item_id: int):
    item = services.outbox_item_for(current_user, item_id) or abort(404)
    services.retry(item, by=current_user, now=now_utc())
    db.session.commit()
    flash("Het bericht wordt bij de volgende ronde opnieuw naar DUO gestuurd.", "success")
    return redirect(url_for("duo.index"))


@bp.post("/wachtrij/<int:item_id>/gecorrigeerd")
@roles_required(Role.CONTRACTMANAGER)
def resolve_correction(item_id: int):
    item = services.outbox_item_for(current_user, item_id) or abort(404)
    reports.resolve_correction(item, by=current_user, now=now_utc())
    db.session.commit()
    flash(f"De correctie voor {item.trajectory} is als afgehandeld vastgelegd.", "success")
    return redirect(url_for("duo.index"))


@bp.post("/verhuizingen/<int:trajectory_id>/afgehandeld")
@roles_required(Role.CONTRACTMANAGER)
def resolve_transfer(trajectory_id: int):
    state = services.transfer_for(current_user, trajectory_id) or abort(404)
    services.resolve_transfer(state, by=current_user)
    db.session.commit()
    flash(f"Overdracht van {state.trajectory} afgehandeld.", "success")
    return redirect(url_for("duo.index"))
