"""The PvE part of the JSON API: /api/v1/pves."""
from io import BytesIO

from flask import abort, request, send_file
from flask_login import current_user

from core.auth import roles_required
from core.extensions import db
from core.models import Role
from core.rest import doc, load_json, load_query, make_api_blueprint, paginate
from core.schemas import page_of
from procurement.models import ProcurementCase
from procurement.pve import services
from procurement.pve.content import diff_versions
from procurement.pve.models import Pve, PveComment, PveStatus
from procurement.pve.pdf import render_pve_pdf
from procurement.pve.schemas import (AnswerInSchema, AttachmentOutSchema, CommentInSchema, CommentOutSchema,
                                     ContractTermsSchema, DiffOutSchema, DiffQuery, PveInSchema, PveOutSchema,
                                     PveQuery, StatusInSchema, VersionInSchema, VersionOutSchema)

bp = make_api_blueprint("pve_api", __name__)
READERS = (Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE)
pve_out, version_out, comment_out = PveOutSchema(), VersionOutSchema(), CommentOutSchema()


def _pve(pve_id: int) -> Pve:
    return db.first_or_404(services.visible_pves(current_user).where(Pve.id == pve_id))


def _version(pve: Pve, number: int):
    return pve.version(number) or abort(404)


def _comment(pve_id: int, comment_id: int) -> PveComment:
    comment = db.session.get(PveComment, comment_id)
    return comment if comment is not None and comment.pve is _pve(pve_id) else abort(404)


@bp.get("/pves")
@roles_required(*READERS)
@doc("PvE's binnen uw bereik", query=PveQuery, response=page_of(PveOutSchema), roles="inkoper, contractmanager, finance")
def index():
    args = load_query(PveQuery())
    stmt = services.visible_pves(current_user, args.get("service"), args.get("status"), args.get("municipality"))
    return paginate(stmt, pve_out)


@bp.post("/pves")
@roles_required(Role.INKOPER)
@doc("PvE starten uit het sjabloon", body=PveInSchema, response=PveOutSchema, status=201, roles="inkoper")
def create():
    data = load_json(PveInSchema())
    case = db.first_or_404(services.visible_cases(current_user).where(ProcurementCase.id == data["procurement_case_id"]))
    pve = services.create_pve(case, data["title"], by=current_user)
    db.session.commit()
    return pve_out.dump(pve), 201


@bp.get("/pves/<int:pve_id>")
@roles_required(*READERS)
@doc("Eén PvE met zijn versies", response=PveOutSchema, roles="inkoper, contractmanager, finance")
def detail(pve_id: int):
    return pve_out.dump(_pve(pve_id))


@bp.get("/pves/<int:pve_id>/versions/<int:number>")
@roles_required(*READERS)
@doc("Eén versie met alle paragrafen", response=VersionOutSchema, roles="inkoper, contractmanager, finance")
def version(pve_id: int, number: int):
    return version_out.dump(_version(_pve(pve_id), number))


@bp.post("/pves/<int:pve_id>/versions")
@roles_required(Role.INKOPER)
@doc("Nieuwe versie opslaan", body=VersionInSchema, response=VersionOutSchema, status=201, roles="inkoper")
def save(pve_id: int):
    version = services.save_version(_pve(pve_id), load_json(VersionInSchema()), by=current_user)
    db.session.commit()
    return version_out.dump(version), 201


@bp.post("/pves/<int:pve_id>/status")
@roles_required(Role.INKOPER)
@doc("Status wijzigen (in_review, concept, vastgesteld)", body=StatusInSchema, response=VersionOutSchema,
     roles="inkoper; vaststellen niet door een auteur van de versie")
def status(pve_id: int):
    version = services.change_status(_pve(pve_id), PveStatus(load_json(StatusInSchema())["status"]), by=current_user)
    db.session.commit()
    return version_out.dump(version)


@bp.post("/pves/<int:pve_id>/new-draft")
@roles_required(Role.INKOPER)
@doc("Nieuw concept op basis van de vastgestelde versie", response=VersionOutSchema, status=201, roles="inkoper")
def new_draft(pve_id: int):
    version = services.start_new_draft(_pve(pve_id), by=current_user)
    db.session.commit()
    return version_out.dump(version), 201


