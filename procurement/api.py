"""Procurement in the JSON API: cases with their assessment, the decision, its approval and the memo."""
from io import BytesIO

from flask import send_file
from flask_login import current_user

from core.auth import roles_required
from core.dates import now_utc, today
from core.extensions import db
from core.models import Role
from core.rest import BINARY, make_api_blueprint, paginate
from core.schemas import PageQuery, page_of
from procurement import services
from procurement.assessment import assess
from procurement.models import ProcurementCase
from procurement.schemas import CaseDetailSchema, CaseInSchema, CaseOutSchema, DecisionInSchema

bp = make_api_blueprint("procurement_api", __name__)
case_in, decision_in, page_query = CaseInSchema(), DecisionInSchema(), PageQuery()
STAFF = (Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE)


class AssessedCase:
    """A case as CaseDetailSchema shows it: its own fields and its assessment today."""

    def __init__(self, case: ProcurementCase):
        assessment = assess(case, today())
        self.case, self.estimated_value = case, assessment.estimated_value
        self.procedure, self.assessment = assessment.procedure.value, [r.as_dict() for r in assessment.routes]
        self.threshold_on = assessment.threshold_on

    def __getattr__(self, name):
        return getattr(self.case, name)


def _case(case_id: int) -> ProcurementCase:
    return db.first_or_404(services.visible_cases(current_user).where(ProcurementCase.id == case_id))


@bp.get("/procurement-cases")
@roles_required(*STAFF)
@bp.arguments(page_query, location="query")
@bp.response(200, page_of(CaseOutSchema))
def cases(args):
    """Inkoopdossiers binnen uw bereik

    Rollen: inkoper, contractmanager, finance."""
    return paginate(services.visible_cases(current_user), args)


@bp.post("/procurement-cases")
@roles_required(Role.INKOPER)
@bp.arguments(case_in)
@bp.response(201, CaseDetailSchema)
def create_case(data):
    """Inkoopdossier aanmaken en beoordelen

    Rollen: inkoper."""
    case = AssessedCase(services.create_case(data, by=current_user))
    db.session.commit()
    return case


@bp.get("/procurement-cases/<int:case_id>")
@roles_required(*STAFF)
@bp.response(200, CaseDetailSchema)
def case(case_id: int):
    """Eén inkoopdossier met de actuele beoordeling"""
    return AssessedCase(_case(case_id))


@bp.post("/procurement-cases/<int:case_id>/decision")
@roles_required(Role.INKOPER)
@bp.arguments(decision_in)
@bp.response(200, CaseDetailSchema)
def decide(data, case_id: int):
    """Route kiezen met motivering (wacht op goedkeuring)

    Rollen: inkoper."""
    case = _case(case_id)
    services.record_decision(case, data["route"], data["motivation"], by=current_user, today=today(), now=now_utc())
    db.session.commit()
    return AssessedCase(case)


@bp.post("/procurement-cases/<int:case_id>/decision/approve")
@roles_required(Role.INKOPER)
@bp.response(200, CaseDetailSchema)
def approve(case_id: int):
    """Het openstaande besluit goedkeuren (een tweede inkoper of beheerder)

    Rollen: inkoper (niet de besluitnemer), admin."""
    case = _case(case_id)
    services.approve_decision(services.pending_decision(case), by=current_user, today=today(), now=now_utc())
    db.session.commit()
    return AssessedCase(case)


@bp.get("/procurement-cases/<int:case_id>/memo.pdf")
@roles_required(*STAFF)
@bp.response(200, BINARY, content_type="application/pdf")
def memo(case_id: int):
    """De besluitnotitie (PDF)"""
    pdf = services.memo_pdf(_case(case_id), today())
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"besluitnotitie-{case_id}.pdf")
