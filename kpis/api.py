"""Indicator API: values per contract, provider and municipality over a window, and the alerts."""
from flask import request
from flask_login import current_user

from core.auth import roles_required
from core.dates import today
from core.models import Role
from core.rest import doc, load_query, make_api_blueprint, paginate
from core.schemas import page_of
from kpis import services
from kpis.schemas import AlertSchema, IndicatorListSchema, WindowQuery

bp = make_api_blueprint("indicators_api", __name__)
window_query, indicator_list, alert_schema = WindowQuery(), IndicatorListSchema(), AlertSchema()
STAFF = (Role.CONTRACTMANAGER, Role.INKOPER, Role.FINANCE)
ROLES = "admin, contractmanager, inkoper, finance"


def _window() -> tuple:
    args = load_query(window_query)
    default_start, default_end = services.month_window(services.last_complete_month(today()))
    return args["from_"] or default_start, args["to"] or default_end, args["municipality"]


@bp.get("/contracts/<int:contract_id>/kpis")
@roles_required(*STAFF)
@doc("De afgesproken indicatoren van een contract over een periode", query=WindowQuery,
     response=IndicatorListSchema, roles=ROLES)
def contract_kpis(contract_id: int):
    contract = services.get_contract(current_user, contract_id)
    start, end, code = _window()
    municipality = services.contract_municipality_for(current_user, contract, code)
    items = services.contract_indicators(contract, start, end, user=current_user, municipality=municipality)
    return indicator_list.dump({"items": items})


@bp.get("/providers/<int:provider_id>/kpis")
@roles_required(*STAFF)
@doc("Alle indicatoren van een aanbieder over al zijn contracten", query=WindowQuery,
     response=IndicatorListSchema, roles=ROLES)
def provider_kpis(provider_id: int):
    provider = services.get_provider(current_user, provider_id)
    start, end, code = _window()
    municipality = services.get_municipality(current_user, code) if code else None
    items = services.provider_indicators(provider, start, end, user=current_user, municipality=municipality)
    return indicator_list.dump({"items": items})


@bp.get("/municipalities/<code>/kpis")
@roles_required(*STAFF)
@doc("Alle indicatoren van een gemeente over al haar trajecten", query=WindowQuery,
     response=IndicatorListSchema, roles=ROLES)
def municipality_kpis(code: str):
    municipality = services.get_municipality(current_user, code)
    start, end, _ = _window()
    return indicator_list.dump({"items": services.municipality_indicators(municipality, start, end)})


@bp.get("/kpi-alerts")
@roles_required(*STAFF)
@doc("Signalen: indicatoren die rood werden", response=page_of(AlertSchema), roles=ROLES)
def alerts():
    return paginate(services.visible_alerts(current_user, only_open=request.args.get("all") != "true"), alert_schema)
