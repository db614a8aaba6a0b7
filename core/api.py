"""Core API: municipalities, regions, the service catalogue and the OpenAPI document."""
import sqlalchemy as sa
from flask import current_app, jsonify
from flask_login import current_user

from core import services
from core.auth import roles_required, scope_filter, visible_regions
from core.extensions import db
from core.models import Municipality, Region, Service
from core.scope import Action, require
from core.rest import make_api_blueprint, openapi_document, paginate, public
from core.schemas import MunicipalitySchema, PageQuery, RegionInSchema, RegionOutSchema, ServiceSchema, page_of

bp = make_api_blueprint("core_api", __name__)
municipality_schema, page_query = MunicipalitySchema(), PageQuery()
region_in, region_out = RegionInSchema(), RegionOutSchema()


@bp.get("/openapi.json")
@public
@bp.response(200, {"type": "object"}, description="Het OpenAPI-document (OpenAPI 3.0)")
def openapi():
    """Dit OpenAPI-document"""
    return jsonify(openapi_document(current_app))


@bp.get("/municipalities")
@bp.arguments(page_query, location="query")
@bp.response(200, page_of(MunicipalitySchema))
def municipalities(args):
    """Gemeenten binnen uw bereik"""
    stmt = sa.select(Municipality).where(scope_filter(current_user, Municipality.id)).order_by(Municipality.code)
    return paginate(stmt, args)


@bp.post("/municipalities")
@roles_required()
@bp.arguments(municipality_schema)
@bp.response(201, MunicipalitySchema)
def create_municipality(data):
    """Gemeente toevoegen

    Rollen: landelijk beheerder (de beheerder van een regio voegt gemeenten toe onder Beheer)."""
    require(current_user, Action.REFERENCE_DATA)
    municipality = services.create_municipality(data, by=current_user)
    db.session.commit()
    return municipality


@bp.get("/regions")
@bp.arguments(page_query, location="query")
@bp.response(200, page_of(RegionOutSchema))
def regions(args):
    """Regio's binnen uw bereik"""
    return paginate(visible_regions(current_user), args)


@bp.post("/regions")
@roles_required()
@bp.arguments(region_in)
@bp.response(201, RegionOutSchema)
def create_region(data):
    """Regio toevoegen

    Rollen: landelijk beheerder."""
    require(current_user, Action.REFERENCE_DATA)
    region = services.create_region(data, by=current_user)
    db.session.commit()
    return region


@bp.get("/regions/<int:region_id>")
@bp.response(200, RegionOutSchema)
def region(region_id: int):
    """Eén regio"""
    return db.first_or_404(visible_regions(current_user).where(Region.id == region_id))


@bp.get("/services")
@bp.arguments(page_query, location="query")
@bp.response(200, page_of(ServiceSchema))
def service_catalogue(args):
    """De dienstencatalogus"""
    return paginate(sa.select(Service).order_by(Service.position), args)