@bp.get("/pves/<int:pve_id>/diff")
@roles_required(*READERS)
@doc("Verschillen tussen twee versies per paragraaf", query=DiffQuery, response=DiffOutSchema,
     roles="inkoper, contractmanager, finance")
def diff(pve_id: int):
    pve, args = _pve(pve_id), load_query(DiffQuery())
    return DiffOutSchema().dump({"sections": diff_versions(_version(pve, args["from_"]), _version(pve, args["to"]))})


@bp.get("/pves/<int:pve_id>/contract-terms")
@roles_required(Role.INKOPER, Role.CONTRACTMANAGER)
@doc("Prijs, betaalschema en KPI-normen van de vastgestelde versie, om een contract mee te vullen",
     response=ContractTermsSchema, roles="inkoper, contractmanager")
def contract_terms(pve_id: int):
    pve = _pve(pve_id)
    return ContractTermsSchema().dump(services.contract_terms(pve.adopted or pve.latest))


@bp.get("/pves/<int:pve_id>/versions/<int:number>/pve.pdf")
@roles_required(*READERS)
@doc("De versie als PDF", content_type="application/pdf", roles="inkoper, contractmanager, finance")
def pdf(pve_id: int, number: int):
    version = _version(_pve(pve_id), number)
    return send_file(BytesIO(render_pve_pdf(version)), mimetype="application/pdf", as_attachment=True,
                     download_name=f"pve-{pve_id}-v{number}.pdf")


@bp.get("/pves/<int:pve_id>/comments")
@roles_required(*READERS)
@doc("Reviewopmerkingen", response=page_of(CommentOutSchema), roles="inkoper, contractmanager, finance")
def comments(pve_id: int):
    items = _pve(pve_id).comments
    return {"items": comment_out.dump(items, many=True), "total": len(items)}


@bp.post("/pves/<int:pve_id>/comments")
@roles_required(*READERS)
@doc("Reviewopmerking bij een paragraaf", body=CommentInSchema, response=CommentOutSchema, status=201,
     roles="inkoper, contractmanager, finance")
def add_comment(pve_id: int):
    data = load_json(CommentInSchema())
    comment = services.add_comment(_pve(pve_id), data["section_key"], data["body"], by=current_user)
    db.session.commit()
    return comment_out.dump(comment), 201


@bp.post("/pves/<int:pve_id>/comments/<int:comment_id>/answer")
@roles_required(Role.INKOPER)
@doc("Opmerking beantwoorden", body=AnswerInSchema, response=CommentOutSchema, roles="inkoper")
def answer_comment(pve_id: int, comment_id: int):
    comment = services.answer_comment(_comment(pve_id, comment_id), load_json(AnswerInSchema())["answer"],
                                      by=current_user)
    db.session.commit()
    return comment_out.dump(comment)


@bp.post("/pves/<int:pve_id>/comments/<int:comment_id>/resolve")
@roles_required(*READERS)
@doc("Opmerking afhandelen", response=CommentOutSchema, roles="inkoper, contractmanager, finance")
def resolve_comment(pve_id: int, comment_id: int):
    comment = services.resolve_comment(_comment(pve_id, comment_id), by=current_user)
    db.session.commit()
    return comment_out.dump(comment)


@bp.post("/pves/<int:pve_id>/attachments")
@roles_required(Role.INKOPER)
@doc("Bijlage toevoegen (PDF, DOCX, XLSX, ODT tot 20 MB)", response=AttachmentOutSchema, status=201,
     form={"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}, roles="inkoper")
def add_attachment(pve_id: int):
    pve, upload = _pve(pve_id), request.files.get("file") or abort(400, "Stuur het bestand als 'file'.")
    attachment = services.add_attachment(pve, upload.filename or "", upload.read(), by=current_user)
    db.session.commit()
    return AttachmentOutSchema().dump(attachment), 201
