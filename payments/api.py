"""JSON API of payment runs: make, read, recalculate, approve, cancel and export (finance)."""
from io import BytesIO

from flask import send_file
from flask_login import current_user

from core.dates import today
from core.extensions import db
from core.models import Role
from core.rest import doc, load_json, load_query, make_api_blueprint, paginate
from core.auth import roles_required
from core.schemas import page_of
from payments import exports, runs, services
from payments.pdf import render_specification_pdf
from payments.schemas import RunInSchema, RunOutSchema, RunSummarySchema, SpecificationQuery

bp = make_api_blueprint("payments_api", __name__)
run_in, run_out, run_summary = RunInSchema(), RunOutSchema(), RunSummarySchema()
FINANCE = "finance"


def _answer(run, status=200):
    return run_out.dump(services.run_view(run)), status


@bp.get("/payment-runs")
@roles_required(Role.FINANCE)
@doc("Betaalruns binnen uw bereik, nieuwste eerst", response=page_of(RunSummarySchema), roles=FINANCE)
def index():
    return paginate(services.visible_runs(current_user).order_by(services.PaymentRun.id.desc()), run_summary)


@bp.post("/payment-runs")
@roles_required(Role.FINANCE)
@doc("Betaalrun maken (concept)", body=RunInSchema, response=RunOutSchema, status=201, also=(409,), roles=FINANCE)
def create():
    run = runs.create_run_from(load_json(run_in), by=current_user, today=today())
    db.session.commit()
    return _answer(run, 201)


@bp.get("/payment-runs/<int:run_id>")
@roles_required(Role.FINANCE)
@doc("Eén betaalrun met regels en totalen", response=RunOutSchema, roles=FINANCE)
def detail(run_id: int):
    return _answer(services.get_run(run_id, current_user))


@bp.post("/payment-runs/<int:run_id>/recalculate")
@roles_required(Role.FINANCE)
@doc("Concept herberekenen tegen wat nu betaald is", response=RunOutSchema, roles=FINANCE)
def recalculate(run_id: int):
    run = runs.recalculate_run(services.get_run(run_id, current_user), by=current_user)
    db.session.commit()
    return _answer(run)


@bp.post("/payment-runs/<int:run_id>/approve")
@roles_required(Role.FINANCE)
@doc("Concept goedkeuren (niet door de maker)", response=RunOutSchema, roles=FINANCE)
def approve(run_id: int):
    run = runs.approve_run(services.get_run(run_id, current_user), by=current_user)
    db.session.commit()
    return _answer(run)


@bp.post("/payment-runs/<int:run_id>/cancel")
@roles_required(Role.FINANCE)
@doc("Concept annuleren", response=RunOutSchema, roles=FINANCE)
def cancel(run_id: int):
    run = runs.cancel_run(services.get_run(run_id, current_user), by=current_user)
    db.session.commit()
    return _answer(run)


@bp.get("/payment-runs/<int:run_id>/export/journal.csv", defaults={"name": "journal.csv"})
@bp.get("/payment-runs/<int:run_id>/export/journal.xlsx", defaults={"name": "journal.xlsx"})
@bp.get("/payment-runs/<int:run_id>/export/sepa.xml", defaults={"name": "sepa.xml"})
@roles_required(Role.FINANCE)
@doc("Export van een goedgekeurde betaalrun (journaal CSV/XLSX, SEPA pain.001.001.09)",
     content_type="application/octet-stream", roles=FINANCE)
def export(run_id: int, name: str):
    body, mimetype = exports.export_file(services.get_run(run_id, current_user), name, by=current_user,
                                         today=today())
    db.session.commit()
    return send_file(BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=f"betaalrun-{run_id}-{name}")


@bp.get("/payment-runs/<int:run_id>/export/specification.pdf")
@roles_required(Role.FINANCE, Role.PROVIDER)
@doc("Betaalspecificatie per aanbieder (PDF); een aanbieder krijgt alleen de eigen", query=SpecificationQuery,
     content_type="application/pdf", roles="finance, provider")
def specification(run_id: int):
    run, provider_id = services.specification_access(run_id, load_query(SpecificationQuery())["provider_id"],
                                                     current_user)
    body = render_specification_pdf(exports.specification(run, provider_id))
    return send_file(BytesIO(body), mimetype="application/pdf", as_attachment=True,
                     download_name=f"betaalspecificatie-{run_id}-{provider_id}.pdf")
