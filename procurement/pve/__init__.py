from flask import Flask

from core.models import Role
from core.registry import DemoStep, NavItem, register_demo, register_nav


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
    from core.audit_text import register_audit_labels
    from procurement.pve import api, demo, views
    from procurement.pve.models import STATUS_LABELS

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)

    register_nav(app, NavItem("Programma's van Eisen", "pve.index",
                              frozenset({Role.ADMIN, Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE}), order=25,
                              group="Inkoop"))
    register_demo(app, DemoStep("pve", demo.load, order=60))
    register_audit_labels(app, values={"status": STATUS_LABELS})
