"""schemathesis against /api/v1/openapi.json with every check it has (`--checks all`): no 5xx, every answer
matches the document (status, content type, headers, schema), invalid input is refused, a call without the token
is refused, an undeclared method answers 405, and so on.

Per operation it runs the coverage phase (boundary values, missing and unexpected parameters, wrong methods) and
then fuzzing with valid and invalid data, at most MAX_EXAMPLES cases; the stateful phase has its own test below.

One setting differs from the defaults: positive_data_acceptance also accepts 422, because schema-valid input may
still break a rule that needs the database (an unknown CBS code, an overlapping contract, a `from` after `to`),
which the document states as 422. A valid request answered 400 still fails it.
"""
import os
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from werkzeug.serving import make_server

from core import create_app
from core.auth import issue_token
from core.extensions import db
from core.models import Role, User
from tests.conftest import _config

#: Fuzzed cases per operation after the coverage phase's; FUZZ_EXAMPLES=200 digs deeper by hand.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CONFIG = {"generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
          "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}}}


def _schema():
    """The schema as the app serves it; each test sends its cases to an app of its own (fresh database)."""
    config = SchemathesisConfig.from_dict({
        **CONFIG, "phases": {"examples": {"enabled": False}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}}})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(_config("sqlite://")), config=config)


schema = _schema()
_running = {}  # the admin token of the test that runs


@schema.auth(refresh_interval=None)
class AdminToken:
    """Every case carries the running test's token, so schemathesis knows the real credentials: ignored_auth
    tries each call without them and with wrong ones, and a negative case may drop them."""

    def get(self, case, ctx):
        return _running.get("token", "")  # none while the tests are collected

    def set(self, case, token, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@pytest.fixture
def admin_token(ctx, make_user, make_region):
    make_region()
    _running["token"] = issue_token(make_user(Role.ADMIN))
    db.session.commit()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_match_the_document(case, app, admin_token):
    case.call_and_validate(app=app)


@pytest.fixture
def live_api(file_app):
    """The app on a free localhost port, and an admin's token: the engine talks HTTP, as the CLI does."""
    with file_app.app_context():
        token = issue_token(User(role=Role.ADMIN, email="fuzz@example.nl", name="fuzz", password_hash="-"))
        db.session.commit()
    server = make_server("127.0.0.1", 0, file_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", token
    server.shutdown()


def test_api_workflows_match_the_document(live_api):
    """The stateful phase, run by schemathesis' own engine as `schemathesis run --phases stateful --checks all`
    does: chains of calls along the links it infers (an id answered by one call used in the next), with every
    check, also use_after_free and ensure_resource_availability."""
    url, token = live_api
    config = SchemathesisConfig.from_dict({
        **CONFIG, "headers": {"Authorization": f"Bearer {token}"},
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "fuzzing": {"enabled": False},
                   "stateful": {"enabled": True, "max-steps": 6}}})
    run = list(engine.from_schema(schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json", config=config))
               .execute())
    errors = [event.info.message for event in run if isinstance(event, (events.NonFatalError, events.FatalError))]
    errors += [f"{event.phase.name}: {event.status}" for event in run
               if isinstance(event, events.PhaseFinished) and event.status == engine.Status.ERROR]
    failures = [f"{event.label}: {check.name}: {check.failure_info.failure.title}"
                for event in run if isinstance(event, events.ScenarioFinished)
                for checks in event.recorder.checks.values() for check in checks if check.failure_info]
    assert (errors, failures) == ([], [])
    assert sum(isinstance(event, events.ScenarioFinished) for event in run) > 0
