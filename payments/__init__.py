from flask import Flask

from core.models import Role
from core.registry import DemoStep, NavItem, Panel, register_demo, register_nav, register_panel


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
    from core.audit_text import register_audit_labels
    from core.bank_details import BANK_CHANGE_STATUS_LABELS
    from core.leases import LeasedWork, register
    from payments import api, demo, jobs, tasks, verification_api, verification_views, views
    from payments.models import RUN_STATUS_LABELS, PaymentRun
    from payments.services import start_panel

    for blueprint in (views.bp, api.bp, verification_views.bp, verification_api.bp):
        app.register_blueprint(blueprint)
    staff = frozenset({Role.FINANCE, Role.ADMIN})
    register_nav(app, NavItem("Betaalruns", "payments.index", staff, order=60, group="Financiën"))
    register_nav(app, NavItem("Financiële instellingen", "payments.settings", staff, order=61, group="Financiën"))
    register_nav(app, NavItem("Bankgegevens", "payments.bank_changes", staff | {Role.CONTRACTMANAGER}, order=62,
                              group="Financiën"))
    register_nav(app, NavItem("Betaalspecificaties", "payments.provider_portal", frozenset({Role.PROVIDER}), order=60,
                              group="Financiën"))
    register_nav(app, NavItem("Verificatie", "verification.index", frozenset({Role.CONTRACTMANAGER, Role.ADMIN}),
                              order=62, group="Contractbeheer"))
    register_nav(app, NavItem("Claims", "verification.provider_claims", frozenset({Role.PROVIDER}), order=61,
                              group="Financiën"))
    register_panel(app, Panel("payments/_panel.html", start_panel, frozenset({Role.FINANCE}), order=60))
    register_demo(app, DemoStep("betaalruns", demo.load, order=90))
    register_audit_labels(app, values={"status": {**RUN_STATUS_LABELS, **BANK_CHANGE_STATUS_LABELS}})
    jobs.register_jobs(app)
    register(app, LeasedWork(PaymentRun, tasks.calculate, tasks.waiting, tasks.give_up))
