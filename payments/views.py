"""Finance pages: run history, making, reviewing, approving and exporting runs; settings; the provider portal."""
from io import BytesIO

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from core.auth import roles_required, visible_regions
from core.dates import today
from core.errors import Conflict, DomainError
from core.extensions import db
from core.forms import options
from core.models import Region, Role, Service
from core.scope import Action, held_regions, may
from core.web import flash_domain_error, page_of_rows, show_domain_error
from payments import bank_details, exports, runs, services, tasks, verification
from payments.forms import LedgerAccountForm, PayingOrganisationForm, RunForm, SamplingRuleForm
from payments.models import LINE_STATUS_LABELS, Calculation, PaymentLine, PaymentRun, SampledLine
from payments.pdf import render_specification_pdf
from payments.schemas import LineFilters

bp = Blueprint("payments", __name__, url_prefix="/betalingen")


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.FINANCE)
def index():
    form = RunForm()
    form.scope.choices = options(services.scope_choices(current_user))
    if form.validate_on_submit():
        try:
            run = runs.create_run_from(services.scope_data(form.period.data, form.scope.data),
                                           by=current_user, today=today(), background=True)
            tasks.queue(run)
            db.session.commit()
            return redirect(url_for("payments.detail", run_id=run.id))
        except DomainError as exc:
            show_domain_error(form, exc)
    page = page_of_rows(services.visible_runs(current_user).order_by(PaymentRun.id.desc()))
    return render_template("payments/index.html", form=form, page=page)


@bp.get("/<int:run_id>")
@roles_required(Role.FINANCE)
def detail(run_id: int):
    run = services.get_run(run_id, current_user)
    if run.calculation != Calculation.DONE:
        return render_template("payments/calculating.html", run=run, progress=tasks.status(run))
    filters = LineFilters().load({name: value for name, value in request.args.items() if value})
    page = page_of_rows(services.filter_lines(sa.select(PaymentLine).where(PaymentLine.run_id == run.id)
                                              .order_by(PaymentLine.trigger_date, PaymentLine.id), filters))
    return render_template("payments/detail.html", run=services.RunView(run, page.items), page=page,
                           filters=filters, statuses=LINE_STATUS_LABELS, samples=db.session.scalars(
                               verification.visible_samples(current_user).where(SampledLine.run_id == run.id)).all(),
                           bank_changes=bank_details.run_changes(run), bank_label=bank_details.label,
                           review=bank_details.review_key(run))


@bp.get("/<int:run_id>/status")
@roles_required(Role.FINANCE)
def status(run_id: int):
    return tasks.status(services.get_run(run_id, current_user))


@bp.post("/<int:run_id>/recalculate")
@roles_required(Role.FINANCE)
def recalculate(run_id: int):
    tasks.queue(runs.recalculate_run(services.get_run(run_id, current_user), by=current_user, background=True))
    db.session.commit()
    return redirect(url_for("payments.detail", run_id=run_id))


@bp.post("/<int:run_id>/approve")
@roles_required(Role.FINANCE)
def approve(run_id: int):
    runs.approve_run(services.get_run(run_id, current_user), by=current_user, review=request.form.get("review"))
    db.session.commit()
    flash("De betaalrun is goedgekeurd.", "success")
    return redirect(url_for("payments.detail", run_id=run_id))


@bp.post("/<int:run_id>/cancel")
@roles_required(Role.FINANCE)
def cancel(run_id: int):
    runs.cancel_run(services.get_run(run_id, current_user), by=current_user)
    db.session.commit()
    flash("De betaalrun is geannuleerd.", "success")
    return redirect(url_for("payments.detail", run_id=run_id))


@bp.get("/<int:run_id>/export/journal.csv", defaults={"name": "journal.csv"})
@bp.get("/<int:run_id>/export/journal-machine.csv", defaults={"name": "journal-machine.csv"})
@bp.get("/<int:run_id>/export/journal.xlsx", defaults={"name": "journal.xlsx"})
@bp.get("/<int:run_id>/export/sepa.xml", defaults={"name": "sepa.xml"})
@roles_required(Role.FINANCE)
def export(run_id: int, name: str):
    body, mimetype = exports.export_file(services.get_run(run_id, current_user), name, by=current_user,
                                         today=today())
    db.session.commit()
    return send_file(BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=f"betaalrun-{run_id}-{name}")


