"""Procurement in the JSON API: cases with their assessment, the decision, its approval and the memo."""
from io import BytesIO

from flask import send_file
from flask_login import current_user

from core.auth import roles_required
from core.dates import now_utc, today
from core.extensions import db
from core.models import Role
from core.rest import doc, load_json, make_api_blueprint, paginate
from core.schemas import page_of
from procurement import services
from procurement.assessment import assess
from procurement.models import ProcurementCase
from procurement.schemas import CaseDetailSchema, CaseInSchema, CaseOutSchema, DecisionInSchema

bp = make_api_blueprint("procurement_api", __name__)
case_in, case_out, decision_in = CaseInSchema(), CaseOutSchema(), DecisionInSchema()
STAFF = (Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE)


def _case(case_id: int) -> ProcurementCase:
    return db.first_or_404(services.visible_cases(current_user).where(ProcurementCase.id == case_id))


def _detail(case: ProcurementCase) -> dict:
    assessment = assess(case, today())
    return {**case_out.dump(case), "estimated_value": str(assessment.estimated_value),
            "procedure": assessment.procedure.value, "assessment": [r.as_dict() for r in assessment.routes]}


@bp.get("/procurement-cases")
@roles_required(*STAFF)
@doc("Inkoopdossiers binnen uw bereik", response=page_of(CaseOutSchema), roles="inkoper, contractmanager, finance")
def cases():
    return paginate(services.visible_cases(current_user), case_out)


@bp.post("/procurement-cases")
@roles_required(Role.INKOPER)
@doc("Inkoopdossier aanmaken en beoordelen", body=CaseInSchema, response=CaseDetailSchema, status=201,
     roles="inkoper")
def create_case():
    case = services.create_case(load_json(case_in), by=current_user)
    body = _detail(case)
    db.session.commit()
    return body, 201


@bp.get("/procurement-cases/<int:case_id>")
@roles_required(*STAFF)
@doc("Eén inkoopdossier met de actuele beoordeling", response=CaseDetailSchema)
def case(case_id: int):
    return _detail(_case(case_id))


@bp.post("/procurement-cases/<int:case_id>/decision")
@roles_required(Role.INKOPER)
@doc("Route kiezen met motivering (wacht op goedkeuring)", body=DecisionInSchema, response=CaseDetailSchema,
     roles="inkoper")
def decide(case_id: int):
    case, data = _case(case_id), load_json(decision_in)
    services.record_decision(case, data["route"], data["motivation"], by=current_user, today=today(), now=now_utc())
    db.session.commit()
    return _detail(case)


@bp.post("/procurement-cases/<int:case_id>/decision/approve")
@roles_required(Role.INKOPER)
@doc("Het openstaande besluit goedkeuren (een tweede inkoper of beheerder)", response=CaseDetailSchema,
     roles="inkoper (niet de besluitnemer), admin")
def approve(case_id: int):
    case = _case(case_id)
    services.approve_decision(services.pending_decision(case), by=current_user, today=today(), now=now_utc())
    db.session.commit()
    return _detail(case)


@bp.get("/procurement-cases/<int:case_id>/memo.pdf")
@roles_required(*STAFF)
@doc("De besluitnotitie (PDF)", content_type="application/pdf")
def memo(case_id: int):
    pdf = services.memo_pdf(_case(case_id), today())
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"besluitnotitie-{case_id}.pdf")
