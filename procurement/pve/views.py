"""HTML pages of the PvE: list, start, read, edit with preview, review, adopt, diff, PDF and attachments."""
from io import BytesIO

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from core import files
from core.auth import roles_required, scope_filter
from core.errors import DomainError
from core.extensions import db
from core.forms import options
from core.models import Municipality, Role, Service
from core.web import flash_domain_error, form_upload, page_of_rows, show_domain_error
from procurement.models import ProcurementCase
from procurement.pve import services
from procurement.pve.content import diff_versions, render_markdown
from procurement.pve.forms import AnswerForm, AttachmentForm, CommentForm, CreateForm, FilterForm, VersionForm
from procurement.pve.models import STATUS_LABELS, Pve, PveAttachment, PveComment, PveStatus
from procurement.pve.pdf import render_pve_pdf

bp = Blueprint("pve", __name__, url_prefix="/pve")
READERS = (Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE)


def _pve(pve_id: int) -> Pve:
    return db.first_or_404(services.visible_pves(current_user).where(Pve.id == pve_id))


def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    form.service.choices = options([("", "Alle")] + [(s.code, s.name) for s in db.session.scalars(
        sa.select(Service).order_by(Service.position))])
    form.municipality.choices = options([("", "Alle")] + [(m.code, m.name) for m in db.session.scalars(
        sa.select(Municipality).where(scope_filter(current_user, Municipality.id)).order_by(Municipality.name))])
    return form


@bp.get("/")
@roles_required(*READERS)
def index():
    form = _filter_form()
    stmt = services.visible_pves(current_user, form.service.data, form.status.data, form.municipality.data)
    return render_template("pve/index.html", form=form, page=page_of_rows(stmt), labels=STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.INKOPER)
def create():
    form = CreateForm(procurement_case_id=request.args.get("case", type=int))
    cases = db.session.scalars(services.visible_cases(current_user).where(~ProcurementCase.id.in_(
        sa.select(Pve.procurement_case_id))).order_by(ProcurementCase.id.desc())).all()
    form.procurement_case_id.choices = options(
        (c.id, f"#{c.id} {c.service.name}: {', '.join(m.name for m in c.municipalities)}") for c in cases)
    if form.validate_on_submit():
        pve = services.create_pve(db.get_or_404(ProcurementCase, form.procurement_case_id.data), form.title.data,
                                  by=current_user)
        db.session.commit()
        flash("Het PvE is gestart uit het sjabloon.", "success")
        return redirect(url_for("pve.detail", pve_id=pve.id))
    return render_template("pve/create.html", form=form)


@bp.get("/<int:pve_id>")
@roles_required(*READERS)
def detail(pve_id: int):
    pve = _pve(pve_id)
    version = pve.version(request.args.get("version", pve.latest.number, type=int)) or abort(404)
    comment_form = CommentForm()
    comment_form.section_key.choices = options((s["key"], s["title"]) for s in pve.latest.sections)
    return render_template("pve/detail.html", pve=pve, version=version, labels=STATUS_LABELS, markdown=render_markdown,
                           comment_form=comment_form, answer_form=AnswerForm(), attachment_form=AttachmentForm(),
                           authors=services.draft_authors(pve), status=PveStatus)


