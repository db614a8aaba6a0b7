"""The PvE part of the JSON API: /api/v1/pves."""
from io import BytesIO

import sqlalchemy as sa
from flask import abort, send_file
from flask_login import current_user

from core.auth import roles_required
from core.extensions import db
from core.models import Role
from core.rest import BINARY, make_api_blueprint, paginate, upload
from core.schemas import PageQuery, page_of
from procurement.models import ProcurementCase
from procurement.pve import services
from procurement.pve.content import diff_versions
from procurement.pve.models import Pve, PveComment, PveStatus
from procurement.pve.pdf import render_pve_pdf
from procurement.pve.schemas import (AnswerInSchema, AttachmentInSchema, AttachmentOutSchema, CommentInSchema,
                                     CommentOutSchema, ContractTermsSchema, DiffOutSchema, DiffQuery, PveInSchema,
                                     PveOutSchema, PveQuery, StatusInSchema, VersionInSchema, VersionOutSchema)

bp = make_api_blueprint("pve_api", __name__)
READERS = (Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE)


def _pve(pve_id: int) -> Pve:
    return db.first_or_404(services.visible_pves(current_user).where(Pve.id == pve_id))


def _version(pve: Pve, number: int):
    return pve.version(number) or abort(404)


def _comment(pve_id: int, comment_id: int) -> PveComment:
    comment = db.session.get(PveComment, comment_id)
    return comment if comment is not None and comment.pve is _pve(pve_id) else abort(404)


@bp.get("/pves")
@roles_required(*READERS)
@bp.arguments(PveQuery(), location="query")
@bp.response(200, page_of(PveOutSchema))
def index(args):
    """PvE's binnen uw bereik

    Rollen: inkoper, contractmanager, finance."""
    stmt = services.visible_pves(current_user, args.get("service"), args.get("status"), args.get("municipality"))
    return paginate(stmt, args)


@bp.post("/pves")
@roles_required(Role.INKOPER)
@bp.arguments(PveInSchema())
@bp.response(201, PveOutSchema)
def create(data):
    """PvE starten uit het sjabloon

    Rollen: inkoper."""
    case = db.first_or_404(services.visible_cases(current_user).where(ProcurementCase.id == data["procurement_case_id"]))
    pve = services.create_pve(case, data["title"], by=current_user)
    db.session.commit()
    return pve


@bp.get("/pves/<int:pve_id>")
@roles_required(*READERS)
@bp.response(200, PveOutSchema)
def detail(pve_id: int):
    """Eén PvE met zijn versies

    Rollen: inkoper, contractmanager, finance."""
    return _pve(pve_id)


@bp.get("/pves/<int:pve_id>/versions/<int:number>")
@roles_required(*READERS)
@bp.response(200, VersionOutSchema)
def version(pve_id: int, number: int):
    """Eén versie met alle paragrafen

    Rollen: inkoper, contractmanager, finance."""
    return _version(_pve(pve_id), number)


@bp.post("/pves/<int:pve_id>/versions")
@roles_required(Role.INKOPER)
@bp.arguments(VersionInSchema())
@bp.response(201, VersionOutSchema)
def save(data, pve_id: int):
    """Nieuwe versie opslaan

    Rollen: inkoper."""
    version = services.save_version(_pve(pve_id), data, by=current_user)
    db.session.commit()
    return version


@bp.post("/pves/<int:pve_id>/status")
@roles_required(Role.INKOPER)
@bp.arguments(StatusInSchema())
@bp.response(200, VersionOutSchema)
def status(data, pve_id: int):
    """Status wijzigen (in_review, concept, vastgesteld)

    Rollen: inkoper; vaststellen niet door een auteur van de versie."""
    version = services.change_status(_pve(pve_id), PveStatus(data["status"]), by=current_user)
    db.session.commit()
    return version


@bp.post("/pves/<int:pve_id>/new-draft")
@roles_required(Role.INKOPER)
@bp.response(201, VersionOutSchema)
def new_draft(pve_id: int):
    """Nieuw concept op basis van de vastgestelde versie

    Rollen: inkoper."""
    version = services.start_new_draft(_pve(pve_id), by=current_user)
    db.session.commit()
    return version


