"""DUO's M2M inburgering feed: notifications in, exam results fetched, MAP/PVT/Z-route results reported."""
from flask import Flask

from core.models import Role
from core.registry import NavItem, Panel, register_nav, register_panel


def _transfers_panel(user, today) -> dict:
    from trajectories.duo.services import transfers_for

    return {"transfers": transfers_for(user)}


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
    from trajectories.duo import api, jobs, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_nav(app, NavItem("DUO-berichten", "duo.index", frozenset({Role.ADMIN, Role.CONTRACTMANAGER}), order=70))
    register_panel(app, Panel("duo/_transfers.html", _transfers_panel,
                              frozenset({Role.ADMIN, Role.CONTRACTMANAGER}), order=30))
    jobs.register_jobs(app)
