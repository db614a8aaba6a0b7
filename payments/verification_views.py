"""Verification pages (issue 18): contract managers verify claims and check the sample of approved runs within their
scope; providers read the outcome of their own claims."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from core import files
from core.auth import roles_required
from core.dates import today
from core.errors import DomainError
from core.extensions import db
from core.models import Role
from core.web import page_of_rows, show_domain_error
from payments import verification
from payments.forms import ClaimAcceptForm, ClaimRejectForm, SampleCheckForm
from payments.models import ClaimStatus, EvidenceClaim, SampledLine, SampleStatus
from trajectories.events import TYPE_LABELS

bp = Blueprint("verification", __name__, url_prefix="/verificatie")


@bp.context_processor
def vocabulary():
    return {"event_labels": TYPE_LABELS}


@bp.get("/")
@roles_required(Role.CONTRACTMANAGER)
def index():
    claims = verification.visible_claims(current_user).where(EvidenceClaim.status == ClaimStatus.OPEN).limit(500)
    samples = verification.visible_samples(current_user).where(SampledLine.status == SampleStatus.OPEN).limit(500)
    decided = verification.visible_claims(current_user).where(EvidenceClaim.status != ClaimStatus.OPEN)
    return render_template("payments/verification.html", claims=db.session.scalars(claims).all(),
                           samples=db.session.scalars(samples).all(), decided=page_of_rows(decided))


@bp.get("/claims/<int:claim_id>")
@roles_required(Role.CONTRACTMANAGER)
def claim(claim_id: int):
    return _claim_page(verification.get_claim(claim_id, current_user))


def _claim_page(found: EvidenceClaim, accept: ClaimAcceptForm | None = None, reject: ClaimRejectForm | None = None):
    return render_template("payments/claim.html", claim=found, accept=accept or ClaimAcceptForm(),
                           reject=reject or ClaimRejectForm())


@bp.post("/claims/<int:claim_id>/accepteren")
@roles_required(Role.CONTRACTMANAGER)
def accept(claim_id: int):
    found, form = verification.get_claim(claim_id, current_user), ClaimAcceptForm()
    upload = form.file.data
    return _decided(found, form, lambda: verification.accept_claim(
        found, form.note.data, (upload.filename or "", upload.read()) if upload else None, by=current_user,
        today=today()), accept=form)


@bp.post("/claims/<int:claim_id>/afwijzen")
@roles_required(Role.CONTRACTMANAGER)
def reject(claim_id: int):
    found, form = verification.get_claim(claim_id, current_user), ClaimRejectForm()
    return _decided(found, form, lambda: verification.reject_claim(found, form.reason.data, by=current_user),
                    reject=form)


def _decided(found: EvidenceClaim, form, decide, **forms):
    """Apply a decision from a valid form, commit and go back to the list; else show the claim with the errors."""
    if form.validate_on_submit():
        try:
            decide()
            db.session.commit()
            flash(f"Claim {found.milestone_code} van {found.trajectory}: {found.status_label.lower()}.", "success")
            return redirect(url_for("verification.index"))
        except DomainError as exc:
            show_domain_error(form, exc)
    return _claim_page(found, **forms)


@bp.get("/claims/<int:claim_id>/bijlage")
@roles_required(Role.CONTRACTMANAGER, Role.PROVIDER)
def attachment(claim_id: int):
    found = verification.get_claim(claim_id, current_user)
    if found.attachment is None:
        abort(404)
    return files.send(found.attachment, verification.ATTACHMENT_FOLDER)


@bp.route("/steekproef/<int:sample_id>", methods=["GET", "POST"])
@roles_required(Role.CONTRACTMANAGER)
def sample(sample_id: int):
    found, form = verification.get_sample(sample_id, current_user), SampleCheckForm()
    if form.validate_on_submit():
        try:
            verification.check_sample(found, form.justified.data == "ja", form.reason.data, by=current_user)
            db.session.commit()
            flash(f"Regel {found.line_id} is gecontroleerd: {found.status_label.lower()}.", "success")
            return redirect(url_for("verification.index"))
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("payments/sample.html", sample=found, form=form)


@bp.get("/mijn-claims")
@roles_required(Role.PROVIDER)
def provider_claims():
    return render_template("payments/provider_claims.html",
                           page=page_of_rows(verification.visible_claims(current_user)))
