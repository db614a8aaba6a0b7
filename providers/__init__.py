from flask import Flask

from core.models import Role
from core.registry import NavItem, register_nav


def _template_labels() -> dict:
    from providers.models import PROVIDER_DOCUMENT_LABELS

    return {"provider_document_labels": PROVIDER_DOCUMENT_LABELS}


STAFF = frozenset({Role.ADMIN, Role.CONTRACTMANAGER, Role.INKOPER, Role.FINANCE})


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
    from providers import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.context_processor(_template_labels)
    register_nav(app, NavItem("Aanbieders", "providers.index", STAFF, order=42, group="Contractbeheer"))
