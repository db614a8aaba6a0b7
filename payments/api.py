"""JSON API of payment runs: make, read, recalculate, approve, cancel and export (finance); and the bank detail
changes that wait for a second person."""
from io import BytesIO

from flask import send_file
from flask_login import current_user

from core.auth import roles_required
from core.dates import today
from core.extensions import db
from core.models import Role
from core.rest import BINARY, make_api_blueprint, paginate
from core.schemas import PageQuery, page_of
from payments import bank_details, exports, runs, services
from payments.pdf import render_specification_pdf
from payments.schemas import (ApproveInSchema, BankChangeOutSchema, BankChangeQuery, RunInSchema, RunOutSchema,
                              RunSummarySchema, SpecificationQuery)

bp = make_api_blueprint("payments_api", __name__)


@bp.get("/payment-runs")
@roles_required(Role.FINANCE)
@bp.arguments(PageQuery(), location="query")
@bp.response(200, page_of(RunSummarySchema))
def index(args):
    """Betaalruns binnen uw bereik, nieuwste eerst

    Rollen: finance."""
    return paginate(services.visible_runs(current_user).order_by(services.PaymentRun.id.desc()), args)


@bp.post("/payment-runs")
@roles_required(Role.FINANCE)
@bp.arguments(RunInSchema())
@bp.response(201, RunOutSchema)
def create(data):
    """Betaalrun maken (concept); 409 zolang een overlappend concept bestaat

    Rollen: finance."""
    run = runs.create_run_from(data, by=current_user, today=today())
    db.session.commit()
    return services.run_view(run)


@bp.get("/payment-runs/<int:run_id>")
@roles_required(Role.FINANCE)
@bp.response(200, RunOutSchema)
def detail(run_id: int):
    """Eén betaalrun met regels en totalen

    Rollen: finance."""
    return services.run_view(services.get_run(run_id, current_user))


@bp.post("/payment-runs/<int:run_id>/recalculate")
@roles_required(Role.FINANCE)
@bp.response(200, RunOutSchema)
def recalculate(run_id: int):
    """Concept herberekenen tegen wat nu betaald is; 409 tenzij concept

    Rollen: finance."""
    run = runs.recalculate_run(services.get_run(run_id, current_user), by=current_user)
    db.session.commit()
    return services.run_view(run)


@bp.post("/payment-runs/<int:run_id>/approve")
@roles_required(Role.FINANCE)
@bp.arguments(ApproveInSchema, location="query")
@bp.response(200, RunOutSchema)
def approve(data, run_id: int):
    """Concept goedkeuren (niet door de maker); 409 tenzij concept of als een plafond overschreden zou worden

    Met `?review=` (uit het antwoord van GET /payment-runs/{id}): 409 als de run sindsdien is herberekend of er
    over bankgegevens is besloten. Rollen: finance."""
    run = runs.approve_run(services.get_run(run_id, current_user), by=current_user, review=data.get("review"))
    db.session.commit()
    return services.run_view(run)


@bp.post("/payment-runs/<int:run_id>/cancel")
@roles_required(Role.FINANCE)
@bp.response(200, RunOutSchema)
def cancel(run_id: int):
    """Concept annuleren; 409 tenzij concept

    Rollen: finance."""
    run = runs.cancel_run(services.get_run(run_id, current_user), by=current_user)
    db.session.commit()
    return services.run_view(run)


#: The exports of an approved run (payments.md), each on a route of its own with its real media type.
EXPORT_TITLES = {"journal.csv": "Journaal als CSV voor Nederlandse Excel (';', decimale komma, BOM)",
                 "journal-machine.csv": "Journaal als CSV voor een financieel systeem (',', decimale punt)",
                 "journal.xlsx": "Journaal (XLSX, met samenvattingen)",
                 "sepa.xml": "SEPA-betaalbestand (pain.001.001.09)"}


def _add_export_route(name: str, title: str) -> None:
    def export(run_id: int):
        body, mimetype = exports.export_file(services.get_run(run_id, current_user), name, by=current_user,
                                             today=today())
        db.session.commit()
        return send_file(BytesIO(body), mimetype=mimetype, as_attachment=True,
                         download_name=f"betaalrun-{run_id}-{name}")

    export.__doc__ = f"{title} van een goedgekeurde betaalrun; 409 tenzij goedgekeurd\n\nRollen: finance."
    documented = bp.response(200, BINARY, content_type=exports.EXPORTS[name][1], description="Het bestand")(export)
    view = roles_required(Role.FINANCE)(bp.alt_response(409, response="CONFLICT")(documented))
    bp.add_url_rule(f"/payment-runs/<int:run_id>/export/{name}", endpoint=name.replace(".", "_"), view_func=view)


for export_name, export_title in EXPORT_TITLES.items():
    _add_export_route(export_name, export_title)


@bp.get("/payment-runs/<int:run_id>/export/specification.pdf")
@roles_required(Role.FINANCE, Role.PROVIDER)
@bp.arguments(SpecificationQuery(), location="query")
@bp.response(200, BINARY, content_type="application/pdf", description="Het bestand")
@bp.alt_response(409, response="CONFLICT")
def specification(args, run_id: int):
    """Betaalspecificatie per aanbieder (PDF); een aanbieder krijgt alleen de eigen

    Rollen: finance, provider."""
    run, provider_id = services.specification_access(run_id, args["provider_id"], current_user)
    body = render_specification_pdf(exports.specification(run, provider_id))
    return send_file(BytesIO(body), mimetype="application/pdf", as_attachment=True,
                     download_name=f"betaalspecificatie-{run_id}-{provider_id}.pdf")


@bp.get("/bank-detail-changes")
@roles_required(Role.FINANCE, Role.CONTRACTMANAGER)
@bp.arguments(BankChangeQuery(), location="query")
@bp.response(200, page_of(BankChangeOutSchema))
def bank_changes(args):
    """Wijzigingen van bankgegevens (aanbieders, betalende organisaties) binnen uw bereik, wachtende eerst

    Rollen: finance, contractmanager."""
    stmt = bank_details.visible_changes(current_user)
    if args.get("status"):
        stmt = stmt.where(bank_details.BankDetailChange.status == args["status"])
    return paginate(stmt, args)


@bp.post("/bank-detail-changes/<int:change_id>/approve")
@roles_required(Role.FINANCE)
@bp.response(200, BankChangeOutSchema)
@bp.alt_response(409, response="CONFLICT")
def approve_bank_change(change_id: int):
    """Wijziging van bankgegevens goedkeuren (niet door wie haar voorstelde); 409 als er al over is besloten

    Rollen: finance van de regio (of gemeente) die het aangaat; een beheerder niet."""
    return _decided(bank_details.approve_change, change_id)


@bp.post("/bank-detail-changes/<int:change_id>/reject")
@roles_required(Role.FINANCE)
@bp.response(200, BankChangeOutSchema)
@bp.alt_response(409, response="CONFLICT")
def reject_bank_change(change_id: int):
    """Wijziging van bankgegevens afwijzen; de oude gegevens blijven gelden; 409 als er al over is besloten

    Rollen: finance van de regio (of gemeente) die het aangaat; een beheerder niet."""
    return _decided(bank_details.reject_change, change_id)


def _decided(decide, change_id: int):
    change = decide(bank_details.get_change(change_id, current_user), by=current_user)
    db.session.commit()
    return change
