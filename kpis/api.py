"""Indicator API: values per contract, provider and municipality over a window, and the alerts."""
from flask_login import current_user

from core.auth import roles_required
from core.dates import today
from core.models import Role
from core.rest import make_api_blueprint, paginate
from core.schemas import page_of
from kpis import services
from kpis.schemas import AlertQuery, AlertSchema, IndicatorListSchema, WindowQuery

bp = make_api_blueprint("indicators_api", __name__)
window_query = WindowQuery()
STAFF = (Role.CONTRACTMANAGER, Role.INKOPER, Role.FINANCE)


def _window(args: dict) -> tuple:
    default_start, default_end = services.month_window(services.last_complete_month(today()))
    return args["from_"] or default_start, args["to"] or default_end, args["municipality"]


@bp.get("/contracts/<int:contract_id>/kpis")
@roles_required(*STAFF)
@bp.arguments(window_query, location="query")
@bp.response(200, IndicatorListSchema)
def contract_kpis(args, contract_id: int):
    """De afgesproken indicatoren van een contract over een periode

    Rollen: admin, contractmanager, inkoper, finance."""
    contract = services.get_contract(current_user, contract_id)
    start, end, code = _window(args)
    municipality = services.contract_municipality_for(current_user, contract, code)
    return {"items": services.contract_indicators(contract, start, end, user=current_user, municipality=municipality)}


@bp.get("/providers/<int:provider_id>/kpis")
@roles_required(*STAFF)
@bp.arguments(window_query, location="query")
@bp.response(200, IndicatorListSchema)
def provider_kpis(args, provider_id: int):
    """Alle indicatoren van een aanbieder over al zijn contracten

    Rollen: admin, contractmanager, inkoper, finance."""
    provider = services.get_provider(current_user, provider_id)
    start, end, code = _window(args)
    municipality = services.get_municipality(current_user, code) if code else None
    return {"items": services.provider_indicators(provider, start, end, user=current_user, municipality=municipality)}


@bp.get("/municipalities/<code>/kpis")
@roles_required(*STAFF)
@bp.arguments(window_query, location="query")
@bp.response(200, IndicatorListSchema)
def municipality_kpis(args, code: str):
    """Alle indicatoren van een gemeente over al haar trajecten

    Rollen: admin, contractmanager, inkoper, finance."""
    municipality = services.get_municipality(current_user, code)
    start, end, _ = _window(args)
    return {"items": services.municipality_indicators(municipality, start, end)}


@bp.get("/kpi-alerts")
@roles_required(*STAFF)
@bp.arguments(AlertQuery(), location="query")
@bp.response(200, page_of(AlertSchema))
def alerts(args):
    """Signalen: indicatoren die rood werden (alleen open signalen, tenzij all=true)

    Rollen: admin, contractmanager, inkoper, finance."""
    return paginate(services.visible_alerts(current_user, only_open=not args["all"]), args)
