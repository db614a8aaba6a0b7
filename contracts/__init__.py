from flask import Flask

from core.models import Role
from core.registry import DemoStep, NavItem, Panel, register_demo, register_nav, register_panel

CONTRACT_STAFF = frozenset({Role.ADMIN, Role.CONTRACTMANAGER, Role.INKOPER, Role.FINANCE})


def _alerts_context(user, today) -> dict:
    from contracts.services import open_alerts
    from core.extensions import db

    return {"alerts": db.session.scalars(open_alerts(user).limit(20)).all()}


def _template_labels() -> dict:
    from contracts.models import ADMISSION_LABELS, CONTRACT_DOCUMENT_LABELS, CONTRACT_STATUS_LABELS
    from core.terms import DIRECTIONS, MILESTONE_KINDS, SOURCES, TRIGGER_LABELS
    from procurement.models import ROUTE_LABELS

    return {"status_labels": CONTRACT_STATUS_LABELS, "admission_labels": ADMISSION_LABELS,
            "route_labels": ROUTE_LABELS, "trigger_labels": TRIGGER_LABELS, "triggers": list(TRIGGER_LABELS),
            "milestone_kinds": MILESTONE_KINDS, "directions": DIRECTIONS,
            "contract_document_labels": CONTRACT_DOCUMENT_LABELS, "evidence_sources": SOURCES}


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
    from contracts import api, demo, jobs, open_house_views, views
    from contracts.models import ADMISSION_LABELS, CONTRACT_STATUS_LABELS
    from core.audit_text import register_audit_labels
    from core.scheduler import register_job

    for blueprint in (views.bp, open_house_views.bp, api.bp):
        app.register_blueprint(blueprint)
    app.context_processor(_template_labels)
    register_nav(app, NavItem("Contracten", "contracts.index", CONTRACT_STAFF, order=40, group="Contractbeheer"))
    register_nav(app, NavItem("Mijn contracten", "contracts.index", frozenset({Role.PROVIDER}), order=40,
                              group="Contractbeheer"))
    register_nav(app, NavItem("Open House", "open_house.index", order=45, group="Contractbeheer"))
    register_panel(app, Panel("contracts/_alerts_panel.html", _alerts_context,
                              frozenset({Role.ADMIN, Role.CONTRACTMANAGER}), order=20))
    for job in jobs.JOBS:
        register_job(app, job)
    register_demo(app, DemoStep("aanbieders en contracten", demo.load, order=40))
    register_audit_labels(app, values={"status": CONTRACT_STATUS_LABELS | ADMISSION_LABELS})