@bp.get("/<int:run_id>/specificatie/<int:provider_id>.pdf")
@roles_required(Role.FINANCE, Role.PROVIDER)
def specification(run_id: int, provider_id: int):
    run, provider_id = services.specification_access(run_id, provider_id, current_user)
    body = render_specification_pdf(exports.specification(run, provider_id))
    return send_file(BytesIO(body), mimetype="application/pdf", as_attachment=True,
                     download_name=f"betaalspecificatie-{run_id}-{provider_id}.pdf")


@bp.get("/specificaties")
@roles_required(Role.PROVIDER)
def provider_portal():
    page = page_of_rows(services.provider_runs(current_user.provider_id or -1))
    return render_template("payments/provider_portal.html", page=page)


@bp.route("/instellingen", methods=["GET", "POST"])
@roles_required(Role.FINANCE)
def settings():
    payer, ledger = PayingOrganisationForm(prefix="payer"), LedgerAccountForm(prefix="ledger")
    sampling = SamplingRuleForm(prefix="sample")
    payer.scope.choices = options(services.scope_choices(current_user))
    ledger.service.choices = options(services.service_choices())
    held = options((str(r.id), r.name) for r in db.session.scalars(held_regions(current_user)))
    ledger.region.choices = sampling.region.choices = held
    message = _saved(payer, ledger, sampling)
    if message:
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("payments.settings"))
    return render_template("payments/settings.html", payer=payer, ledger=ledger, sampling=sampling,
                           **services.settings_overview(current_user))


def _region(field) -> Region:
    return db.first_or_404(visible_regions(current_user).where(Region.id == int(field.data)))


def _saved(payer: PayingOrganisationForm, ledger: LedgerAccountForm, sampling: SamplingRuleForm) -> str | None:
    """Save whichever of the settings forms was posted and say what happened; a rule broken shows on that form."""
    posted = sampling if "sample-percentage" in request.form else ledger if "ledger-account" in request.form else payer
    try:
        if posted is sampling and sampling.validate_on_submit():
            verification.set_sampling_rule(_region(sampling.region), sampling.percentage.data, sampling.minimum.data,
                                           by=current_user)
            return "De instelling is opgeslagen."
        if posted is payer and "payer-name" in request.form and payer.validate_on_submit():
            region, municipality = services.resolve_scope(payer.scope.data, current_user)
            bank_details.propose_paying_organisation(payer.data, region=region, municipality=municipality,
                                                     by=current_user)
            return ("De nieuwe betalende organisatie wacht op goedkeuring door een tweede persoon "
                    "(Financiën, Bankgegevens).")
        if posted is ledger and ledger.validate_on_submit():
            services.set_ledger_account(_region(ledger.region), db.get_or_404(Service, int(ledger.service.data)),
                                        ledger.kind.data, ledger.account.data, by=current_user)
            return "De instelling is opgeslagen."
    except DomainError as exc:
        show_domain_error(posted, exc)
    return None


@bp.get("/bankgegevens")
@roles_required(Role.FINANCE, Role.CONTRACTMANAGER)
def bank_changes():
    page = page_of_rows(bank_details.visible_changes(current_user))
    return render_template("payments/bank_changes.html", page=page, label=bank_details.label,
                           may_decide=may(current_user, Action.BANK_APPROVAL))


@bp.post("/bankgegevens/<int:change_id>/<any(goedkeuren, afwijzen):decision>")
@roles_required(Role.FINANCE)
def decide_bank_change(change_id: int, decision: str):
    change = bank_details.get_change(change_id, current_user)
    decide = bank_details.approve_change if decision == "goedkeuren" else bank_details.reject_change
    try:
        decide(change, by=current_user)
        db.session.commit()
        flash(f"De wijziging van de bankgegevens van {bank_details.label(change)} is "
              f"{change.status_label.lower()}.", "success")
    except Conflict as exc:
        flash_domain_error(exc)
    return redirect(url_for("payments.bank_changes"))
