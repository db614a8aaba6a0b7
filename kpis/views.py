"""Dashboards for contract managers: contracts and providers by indicator, trends, drill-downs, alerts, scorecards."""
from io import BytesIO

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from core.auth import roles_required
from core.dates import parse_period, today
from core.errors import DomainError
from core.extensions import db
from core.forms import options
from core.models import Role
from core.registry import items
from core.terms import KPI_NAMES
from core.web import flash_domain_error, page_of_rows
from kpis import filters, services, trends
from kpis.forms import DashboardFilterForm, HandleAlertForm, ScorecardForm, WindowForm
from kpis.models import KpiAlert
from kpis.pdf import render_scorecard_pdf
from kpis.xlsx import render_scorecard_xlsx

bp = Blueprint("indicators", __name__, url_prefix="/indicatoren")
STAFF = (Role.CONTRACTMANAGER, Role.INKOPER, Role.FINANCE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/")
@roles_required(*STAFF)
def index():
    form = DashboardFilterForm.of(request.args, filters.choices(current_user))
    where = filters.contract_clauses(form.provider.data, form.service.data, form.municipality.data)
    found = services.dashboard(current_user, today(), where=where)
    found["cards"] = filters.with_status(found["cards"], form.status.data)
    counted = form.status.data or "red"
    return render_template("indicators/index.html", computed=services.values_computed, form=form, counted=counted,
                           per_month=trends.status_per_month(current_user, today(), where, counted), **found)


@bp.get("/contracten/<int:contract_id>")
@roles_required(*STAFF)
def contract(contract_id: int):
    found = services.get_contract(current_user, contract_id)
    return render_template("indicators/contract.html", contract=found, form=ScorecardForm(request.args),
                           computed=services.values_computed,
                           **trends.contract_overview(found, current_user, today()))


@bp.get("/contracten/<int:contract_id>/<kpi>")
@roles_required(*STAFF)
def drill_down(contract_id: int, kpi: str):
    found = services.get_contract(current_user, contract_id)
    form = _window_form(found)
    start, end = services.month_window(services.last_complete_month(today()))
    start, end = form.from_.data or start, form.to.data or end
    municipality = services.contract_municipality_for(current_user, found, form.municipality.data)
    indicator, numerator, denominator = services.drill_down(found, kpi, start, end, user=current_user,
                                                            municipality=municipality)
    return render_template("indicators/drill_down.html", contract=found, form=form, indicator=indicator, start=start,
                           end=end, numerator=numerator, denominator=denominator, municipality=municipality)


def _window_form(contract) -> WindowForm:
    form = WindowForm(request.args)
    form.municipality.choices = options([("", "Alle gemeenten"), *((m.code, m.name) for m in contract.municipalities)])
    if not form.validate():
        raise DomainError("Kies geldige datums.", field="from")
    return form


@bp.get("/contracten/<int:contract_id>/scorekaart")
@roles_required(*STAFF)
def scorecard(contract_id: int):
    found = services.get_contract(current_user, contract_id)
    form = ScorecardForm(request.args)
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("indicators.contract", contract_id=found.id))
    data = services.scorecard(found, parse_period(form.first.data), parse_period(form.last.data), user=current_user)
    name = f"scorekaart-{found.id}-{form.first.data}-{form.last.data}.{form.format.data}"
    if form.format.data == "xlsx":
        return send_file(BytesIO(render_scorecard_xlsx(data)), mimetype=XLSX, as_attachment=True, download_name=name)
    return send_file(BytesIO(render_scorecard_pdf(data)), mimetype="application/pdf", as_attachment=True,
                     download_name=name)


@bp.get("/aanbieders/<int:provider_id>")
@roles_required(*STAFF)
def provider(provider_id: int):
    found = services.get_provider(current_user, provider_id)
    return render_template("indicators/provider.html", provider=found, computed=services.values_computed,
                           **trends.provider_overview(found, current_user, today()))


@bp.get("/gemeenten/<code>")
@roles_required(*STAFF)
def municipality(code: str):
    found = services.get_municipality(current_user, code)
    return render_template("indicators/municipality.html", municipality=found, computed=services.values_computed,
                           **trends.municipality_overview(found, today()))


@bp.get("/signalen")
@roles_required(*STAFF)
def alerts():
    stmt = services.visible_alerts(current_user, only_open=request.args.get("alle") != "1")
    others = [(panel.template, panel.context(current_user, today())) for panel in items(current_app, "signals")
              if current_user.role in panel.roles]
    return render_template("indicators/alerts.html", page=page_of_rows(stmt), form=HandleAlertForm(), others=others)


@bp.post("/signalen/<int:alert_id>/afhandelen")
@roles_required(Role.CONTRACTMANAGER)
def handle_alert(alert_id: int):
    alert = db.first_or_404(services.visible_alerts(current_user, only_open=False).where(KpiAlert.id == alert_id))
    form = HandleAlertForm()
    if not form.validate_on_submit():
        flash(" ".join(form.note.errors) or "Het formulier is verlopen; probeer het opnieuw.", "error")
        return redirect(url_for("indicators.alerts"))
    try:
        services.handle_alert(alert, form.note.data, by=current_user)
    except DomainError as exc:
        flash_domain_error(exc)
        return redirect(url_for("indicators.alerts"))
    db.session.commit()
    flash(f"Signaal over {KPI_NAMES[alert.kpi].lower()} is afgehandeld.", "success")
    return redirect(url_for("indicators.alerts"))
