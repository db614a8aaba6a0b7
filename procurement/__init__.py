from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
    from core.models import Role
    from core.registry import DemoStep, NavItem, Panel, register_demo, register_nav, register_panel
    from core.scheduler import register_job
    from procurement import api, demo, jobs, services, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    staff = frozenset({Role.ADMIN, Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE})
    register_nav(app, NavItem("Inkoopdossiers", "procurement.index", staff, order=10, group="Inkoop"))
    register_nav(app, NavItem("Routematrix", "procurement.matrix", staff, order=11, group="Inkoop"))
    register_nav(app, NavItem("Routescores", "procurement.scores", frozenset({Role.NATIONAL_ADMIN}), order=90,
                              group="Inkoop"))  # national reference data
    register_panel(app, Panel("procurement/_panel.html",
                              lambda user, today: {"milestones": services.alerted_milestones(user)},
                              frozenset({Role.INKOPER, Role.ADMIN}), order=10))
    register_demo(app, DemoStep("inkoop", demo.load, order=20))
    _register_audit_labels(app)
    for job in jobs.JOBS:
        register_job(app, job)


def _register_audit_labels(app: Flask) -> None:
    """The audit log names routes, procedures, facts, criteria and planning steps as the procurement pages do."""
    from core.audit_text import register_audit_labels
    from procurement.forms import FACT_LABELS
    from procurement.models import PROCEDURE_LABELS, ROUTE_LABELS
    from procurement.planning import TEMPLATES
    from procurement.reference import CRITERIA

    steps = {step.code: step.label for template in reversed(list(TEMPLATES.values())) for step in template}
    register_audit_labels(app, fields=FACT_LABELS | CRITERIA | steps,
                          values={"route": ROUTE_LABELS, "procedure": PROCEDURE_LABELS})
