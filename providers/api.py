"""Providers in the JSON API: staff read and register; a provider token sees its own provider only."""
from flask_login import current_user

from core.auth import roles_required
from core.extensions import db
from core.models import Role
from core.rest import doc, load_json, load_query, make_api_blueprint, paginate
from core.schemas import page_of
from providers import services
from providers.models import Provider
from providers.schemas import ProviderInSchema, ProviderOutSchema, ProviderQuery

bp = make_api_blueprint("providers_api", __name__)
provider_in, provider_out = ProviderInSchema(), ProviderOutSchema()


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
    return provider_out.dump(db.first_or_404(services.visible_providers(current_user).where(
        Provider.id == provider_id)))


@bp.patch("/providers/<int:provider_id>")
@roles_required(Role.CONTRACTMANAGER)
@doc("Aanbieder wijzigen (wijziging van bankgegevens komt apart in het auditlog)", body=ProviderInSchema,
     response=ProviderOutSchema, also=(409,), roles="contractmanager, admin")
def update(provider_id: int):
    provider = db.get_or_404(Provider, provider_id)
    services.update_provider(provider, load_json(provider_in, partial=True), by=current_user)
    db.session.commit()
    return provider_out.dump(provider)