@bp.route("/<int:pve_id>/edit", methods=["GET", "POST"])
@roles_required(Role.INKOPER)
def edit(pve_id: int):
    pve = _pve(pve_id)
    form, preview = VersionForm(), request.form.get("action") == "preview"
    if request.method == "GET":
        form.fill(pve.latest)
    elif not form.change_rows(request.form) and not preview and form.validate_on_submit():
        try:
            version = services.save_version(pve, form.to_data(), by=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return render_template("pve/edit.html", pve=pve, form=form, markdown=render_markdown), 422
        db.session.commit()
        flash(f"Versie {version.number} is opgeslagen.", "success")
        return redirect(url_for("pve.detail", pve_id=pve.id))
    return render_template("pve/edit.html", pve=pve, form=form, markdown=render_markdown, preview=preview)


@bp.post("/<int:pve_id>/status/<any(concept,in_review,vastgesteld):to>")
@roles_required(Role.INKOPER)
def change_status(pve_id: int, to: str):
    version = services.change_status(_pve(pve_id), PveStatus(to), by=current_user)
    db.session.commit()
    flash(f"Versie {version.number} heeft nu de status {STATUS_LABELS[version.status]}.", "success")
    return redirect(url_for("pve.detail", pve_id=pve_id))


@bp.post("/<int:pve_id>/new-draft")
@roles_required(Role.INKOPER)
def new_draft(pve_id: int):
    version = services.start_new_draft(_pve(pve_id), by=current_user)
    db.session.commit()
    flash(f"Versie {version.number} is een nieuw concept op basis van de vastgestelde versie.", "success")
    return redirect(url_for("pve.edit", pve_id=pve_id))


@bp.get("/<int:pve_id>/diff")
@roles_required(*READERS)
def diff(pve_id: int):
    pve = _pve(pve_id)
    old = pve.version(request.args.get("from", max(1, pve.latest.number - 1), type=int)) or abort(404)
    new = pve.version(request.args.get("to", pve.latest.number, type=int)) or abort(404)
    return render_template("pve/diff.html", pve=pve, old=old, new=new, sections=diff_versions(old, new))


@bp.get("/<int:pve_id>/versions/<int:number>.pdf")
@roles_required(*READERS)
def pdf(pve_id: int, number: int):
    version = _pve(pve_id).version(number) or abort(404)
    return send_file(BytesIO(render_pve_pdf(version)), mimetype="application/pdf", as_attachment=True,
                     download_name=f"pve-{pve_id}-v{number}.pdf")


@bp.post("/<int:pve_id>/comments")
@roles_required(*READERS)
def add_comment(pve_id: int):
    pve, form = _pve(pve_id), CommentForm()
    form.section_key.choices = options((s["key"], s["title"]) for s in pve.latest.sections)
    if form.validate_on_submit():
        services.add_comment(pve, form.section_key.data, form.body.data, by=current_user)
        db.session.commit()
        flash("Uw opmerking is geplaatst.", "success")
    else:
        flash("Kies een paragraaf en schrijf een opmerking.", "error")
    return redirect(url_for("pve.detail", pve_id=pve_id, _anchor="review"))


def _comment(pve_id: int, comment_id: int) -> PveComment:
    comment = db.session.get(PveComment, comment_id)
    return comment if comment is not None and comment.pve is _pve(pve_id) else abort(404)


@bp.post("/<int:pve_id>/comments/<int:comment_id>/answer")
@roles_required(Role.INKOPER)
def answer_comment(pve_id: int, comment_id: int):
    comment, form = _comment(pve_id, comment_id), AnswerForm()
    if not form.validate_on_submit():
        raise DomainError("Schrijf een antwoord.", field="answer")
    services.answer_comment(comment, form.answer.data, by=current_user)
    db.session.commit()
    return redirect(url_for("pve.detail", pve_id=pve_id, _anchor="review"))


@bp.post("/<int:pve_id>/comments/<int:comment_id>/resolve")
@roles_required(*READERS)
def resolve_comment(pve_id: int, comment_id: int):
    services.resolve_comment(_comment(pve_id, comment_id), by=current_user)
    db.session.commit()
    flash("De opmerking is afgehandeld.", "success")
    return redirect(url_for("pve.detail", pve_id=pve_id, _anchor="review"))


@bp.post("/<int:pve_id>/attachments")
@roles_required(Role.INKOPER)
def add_attachment(pve_id: int):
    pve, form = _pve(pve_id), AttachmentForm()
    try:
        _, filename, content = form_upload(form)
        services.add_attachment(pve, filename, content, by=current_user)
    except DomainError as exc:
        flash_domain_error(exc)
        return redirect(url_for("pve.detail", pve_id=pve_id, _anchor="bijlagen"))
    db.session.commit()
    flash("De bijlage is toegevoegd.", "success")
    return redirect(url_for("pve.detail", pve_id=pve_id, _anchor="bijlagen"))


@bp.get("/<int:pve_id>/attachments/<int:attachment_id>")
@roles_required(*READERS)
def attachment(pve_id: int, attachment_id: int):
    found = db.session.get(PveAttachment, attachment_id)
    if found is None or found.pve is not _pve(pve_id):
        abort(404)
    return files.send(found, services.FOLDER)
