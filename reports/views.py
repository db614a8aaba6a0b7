"""The report pages: the council report of a scope and period (tables, charts, the narrative, its approval and
the downloads), and the year-end of a municipality with its grant annex."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from budget.models import FUNDING_SOURCE_LABELS
from budget.services import visible_municipalities
from core.auth import roles_required
from core.dates import today
from core.errors import DomainError
from core.extensions import db
from core.forms import options
from core.models import Role
from core.web import flash_domain_error, show_domain_error
from payments.services import scope_choices
from reports import grant, services
from reports.forms import CouncilForm, IndicatorCodeForm, NarrativeForm, YearEndForm
from reports.models import MEASURE_LABELS, GrantMeasure
from reports.yearend_files import CSV_FORMATS, year_end_download

bp = Blueprint("reports", __name__, url_prefix="/rapportages")
STAFF = (Role.FINANCE, Role.CONTRACTMANAGER)


def _council_form() -> CouncilForm:
    """The scope and period asked for; the first scope and this year so far where none (or a wrong one) is asked."""
    form, choices = CouncilForm(request.args), scope_choices(current_user)
    form.scope.choices = options(choices)
    if form.scope.data not in {value for value, _ in choices}:
        if request.method == "POST":  # a write names its scope: another's is refused, never swapped for one's own
            abort(404)
        form.scope.data = choices[0][0] if choices else ""
    if not (request.args.get("start") and form.validate()):
        form.start.data, form.end.data = today().replace(month=1, day=1), today()
    return form


def _args(form: CouncilForm) -> dict:
    return {"scope": form.scope.data, "start": form.start.data.isoformat(), "end": form.end.data.isoformat()}


@bp.get("/")
@roles_required(*STAFF)
def index():
    form, context = _council_form(), {}
    try:
        context = services.council_page(current_user, form.scope.data, form.start.data, form.end.data,
                                        today=today())
    except DomainError as exc:
        show_domain_error(form, exc)
    return render_template("reports/index.html", form=form, args=_args(form), **context)


@bp.get("/raadsrapportage.pdf", defaults={"suffix": "pdf"})
@bp.get("/raadsrapportage.xlsx", defaults={"suffix": "xlsx"})
@roles_required(*STAFF)
def council_file(suffix: str):
    form = _council_form()
    document, charts = services.council_document_for(
        current_user, form.start.data, form.end.data, today=today(), publishable=request.args.get("publiek") == "1",
        **services.scope_args(form.scope.data))
    return send_file(BytesIO(services.render_council(suffix, document, charts)), as_attachment=True,
                     mimetype=services.COUNCIL_MEDIA_TYPES[suffix], download_name=f"raadsrapportage.{suffix}")


@bp.route("/tekst", methods=["GET", "POST"])
@roles_required(*STAFF)
def narrative():
    chosen = _council_form()
    report = services.narrative_report(current_user, chosen.scope.data, chosen.start.data, chosen.end.data)
    form = NarrativeForm(obj=report.latest if report else None)
    try:
        if form.validate_on_submit():
            services.save_narrative_for(current_user, chosen.scope.data, chosen.start.data, chosen.end.data,
                                        form.data)
            db.session.commit()
            flash("De tekst is opgeslagen als nieuwe conceptversie.", "success")
            return redirect(url_for("reports.index", **_args(chosen)))
    except DomainError as exc:
        show_domain_error(form, exc)
    return render_template("reports/narrative.html", form=form, chosen=chosen, args=_args(chosen), report=report)


@bp.post("/vaststellen/<int:number>")
@roles_required(*STAFF)
def approve(number: int):
    chosen = _council_form()
    try:
        services.approve_narrative_for(current_user, chosen.scope.data, chosen.start.data, chosen.end.data, number)
        db.session.commit()
        flash(f"Versie {number} is vastgesteld.", "success")
    except DomainError as exc:
        flash_domain_error(exc)
    return redirect(url_for("reports.index", **_args(chosen)))


def _year_end_form() -> YearEndForm:
    form, municipalities = YearEndForm(request.args), visible_municipalities(current_user)
    form.municipality.choices = options((m.code, m.name) for m in municipalities)
    if form.municipality.data not in {m.code for m in municipalities}:
        if request.method == "POST":  # a write names its municipality: another's is refused, never swapped
            abort(404)
        form.municipality.data = municipalities[0].code if municipalities else ""
    closing = today().year - (today().month <= 3)  # in the first quarter the year being closed is the last one
    form.year.data = form.year.data if request.args.get("year") and form.validate() else closing
    return form


@bp.get("/jaarafsluiting")
@roles_required(Role.FINANCE)
def year_end():
    form = _year_end_form()
    report = services.year_end_report(form.municipality.data, form.year.data, current_user) \
        if form.municipality.data else None
    return render_template("reports/year_end.html", form=form, report=report, code_form=IndicatorCodeForm(),
                           measures=list(GrantMeasure), measure_labels=MEASURE_LABELS, labels=FUNDING_SOURCE_LABELS)


@bp.get("/jaarafsluiting.csv", defaults={"suffix": "csv"})
@bp.get("/jaarafsluiting.xlsx", defaults={"suffix": "xlsx"})
@roles_required(Role.FINANCE)
def year_end_file(suffix: str):
    form = _year_end_form()
    csv_format = request.args.get("format", "excel")
    if csv_format not in CSV_FORMATS:
        abort(404)
    report = services.year_end_report(form.municipality.data, form.year.data, current_user)
    body, mimetype, name = year_end_download(report.result, report.years, report.codes, suffix, csv_format)
    return send_file(BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.post("/jaarafsluiting/codes")
@roles_required(Role.FINANCE)
def indicator_code():
    chosen, form = _year_end_form(), IndicatorCodeForm()
    if form.validate_on_submit():
        municipality = services.municipality_by_code(chosen.municipality.data, current_user)
        grant.set_indicator_code(municipality, GrantMeasure(form.measure.data), form.code.data, by=current_user)
        db.session.commit()
        flash("De indicatorcode is opgeslagen.", "success")
    return redirect(url_for("reports.year_end", municipality=chosen.municipality.data, year=chosen.year.data))