@bp.get("/pves/<int:pve_id>/diff")
@roles_required(*READERS)
@bp.arguments(DiffQuery(), location="query")
@bp.response(200, DiffOutSchema)
def diff(args, pve_id: int):
    """Verschillen tussen twee versies per paragraaf

    Rollen: inkoper, contractmanager, finance."""
    pve = _pve(pve_id)
    return {"sections": diff_versions(_version(pve, args["from_"]), _version(pve, args["to"]))}


@bp.get("/pves/<int:pve_id>/contract-terms")
@roles_required(Role.INKOPER, Role.CONTRACTMANAGER)
@bp.response(200, ContractTermsSchema)
def contract_terms(pve_id: int):
    """Prijs, betaalschema en KPI-normen van de vastgestelde versie, om een contract mee te vullen

    Rollen: inkoper, contractmanager."""
    pve = _pve(pve_id)
    return services.contract_terms(pve.adopted or pve.latest)


@bp.get("/pves/<int:pve_id>/versions/<int:number>/pve.pdf")
@roles_required(*READERS)
@bp.response(200, BINARY, content_type="application/pdf")
def pdf(pve_id: int, number: int):
    """De versie als PDF

    Rollen: inkoper, contractmanager, finance."""
    version = _version(_pve(pve_id), number)
    return send_file(BytesIO(render_pve_pdf(version)), mimetype="application/pdf", as_attachment=True,
                     download_name=f"pve-{pve_id}-v{number}.pdf")


@bp.get("/pves/<int:pve_id>/comments")
@roles_required(*READERS)
@bp.arguments(PageQuery(), location="query")
@bp.response(200, page_of(CommentOutSchema))
def comments(args, pve_id: int):
    """Reviewopmerkingen

    Rollen: inkoper, contractmanager, finance."""
    pve = _pve(pve_id)
    return paginate(sa.select(PveComment).where(PveComment.pve_id == pve.id).order_by(PveComment.id), args)


@bp.post("/pves/<int:pve_id>/comments")
@roles_required(*READERS)
@bp.arguments(CommentInSchema())
@bp.response(201, CommentOutSchema)
def add_comment(data, pve_id: int):
    """Reviewopmerking bij een paragraaf

    Rollen: inkoper, contractmanager, finance."""
    comment = services.add_comment(_pve(pve_id), data["section_key"], data["body"], by=current_user)
    db.session.commit()
    return comment


@bp.post("/pves/<int:pve_id>/comments/<int:comment_id>/answer")
@roles_required(Role.INKOPER)
@bp.arguments(AnswerInSchema())
@bp.response(200, CommentOutSchema)
def answer_comment(data, pve_id: int, comment_id: int):
    """Opmerking beantwoorden

    Rollen: inkoper."""
    comment = services.answer_comment(_comment(pve_id, comment_id), data["answer"], by=current_user)
    db.session.commit()
    return comment


@bp.post("/pves/<int:pve_id>/comments/<int:comment_id>/resolve")
@roles_required(*READERS)
@bp.response(200, CommentOutSchema)
def resolve_comment(pve_id: int, comment_id: int):
    """Opmerking afhandelen

    Rollen: inkoper, contractmanager, finance."""
    comment = services.resolve_comment(_comment(pve_id, comment_id), by=current_user)
    db.session.commit()
    return comment


@bp.post("/pves/<int:pve_id>/attachments")
@roles_required(Role.INKOPER)
@bp.arguments(AttachmentInSchema(), location="multipart")
@bp.response(201, AttachmentOutSchema)
def add_attachment(args, pve_id: int):
    """Bijlage toevoegen (PDF, DOCX, XLSX, ODT tot 20 MB)

    Rollen: inkoper."""
    _, filename, content = upload(args)
    attachment = services.add_attachment(_pve(pve_id), filename, content, by=current_user)
    db.session.commit()
    return attachment
