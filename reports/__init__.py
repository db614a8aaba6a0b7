"""Accountability: the council report (Raadsrapportage) per municipality and region, and the year-end figures
(jaarafsluiting) with the grant annex, generated from the same data as the pages below them."""
from flask import Flask

from core.models import Role
from core.registry import NavItem, register_nav

FINANCE = frozenset({Role.FINANCE, Role.ADMIN})
#: Who reads council reports: the staff who keep the underlying figures; never a provider.
STAFF = frozenset({Role.FINANCE, Role.CONTRACTMANAGER, Role.ADMIN})


def init_app(app: Flask) -> None:
    """Register this domain's blueprints and navigation."""
    from reports import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_nav(app, NavItem("Raadsrapportage", "reports.index", STAFF, order=64, group="Prestaties"))
    register_nav(app, NavItem("Jaarafsluiting", "reports.year_end", FINANCE, order=65, group="Financiën"))
