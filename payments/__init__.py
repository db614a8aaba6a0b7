from flask import Flask

from core.models import Role
from core.registry import DemoStep, NavItem, Panel, register_demo, register_nav, register_panel


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
    from core.leases import LeasedWork, register
    from payments import api, demo, jobs, tasks, views
    from payments.models import PaymentRun
    from payments.services import start_panel

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_nav(app, NavItem("Betaalruns", "payments.index", frozenset({Role.FINANCE, Role.ADMIN}), order=60))
    register_nav(app, NavItem("Financiële instellingen", "payments.settings", frozenset({Role.FINANCE, Role.ADMIN}),
                              order=61))
    register_nav(app, NavItem("Betaalspecificaties", "payments.provider_portal", frozenset({Role.PROVIDER}), order=60))
    register_panel(app, Panel("payments/_panel.html", start_panel, frozenset({Role.FINANCE}), order=60))
    register_demo(app, DemoStep("betaalruns", demo.load, order=90))
    jobs.register_jobs(app)
    register(app, LeasedWork(PaymentRun, tasks.calculate, tasks.waiting, tasks.give_up))
