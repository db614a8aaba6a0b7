"""Providers in the JSON API: staff read and register; a provider token sees its own provider only (and its
documents)."""
from flask_login import current_user

from core import files
from core.auth import roles_required
from core.extensions import db
from core.models import Role
from core.rest import doc, load_json, load_query, load_upload, make_api_blueprint, paginate
from core.schemas import DocumentInSchema, DocumentOutSchema, DocumentPageSchema, document_form_body, page_of
from providers import services
from providers.models import Provider, ProviderDocumentKind
from providers.schemas import ProviderInSchema, ProviderOutSchema, ProviderQuery

bp = make_api_blueprint("providers_api", __name__)
provider_in, provider_out = ProviderInSchema(), ProviderOutSchema()
document_in, document_out = DocumentInSchema(), DocumentOutSchema()


@bp.get("/providers")
@doc("Aanbieders, te zoeken op naam, KvK-nummer of plaats", query=ProviderQuery,
     response=page_of(ProviderOutSchema))
@roles_required(*Role)
def index():
    return paginate(services.visible_providers(current_user, load_query(ProviderQuery()).get("q")), provider_out)


@bp.post("/providers")
@roles_required(Role.CONTRACTMANAGER)
@doc("Aanbieder registreren (KvK, IBAN en BIC worden gecontroleerd)", body=ProviderInSchema,
     response=ProviderOutSchema, status=201, also=(409,), roles="contractmanager, admin")
def create():
    provider = services.register_provider(load_json(provider_in), by=current_user)
    db.session.commit()
    return provider_out.dump(provider), 201


@bp.get("/providers/<int:provider_id>")
@doc("Eén aanbieder", response=ProviderOutSchema)
@roles_required(*Role)
def detail(provider_id: int):
    return provider_out.dump(_visible(provider_id))


def _visible(provider_id: int) -> Provider:
    return db.first_or_404(services.visible_providers(current_user).where(Provider.id == provider_id))


@bp.patch("/providers/<int:provider_id>")
@roles_required(Role.CONTRACTMANAGER)
@doc("Aanbieder wijzigen (wijziging van bankgegevens komt apart in het auditlog)", body=ProviderInSchema,
     response=ProviderOutSchema, also=(409,), roles="contractmanager, admin")
def update(provider_id: int):
    provider = db.get_or_404(Provider, provider_id)
    services.update_provider(provider, load_json(provider_in, partial=True), by=current_user)
    db.session.commit()
    return provider_out.dump(provider)


@bp.get("/providers/<int:provider_id>/documents")
@doc("Documenten van een aanbieder (keurmerk, VOG, verzekering ...), actuele eerst", response=DocumentPageSchema)
@roles_required(*Role)
def documents(provider_id: int):
    return paginate(services.provider_documents(_visible(provider_id)), document_out)


@bp.post("/providers/<int:provider_id>/documents")
@roles_required(Role.CONTRACTMANAGER, Role.PROVIDER)
@doc("Document toevoegen (PDF, DOCX, XLSX, ODT tot 20 MB; supersedes_id vervangt een eerder document)",
     response=DocumentOutSchema, status=201, form=document_form_body(ProviderDocumentKind),
     roles="contractmanager, admin, de eigen aanbieder")
def add_document(provider_id: int):
    document = services.add_provider_document(_visible(provider_id), *load_upload(document_in), by=current_user)
    db.session.commit()
    return document_out.dump(document), 201


@bp.get("/providers/<int:provider_id>/documents/<int:provider_document_id>")
@doc("Een document downloaden", content_type=tuple(files.TYPES.values()))
@roles_required(*Role)
def document(provider_id: int, provider_document_id: int):
    found = services.get_provider_document(_visible(provider_id), provider_document_id)
    return files.send(found, services.DOCUMENT_FOLDER)


@bp.delete("/providers/<int:provider_id>/documents/<int:provider_document_id>")
@roles_required(Role.CONTRACTMANAGER)
@doc("Een document verwijderen (naam en SHA-256 blijven in het auditlog)", status=204,
     roles="contractmanager, admin")
def delete_document(provider_id: int, provider_document_id: int):
    found = services.get_provider_document(_visible(provider_id), provider_document_id)
    services.delete_provider_document(found, by=current_user)
    db.session.commit()
    return "", 204
