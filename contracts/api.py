"""Contracts in the JSON API (api.md): create, read in scope, amend with a reason, change the tariff, documents."""
from flask_login import current_user

from contracts import services
from contracts.schemas import (ContractAmendSchema, ContractInSchema, ContractListItemSchema, ContractOutSchema,
                               ContractQuery, TariffChangeInSchema)
from core import files
from core.auth import roles_required
from core.extensions import db
from core.models import Role
from core.rest import doc, load_json, load_query, load_upload, make_api_blueprint, paginate
from core.schemas import DocumentInSchema, DocumentOutSchema, DocumentPageSchema, document_form_body, page_of
from contracts.models import Contract, ContractDocumentKind

bp = make_api_blueprint("contracts_api", __name__)
contract_in, contract_out, amend_in = ContractInSchema(), ContractOutSchema(), ContractAmendSchema()
tariff_in, list_item = TariffChangeInSchema(), ContractListItemSchema()
document_in, document_out = DocumentInSchema(), DocumentOutSchema()


@bp.get("/contracts")
@doc("Contracten binnen uw bereik", query=ContractQuery, response=page_of(ContractListItemSchema))
@roles_required(*Role)
def index():
    args = load_query(ContractQuery())
    stmt = services.visible_contracts(current_user)
    for name in ("provider_id", "status"):
        if args.get(name) is not None:
            stmt = stmt.where(getattr(Contract, name) == args[name])
    return paginate(stmt, list_item)


@bp.post("/contracts")
@roles_required(Role.CONTRACTMANAGER)
@doc("Contract vastleggen met betaalschema en KPI-afspraken", body=ContractInSchema, response=ContractOutSchema,
     status=201, also=(409,), roles="contractmanager, admin")
def create():
    contract = services.create_contract(services.contract_data(load_json(contract_in)), by=current_user)
    db.session.commit()
    return contract_out.dump(contract), 201


@bp.get("/contracts/<int:contract_id>")
@doc("Eén contract, met paid_total", response=ContractOutSchema)
@roles_required(*Role)
def detail(contract_id: int):
    return contract_out.dump(services.get_visible_contract(current_user, contract_id))


@bp.patch("/contracts/<int:contract_id>")
@roles_required(Role.CONTRACTMANAGER)
@doc("Contract wijzigen, met reden (voor en na in het auditlog)", body=ContractAmendSchema,
     response=ContractOutSchema, also=(409,), roles="contractmanager, admin")
def amend(contract_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    data = load_json(amend_in)
    services.amend_contract(contract, services.amendment_data(data), data["reason"], by=current_user)
    db.session.commit()
    return contract_out.dump(contract)


@bp.post("/contracts/<int:contract_id>/tariff-changes")
@roles_required(Role.CONTRACTMANAGER)
@doc("Tariefwijziging vanaf een datum (geldt voor mijlpalen die daarna verdiend worden)", body=TariffChangeInSchema,
     response=ContractOutSchema, status=201, also=(409,), roles="contractmanager, admin")
def change_tariff(contract_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    data = load_json(tariff_in)
    services.change_tariff(contract, data["effective_on"], data["price_per_trajectory"], data["amounts"],
                           data["reason"], by=current_user)
    db.session.commit()
    return contract_out.dump(contract), 201


@bp.get("/contracts/<int:contract_id>/documents")
@doc("Documenten van een contract (getekend contract, wijzigingen ...), actuele eerst",
     response=DocumentPageSchema)
@roles_required(*Role)
def documents(contract_id: int):
    return paginate(services.contract_documents(services.get_visible_contract(current_user, contract_id)),
                    document_out)


@bp.post("/contracts/<int:contract_id>/documents")
@roles_required(Role.CONTRACTMANAGER)
@doc("Document toevoegen (PDF, DOCX, XLSX, ODT tot 20 MB; supersedes_id vervangt een eerder document)",
     response=DocumentOutSchema, status=201, form=document_form_body(ContractDocumentKind),
     roles="contractmanager, admin")
def add_document(contract_id: int):
    document = services.add_contract_document(services.get_visible_contract(current_user, contract_id),
                                              *load_upload(document_in), by=current_user)
    db.session.commit()
    return document_out.dump(document), 201


@bp.get("/contracts/<int:contract_id>/documents/<int:contract_document_id>")
@doc("Een document downloaden", content_type=tuple(files.TYPES.values()))
@roles_required(*Role)
def document(contract_id: int, contract_document_id: int):
    found = services.get_contract_document(services.get_visible_contract(current_user, contract_id),
                                           contract_document_id)
    return files.send(found, services.DOCUMENT_FOLDER)


@bp.delete("/contracts/<int:contract_id>/documents/<int:contract_document_id>")
@roles_required(Role.CONTRACTMANAGER)
@doc("Een document verwijderen (naam en SHA-256 blijven in het auditlog)", status=204,
     roles="contractmanager, admin")
def delete_document(contract_id: int, contract_document_id: int):
    found = services.get_contract_document(services.get_visible_contract(current_user, contract_id),
                                           contract_document_id)
    services.delete_contract_document(found, by=current_user)
    db.session.commit()
    return "", 204
