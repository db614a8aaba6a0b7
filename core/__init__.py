"""The app factory."""
import importlib
import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from core import conflicts
from core.extensions import MAX_ID, csrf, db, login_manager, migrate
from core.json_bodies import JSONProvider

DOMAINS = ("procurement", "procurement.pve", "providers", "contracts", "trajectories", "trajectories.duo", "kpis",
           "payments")


def create_app(config=None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates", static_folder="../static")
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    from config import Config

    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _refuse_default_secrets(app)
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])

    from core.personal_data import install_log_redaction

    install_log_redaction()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    conflicts.install()
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "core.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.session_protection = "strong"

    from core import api, cli, demo, idempotency, leases, login_throttle, rest, views, work
    from core.errors import register_error_handlers
    from core.registry import DemoStep, register_demo
    from core.scheduler import Job, register_job
    from core.security import register_security
    from core.templating import register_template_helpers

    rest.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_error_handlers(app)
    register_security(app)
    register_template_helpers(app)
    register_demo(app, DemoStep("regio", demo.load_region, order=10))
    register_job(app, Job("idempotency_purge", idempotency.purge, cron={"hour": 3, "minute": 10}))
    register_job(app, Job("work_leases", leases.sweep, cron={"second": f"*/{app.config['WORK_SWEEP_SECONDS']}"},
                          period="continuous"))
    work.init_app(app)
    register_job(app, Job("login_throttle_purge", login_throttle.purge, cron={"hour": 3, "minute": 15}))
    for command in (cli.users, cli.demo, cli.scheduler, cli.audit):
        app.cli.add_command(command)
    for name in DOMAINS:
        importlib.import_module(f"{name}.models")
        importlib.import_module(name).init_app(app)
    return app


class IdConverter(IntegerConverter):
    """`<int:...>` ids. A number beyond the database's integer keys names no object: it becomes 0, which no row
    has, so it answers 404 like any unknown id instead of an out-of-range error in the database (500)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def _refuse_default_secrets(app: Flask) -> None:
    from config import DEV_BSN_ENCRYPTION_KEY, DEV_SECRET_KEY

    defaults = {app.config["SECRET_KEY"], app.config["BSN_ENCRYPTION_KEY"]} & {DEV_SECRET_KEY, DEV_BSN_ENCRYPTION_KEY}
    if app.config["ENV_NAME"] == "production" and defaults:
        raise RuntimeError("Zet SECRET_KEY en BSN_ENCRYPTION_KEY in de omgeving; de ontwikkelwaarden zijn onveilig.")
