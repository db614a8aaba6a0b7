"""Core API: municipalities, regions, the service catalogue and the OpenAPI document."""
import sqlalchemy as sa
from flask import current_app, jsonify
from flask_login import current_user

from core import services
from core.auth import roles_required, scope_filter, visible_regions
from core.extensions import db
from core.models import Municipality, Region, Service
from core.rest import doc, load_json, make_api_blueprint, openapi_document, paginate, public
from core.schemas import MunicipalitySchema, RegionInSchema, RegionOutSchema, ServiceSchema, page_of

bp = make_api_blueprint("core_api", __name__)
municipality_schema = MunicipalitySchema()
region_in, region_out = RegionInSchema(), RegionOutSchema()


@bp.get("/openapi.json")
@public
@doc("Dit OpenAPI-document")
def openapi():
    return jsonify(openapi_document(current_app))


@bp.get("/municipalities")
@doc("Gemeenten binnen uw bereik", response=page_of(MunicipalitySchema))
def municipalities():
    stmt = sa.select(Municipality).where(scope_filter(current_user, Municipality.id)).order_by(Municipality.code)
    return paginate(stmt, municipality_schema)


@bp.post("/municipalities")
@roles_required()
@doc("Gemeente toevoegen", body=MunicipalitySchema, response=MunicipalitySchema, status=201, roles="admin")
def create_municipality():
    municipality = services.create_municipality(load_json(municipality_schema), by=current_user)
    db.session.commit()
    return municipality_schema.dump(municipality), 201


@bp.get("/regions")
@doc("Regio's binnen uw bereik", response=page_of(RegionOutSchema))
def regions():
    return paginate(visible_regions(current_user), region_out)


@bp.post("/regions")
@roles_required()
@doc("Regio toevoegen", body=RegionInSchema, response=RegionOutSchema, status=201, roles="admin")
def create_region():
    region = services.create_region(load_json(region_in), by=current_user)
    db.session.commit()
    return region_out.dump(region), 201


@bp.get("/regions/<int:region_id>")
@doc("Eén regio", response=RegionOutSchema)
def region(region_id: int):
    return region_out.dump(db.first_or_404(visible_regions(current_user).where(Region.id == region_id)))


@bp.get("/services")
@doc("De dienstencatalogus", response=page_of(ServiceSchema))
def service_catalogue():
    return paginate(sa.select(Service).order_by(Service.position), ServiceSchema())
