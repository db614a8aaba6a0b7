"""Budget control: budget lines per municipality, year and funding source; realised, committed and forecast
payments; budget signals; what-if runs of tariff models."""
from flask import Flask

from core.models import Role
from core.registry import DemoStep, NavItem, Panel, register_demo, register_nav, register_panel, register_signals

FINANCE = frozenset({Role.FINANCE, Role.ADMIN})


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, signals and demo data."""
    from budget import api, demo, signals, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_nav(app, NavItem("Begroting", "budget.index", FINANCE, order=62, group="Financiën"))
    register_nav(app, NavItem("Wat-als tarieven", "budget.what_if", FINANCE | {Role.INKOPER}, order=63,
                              group="Financiën"))
    register_panel(app, Panel("budget/_panel.html", signals.signals_context, frozenset({Role.FINANCE}), order=61))
    register_signals(app, Panel("budget/_alerts.html", signals.signals_context, FINANCE, order=10))
    register_demo(app, DemoStep("begroting", demo.load, order=95))
