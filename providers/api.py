"""Providers in the JSON API: staff read and register; a provider token sees its own provider only (and its
documents)."""
from flask import Response
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core import files
from core.auth import roles_required
from core.extensions import db
from core.models import Role
from core.rest import downloads, make_api_blueprint, paginate, upload
from core.schemas import DocumentOutSchema, PageQuery, page_of
from providers import services
from providers.models import Provider
from providers.schemas import (ProviderChangeSchema, ProviderDocumentInSchema, ProviderInSchema, ProviderOutSchema,
                               ProviderQuery)

bp = make_api_blueprint("providers_api", __name__)


def _visible(provider_id: int) -> Provider:
    return db.first_or_404(services.visible_providers(current_user).where(Provider.id == provider_id))


@bp.get("/providers")
@roles_required(*Role)
@bp.arguments(ProviderQuery(), location="query")
@bp.response(200, page_of(ProviderOutSchema))
def index(args):
    """Aanbieders, te zoeken op naam, KvK-nummer of plaats"""
    return paginate(services.visible_providers(current_user, args.get("q"))
                    .options(selectinload(Provider.pending_bank_change)), args)


@bp.post("/providers")
@roles_required(Role.CONTRACTMANAGER)
@bp.arguments(ProviderInSchema())
@bp.response(201, ProviderOutSchema)
def create(data):
    """Aanbieder registreren (KvK, IBAN en BIC worden gecontroleerd)

    Rollen: contractmanager, admin."""
    provider = services.register_provider(data, by=current_user)
    db.session.commit()
    return provider


@bp.get("/providers/<int:provider_id>")
@roles_required(*Role)
@bp.response(200, ProviderOutSchema)
def detail(provider_id: int):
    """Eén aanbieder"""
    return _visible(provider_id)


@bp.patch("/providers/<int:provider_id>")
@roles_required(Role.CONTRACTMANAGER, Role.FINANCE)
@bp.arguments(ProviderChangeSchema(partial=True))
@bp.response(200, ProviderOutSchema)
def update(data, provider_id: int):
    """Aanbieder wijzigen; een nieuw IBAN of BIC geldt pas na goedkeuring door een tweede persoon

    Het antwoord toont de geldende bankgegevens en het wachtende voorstel (pending_bank_change); 409 als er al
    een voorstel wacht. Een nieuw IBAN zonder BIC laat de oude BIC vervallen.

    Rollen: contractmanager (bankgegevens ook finance; een beheerder niet: geld loopt via financiën)."""
    provider = db.get_or_404(Provider, provider_id)
    services.update_provider(provider, data, by=current_user)
    db.session.commit()
    return provider


@bp.get("/providers/<int:provider_id>/documents")
@roles_required(*Role)
@bp.arguments(PageQuery(), location="query")
@bp.response(200, page_of(DocumentOutSchema))
def documents(args, provider_id: int):
    """Documenten van een aanbieder (keurmerk, VOG, verzekering ...), actuele eerst"""
    return paginate(services.provider_documents(_visible(provider_id)), args)


@bp.post("/providers/<int:provider_id>/documents")
@roles_required(Role.CONTRACTMANAGER, Role.PROVIDER)
@bp.arguments(ProviderDocumentInSchema(), location="multipart")
@bp.response(201, DocumentOutSchema)
def add_document(args, provider_id: int):
    """Document toevoegen (PDF, DOCX, XLSX, ODT tot 20 MB; supersedes_id vervangt een eerder document)

    Rollen: contractmanager, admin, de eigen aanbieder."""
    document = services.add_provider_document(_visible(provider_id), *upload(args), by=current_user)
    db.session.commit()
    return document


@bp.get("/providers/<int:provider_id>/documents/<int:provider_document_id>")
@roles_required(*Role)
@downloads(bp, *files.TYPES.values())
def document(provider_id: int, provider_document_id: int):
    """Een document downloaden"""
    found = services.get_provider_document(_visible(provider_id), provider_document_id)
    return files.send(found, services.DOCUMENT_FOLDER)


@bp.delete("/providers/<int:provider_id>/documents/<int:provider_document_id>")
@roles_required(Role.CONTRACTMANAGER)
@bp.response(204)
def delete_document(provider_id: int, provider_document_id: int):
    """Een document verwijderen (naam en SHA-256 blijven in het auditlog)

    Rollen: contractmanager, admin."""
    found = services.get_provider_document(_visible(provider_id), provider_document_id)
    services.delete_provider_document(found, by=current_user)
    db.session.commit()
    return Response(status=204)
