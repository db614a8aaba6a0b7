"""Finance pages of budget control: the Begroting per region and municipality (with its export), budget lines,
and the funding source per contract."""
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from budget import services, whatif
from budget.charts import year_chart
from budget.forms import BasisForm, BudgetLineForm, ContractFundingForm, WhatIfForm, YearForm
from budget.overview import overview
from budget.xlsx import render_overview_xlsx
from core.auth import roles_required
from core.dates import today
from core.errors import DomainError
from core.extensions import db
from core.forms import options
from core.models import Role
from core.web import page_of_rows, show_domain_error
from payments.services import scope_choices

bp = Blueprint("budget", __name__, url_prefix="/begroting")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chosen() -> tuple[YearForm, list, str, int]:
    """The scope and year asked for; the first scope and this year where none (or a wrong one) is asked."""
    form, choices = YearForm(request.args), scope_choices(current_user)
    form.scope.choices = options(choices)
    if form.scope.data not in {value for value, _ in choices}:
        form.scope.data = choices[0][0] if choices else ""
    year = form.year.data if request.args.get("year") and form.validate() else today().year
    form.year.data = year
    municipalities, label = services.scope_of(form.scope.data, current_user)
    return form, municipalities, label, year


@bp.get("/")
@roles_required(Role.FINANCE)
def index():
    form, municipalities, label, year = _chosen()
    figures = overview(municipalities, year, today=today())
    charts = [(cell, year_chart(cell, today())) for cell in figures.totals]
    return render_template("budget/index.html", form=form, overview=figures, charts=charts, label=label,
                           is_region=len(municipalities) > 1)


@bp.get("/export.xlsx")
@roles_required(Role.FINANCE)
def export():
    form, municipalities, label, year = _chosen()
    body = render_overview_xlsx(overview(municipalities, year, today=today()), label)
    return send_file(BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=f"begroting-{year}.xlsx")


@bp.route("/regels", methods=["GET", "POST"])
@roles_required(Role.FINANCE)
def lines():
    form = services.line_form(BudgetLineForm(), current_user)
    if _saved(form, lambda data: services.set_budget_line_from(data, by=current_user),
              "De begrotingsregel is opgeslagen."):
        return redirect(url_for("budget.lines"))
    page = page_of_rows(services.visible_lines(current_user))
    return render_template("budget/lines.html", form=form, page=page, lines=services.mark_in_force(page.items))


@bp.route("/financiering", methods=["GET", "POST"])
@roles_required(Role.FINANCE)
def funding():
    form = services.funding_form(ContractFundingForm(), current_user)
    if _saved(form, lambda data: services.set_contract_funding_from(data, by=current_user),
              "De financieringsbron is opgeslagen."):
        return redirect(url_for("budget.funding"))
    return render_template("budget/funding.html", form=form, rows=services.funding_overview(current_user))


def _saved(form, save, message: str) -> bool:
    """Validate a posted form and save it in one commit; a broken rule shows on the form and stores nothing."""
    if not form.validate_on_submit():
        return False
    try:
        save(form.data)
    except DomainError as exc:
        show_domain_error(form, exc)
        return False
    db.session.commit()
    flash(message, "success")
    return True


@bp.route("/wat-als", methods=["GET", "POST"])
@roles_required(Role.FINANCE, Role.INKOPER)
def what_if():
    choose = BasisForm(request.args)
    choices, choose.basis.data, basis = whatif.chosen_basis(choose.basis.data, current_user, today=today())
    choose.basis.choices = options(choices)
    form = WhatIfForm() if request.method == "POST" else WhatIfForm(**whatif.form_defaults(basis, today()))
    result = None
    if basis is not None and form.validate_on_submit():
        try:
            result = whatif.simulate(basis, form.start.data, form.end.data,
                                     whatif.models_from_columns(_columns(form), basis), user=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
    return render_template("budget/whatif.html", choose=choose, form=form, basis=basis, result=result)


def _columns(form: WhatIfForm) -> list[dict]:
    return [{**column.data, "cells": [cell.value for cell in column.cells]} for column in form.models]
