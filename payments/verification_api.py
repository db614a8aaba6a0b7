"""JSON API of the evidence rules' follow-up: claims to verify (staff decide, providers read their own) and the
sampled result lines of approved runs (staff check)."""
from flask_login import current_user

from core.auth import roles_required
from core.dates import today
from core.extensions import db
from core.models import Role
from core.rest import make_api_blueprint, paginate
from core.schemas import PageQuery, page_of
from payments import services, verification
from payments.models import EvidenceClaim, SampledLine
from payments.schemas import (ClaimAcceptSchema, ClaimOutSchema, ClaimQuery, ClaimRejectSchema, SampleCheckSchema,
                              SampledLineOutSchema)

bp = make_api_blueprint("verification_api", __name__)


@bp.get("/evidence-claims")
@roles_required(Role.CONTRACTMANAGER, Role.PROVIDER)
@bp.arguments(ClaimQuery(), location="query")
@bp.response(200, page_of(ClaimOutSchema))
def claims(args):
    """Claims ter verificatie: staf ziet die van de eigen gemeenten, een aanbieder de eigen (met de reden)

    Rollen: contractmanager, admin, provider."""
    stmt = verification.visible_claims(current_user)
    if args.get("status"):
        stmt = stmt.where(EvidenceClaim.status == args["status"])
    return paginate(stmt, args)


@bp.post("/evidence-claims/<int:claim_id>/accept")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(ClaimAcceptSchema(), location="multipart")
@bp.response(200, ClaimOutSchema)
def accept(args, claim_id: int):
    """Claim accepteren met een toelichting en eventueel een bijlage; de volgende betaalrun betaalt hem

    Rollen: contractmanager, admin."""
    upload = args.get("file")
    claim = verification.accept_claim(
        verification.get_claim(claim_id, current_user), args["note"],
        (upload.filename or "", upload.read()) if upload else None, by=current_user, today=today())
    db.session.commit()
    return claim


@bp.post("/evidence-claims/<int:claim_id>/reject")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(ClaimRejectSchema())
@bp.response(200, ClaimOutSchema)
def reject(data, claim_id: int):
    """Claim afwijzen met een reden die de aanbieder ziet

    Rollen: contractmanager, admin."""
    claim = verification.reject_claim(verification.get_claim(claim_id, current_user), data["reason"], by=current_user)
    db.session.commit()
    return claim


@bp.get("/payment-runs/<int:run_id>/sample")
@roles_required(Role.FINANCE, Role.CONTRACTMANAGER)
@bp.arguments(PageQuery(), location="query")
@bp.response(200, page_of(SampledLineOutSchema))
def sample(args, run_id: int):
    """De steekproef van een goedgekeurde betaalrun: de getrokken prestatieregels en hun controle

    Rollen: finance, contractmanager, admin."""
    run = services.get_run(run_id, current_user)
    return paginate(verification.visible_samples(current_user).where(SampledLine.run_id == run.id), args)


@bp.post("/sampled-lines/<int:sample_id>/check")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(SampleCheckSchema())
@bp.response(200, SampledLineOutSchema)
def check(data, sample_id: int):
    """Een regel uit de steekproef controleren: terecht, of onterecht met de reden (de volgende run vordert terug)

    Rollen: contractmanager, admin."""
    checked = verification.check_sample(verification.get_sample(sample_id, current_user), data["justified"],
                                        data["reason"], by=current_user)
    db.session.commit()
    return checked
