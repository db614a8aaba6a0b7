"""Login, logout, the start page per role and the audit log."""
import logging
import math

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from core import audit, login_throttle
from core.auth import end_sessions, roles_required, start_session, verify_password
from core.dates import now_utc, today
from core.extensions import db
from core.forms import LoginForm
from core.models import AuditEntry, User
from core.registry import items
from core.rest import public
from core.web import page_of_rows, safe_next

bp = Blueprint("core", __name__)
log = logging.getLogger(__name__)
LOGIN_FAILED = "Onjuist e-mailadres of wachtwoord."


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        email, client = form.email.data.strip().lower(), request.remote_addr or "onbekend"
        attempt = login_throttle.attempt(email, client, now_utc())
        if attempt.wait:
            return _throttled(form, email, client, attempt.wait)
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if not verify_password(user, form.password.data) or not user.is_enabled:
            audit.record(None, "login_failed", user, email, {"client": client})
            db.session.commit()
            form.password.errors.append(LOGIN_FAILED)
            return render_template("core/login.html", form=form), 200
        login_throttle.succeeded(attempt, now_utc())
        start_session(user)
        audit.record(user, "login", user, email, {"client": client})
        db.session.commit()
        return redirect(safe_next(request.args.get("next")) or url_for("core.index"))
    return render_template("core/login.html", form=form)


def _throttled(form: LoginForm, email: str, client: str, wait: int):
    """429 with the wait, the same for every account (known or not); the refusal is logged, not audited: a flood of
    them must not queue at the audit chain."""
    log.warning("login throttled for %s from %s: %d s to wait", email, client, wait)
    when = f"{wait} seconde{'n' if wait != 1 else ''}" if wait < 90 else f"{math.ceil(wait / 60)} minuten"
    form.password.errors.append(f"Te veel mislukte pogingen. Probeer het over {when} opnieuw.")
    return render_template("core/login.html", form=form), 429, {"Retry-After": str(wait)}


@bp.post("/logout")
def logout():
    end_sessions(current_user)
    audit.record(current_user, "logout", current_user, current_user.email)
    db.session.commit()
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("core.login"))


@bp.get("/")
def index():
    panels = [(panel.template, panel.context(current_user, today()))
              for panel in items(current_app, "panels") if current_user.role in panel.roles]
    return render_template("core/index.html", panels=panels)


@bp.get("/audit")
@roles_required()
def audit_log():
    stmt = sa.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if request.args.get("object_type"):
        stmt = stmt.where(AuditEntry.object_type == request.args["object_type"])
    return render_template("core/audit_log.html", page=page_of_rows(stmt))
