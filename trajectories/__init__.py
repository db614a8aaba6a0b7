from flask import Flask

from core.models import Role
from core.registry import DemoStep, NavItem, Panel, register_demo, register_nav, register_panel


def _flags_context(user, today) -> dict:
    from trajectories.flags import flagged_contracts

    return {"flagged": flagged_contracts(user, today)}


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
    from core.leases import LeasedWork, register
    from trajectories import api, demo, imports, views
    from trajectories.models import ProgressImport

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_nav(app, NavItem("Trajecten", "trajectories.index", order=40))
    register_nav(app, NavItem("Voortgang uploaden", "trajectories.upload", frozenset({Role.PROVIDER, Role.CONTRACTMANAGER,
                                                                              Role.ADMIN}), order=41))
    register_panel(app, Panel("trajectories/_flags_panel.html", _flags_context,
                              frozenset({Role.ADMIN, Role.CONTRACTMANAGER}), order=25))
    register_demo(app, DemoStep("trajecten en voortgang", demo.load, order=70))
    register(app, LeasedWork(ProgressImport, imports.run_import, imports.waiting, imports.give_up))
