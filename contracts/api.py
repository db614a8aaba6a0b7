"""Contracts in the JSON API (api.md): create, read in scope, amend with a reason, change the tariff, documents;
Open Houses with their announcement and provider lists."""
from flask import Response
from flask_login import current_user

from contracts import open_house, services
from contracts.models import Contract
from contracts.schemas import (AnnouncementInSchema, ContractAmendSchema, ContractDocumentInSchema, ContractInSchema,
                               ContractListItemSchema, ContractOutSchema, ContractQuery, OpenHouseOutSchema,
                               TariffChangeInSchema)
from core import files
from core.auth import roles_required
from core.dates import today
from core.extensions import db
from core.models import Role
from core.rest import downloads, make_api_blueprint, paginate, upload
from core.schemas import DocumentOutSchema, PageQuery, page_of

bp = make_api_blueprint("contracts_api", __name__)


@bp.get("/contracts")
@roles_required(*Role)
@bp.arguments(ContractQuery(), location="query")
@bp.response(200, page_of(ContractListItemSchema))
def index(args):
    """Contracten binnen uw bereik"""
    stmt = services.visible_contracts(current_user)
    for name in ("provider_id", "status"):
        if args.get(name) is not None:
            stmt = stmt.where(getattr(Contract, name) == args[name])
    return paginate(stmt, args)


@bp.post("/contracts")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(ContractInSchema())
@bp.response(201, ContractOutSchema)
def create(data):
    """Contract vastleggen met betaalschema en KPI-afspraken

    Rollen: contractmanager, admin."""
    contract = services.create_contract(services.contract_data(data), by=current_user)
    db.session.commit()
    return contract


@bp.get("/contracts/<int:contract_id>")
@roles_required(*Role)
@bp.response(200, ContractOutSchema)
def detail(contract_id: int):
    """Eén contract, met paid_total"""
    return services.get_visible_contract(current_user, contract_id)


@bp.patch("/contracts/<int:contract_id>")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(ContractAmendSchema())
@bp.response(200, ContractOutSchema)
def amend(data, contract_id: int):
    """Contract wijzigen, met reden (voor en na in het auditlog)

    Rollen: contractmanager, admin."""
    contract = services.get_visible_contract(current_user, contract_id)
    services.amend_contract(contract, services.amendment_data(data), data["reason"], by=current_user)
    db.session.commit()
    return contract


@bp.post("/contracts/<int:contract_id>/tariff-changes")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(TariffChangeInSchema())
@bp.response(201, ContractOutSchema)
def change_tariff(data, contract_id: int):
    """Tariefwijziging vanaf een datum (geldt voor mijlpalen die daarna verdiend worden)

    Rollen: contractmanager, admin."""
    contract = services.get_visible_contract(current_user, contract_id)
    services.change_tariff(contract, data["effective_on"], data["price_per_trajectory"], data["amounts"],
                           data["reason"], by=current_user)
    db.session.commit()
    return contract


@bp.get("/contracts/<int:contract_id>/documents")
@roles_required(*Role)
@bp.arguments(PageQuery(), location="query")
@bp.response(200, page_of(DocumentOutSchema))
def documents(args, contract_id: int):
    """Documenten van een contract (getekend contract, wijzigingen ...), actuele eerst"""
    return paginate(services.contract_documents(services.get_visible_contract(current_user, contract_id)), args)


@bp.post("/contracts/<int:contract_id>/documents")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(ContractDocumentInSchema(), location="multipart")
@bp.response(201, DocumentOutSchema)
def add_document(args, contract_id: int):
    """Document toevoegen (PDF, DOCX, XLSX, ODT tot 20 MB; supersedes_id vervangt een eerder document)

    Rollen: contractmanager, admin."""
    document = services.add_contract_document(services.get_visible_contract(current_user, contract_id),
                                              *upload(args), by=current_user)
    db.session.commit()
    return document


@bp.get("/contracts/<int:contract_id>/documents/<int:contract_document_id>")
@roles_required(*Role)
@downloads(bp, *files.TYPES.values())
def document(contract_id: int, contract_document_id: int):
    """Een document downloaden"""
    found = services.get_contract_document(services.get_visible_contract(current_user, contract_id),
                                           contract_document_id)
    return files.send(found, services.DOCUMENT_FOLDER)


@bp.delete("/contracts/<int:contract_id>/documents/<int:contract_document_id>")
@roles_required(Role.CONTRACTMANAGER)
@bp.response(204)
def delete_document(contract_id: int, contract_document_id: int):
    """Een document verwijderen (naam en SHA-256 blijven in het auditlog)

    Rollen: contractmanager, admin."""
    found = services.get_contract_document(services.get_visible_contract(current_user, contract_id),
                                           contract_document_id)
    services.delete_contract_document(found, by=current_user)
    db.session.commit()
    return Response(status=204)


@bp.get("/open-houses")
@roles_required(*Role)
@bp.arguments(PageQuery(), location="query")
@bp.response(200, page_of(OpenHouseOutSchema))
def open_houses(args):
    """Open House-procedures, met aankondiging en de versies van de lijst van toegelaten aanbieders"""
    return paginate(open_house.public_open_houses(), args)


@bp.get("/open-houses/<int:open_house_id>")
@roles_required(*Role)
@bp.response(200, OpenHouseOutSchema)
def open_house_detail(open_house_id: int):
    """Eén Open House"""
    return open_house.visible_open_house(current_user, open_house_id)


@bp.post("/open-houses/<int:open_house_id>/announcement")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(AnnouncementInSchema())
@bp.response(200, OpenHouseOutSchema)
def announce(data, open_house_id: int):
    """De openbare aankondiging vastleggen (datum en webadres); daarna opent de toelating

    Rollen: contractmanager, admin."""
    house = open_house.visible_open_house(current_user, open_house_id)
    open_house.announce(house, data["announced_on"], data["url"], by=current_user, today=today())
    db.session.commit()
    return house
