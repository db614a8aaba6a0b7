"""The authorisation matrix, generated from the URL map so that a new endpoint is covered without a new test.

Every endpoint x anonymous and every role: anonymous visitors are sent to the login page (HTML) or get 401 (API);
a role the endpoint does not allow gets 403. Own versus foreign scope (200 against 404) is checked per object kind
in test_scope_matrix.py.
"""
import pytest
from werkzeug.routing import AnyConverter

from core import create_app
from core.models import Role
from tests.conftest import _config

#: The only endpoints anyone may reach without logging in.
PUBLIC = {"core.login", "core_api.openapi", "static", "open_house.admitted"}
#: Endpoints that machines call with credentials of their own (DUO: certificate OIN or token), not users.
MACHINE = {"duo_notificaties.create_notification"}
#: Endpoints every logged-in user may use, whatever the role (reference data is filtered by scope).
EVERY_ROLE = {"core.index", "core.logout", "core_api.municipalities", "core_api.regions", "core_api.region",
              "core_api.service_catalogue"}


def _rules() -> list:
    """(endpoint, rule, method, url) for every route; URL arguments name no object (999999): the checks here
    come before any lookup."""
    app = create_app(_config("sqlite://"))
    return [pytest.param(rule.endpoint, rule.rule, method,
                         rule.build({**(rule.defaults or {}), **{arg: _sample(rule, arg) for arg in rule._converters}})[1],
                         id=f"{method} {rule.rule}")
            for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def _sample(rule, arg: str):
    converter = rule._converters[arg]
    return min(converter.items) if isinstance(converter, AnyConverter) else 999999


@pytest.fixture
def users(make_user, make_region, make_provider):
    region = make_region()
    return {role: make_user(role, region=None if role in (Role.ADMIN, Role.PROVIDER) else region,
                            provider=make_provider() if role == Role.PROVIDER else None)
            for role in Role}


@pytest.mark.parametrize("endpoint, rule, method, url", _rules())
def test_endpoint_authorisation(app, client, api, login, users, endpoint, rule, method, url):
    view = app.view_functions[endpoint]
    is_api = rule.startswith("/api/")

    if endpoint in MACHINE:
        assert client.open(url, method=method).status_code == 401
        return
    if endpoint in PUBLIC or getattr(view, "is_public", False):
        assert endpoint in PUBLIC, f"{endpoint} is reachable without login but not in the agreed list"
        return

    anonymous = client.open(url, method=method)
    if is_api:
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    allowed = getattr(view, "allowed_roles", None)
    assert allowed is not None or endpoint in EVERY_ROLE, f"{endpoint} does not declare its roles"
    for role, user in users.items():
        if allowed is None or role in allowed:
            continue
        if is_api:
            response = api(user).open(url, method=method)
        else:
            response = login(user).open(url, method=method)
        assert response.status_code == 403, f"{role} on {method} {rule}: {response.status_code}"
