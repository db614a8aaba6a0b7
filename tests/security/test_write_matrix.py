"""The authorisation matrix for writes, generated from the URL map and the OpenAPI document (core.scope).

Every mutating route, HTML and API, is sent a valid request (tests/security/writes.py, on objects of its own from
tests/security/write_fresh.py; an HTML form filled in as its page shows it) by a user of another region, by a user
of the same role scoped to another municipality of the same region, by a role the route does not allow, by the
admin of another region and, where providers may write, by another provider's user; where the body names objects,
the own region's user also sends the ids of another region's objects. Each is refused (403, or 404 where the object
is not even visible; another answer only as FOREIGN_ANSWERS allows) and no row of any table changes. Then the same
request by the own region's user succeeds (API 2xx; HTML a redirect, or the page that is its success) and changes
more than the audit log, which shows that the refusals came from the scope and not from the sample. A mutating route
that writes.py does not list fails the test, so a new endpoint cannot escape the matrix.
"""
import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import Municipality, Role, User
from tests.factories import PASSWORD, _password_hash
from tests.security.test_authorization_matrix import MACHINE, PUBLIC, _rules
from tests.security.test_scope_matrix import STAFF, world  # noqa: F401 - the module's world fixture
from tests.security.form_fields import form_fields
from tests.security.write_fresh import fresh
from tests.security.write_samples import digest, foreign_objects, more_samples
from tests.security.writes import (ACTS_AS_ITSELF, FOREIGN_ANSWERS, FOREIGN_BODIES, NOT_WRITES, OWN_SIDE, SUCCESS_200,
                                   WRITES)

#: A municipality of the demo region that the sampled objects do not concern alone (they concern GM0505 or all).
OTHER_MUNICIPALITY = "GM0642"


def _write_rules() -> list:
    return [param for param in _rules() if param.values[2] not in ("GET",) and param.values[0] not in PUBLIC | MACHINE]


def _mutating_operations(app) -> set[tuple[str, str]]:
    with app.test_request_context():
        document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item
            if method in ("post", "put", "patch", "delete")}


def test_every_mutating_route_is_in_the_matrix(world):
    app = world[0]
    listed = WRITES.keys() | NOT_WRITES.keys()
    missing = sorted({param.values[0] for param in _write_rules()} - listed)
    assert not missing, f"mutating routes without a sample request in tests/security/writes.py: {missing}"
    assert not (WRITES.keys() & NOT_WRITES.keys())
    assert not (FOREIGN_BODIES.keys() | FOREIGN_ANSWERS.keys() | ACTS_AS_ITSELF.keys()) - WRITES.keys()
    rules = {(method, rule.rule.replace("<int:", "{").replace(">", "}")) for rule in app.url_map.iter_rules()
             for method in rule.methods}
    documented = {(m, p.split("/api/v1", 1)[-1]) for m, p in _mutating_operations(app)}
    in_map = {(m, "/api/v1" + p) for m, p in documented}
    assert in_map <= {(m, r.split("?")[0]) for m, r in rules}, "the OpenAPI document names a write the app lacks"


@pytest.fixture(scope="module")
def sides(world):
    """(app, samples, {side: client factory}): the read matrix's users plus users of another municipality."""
    app, samples, clients = world
    with app.app_context():
        samples = more_samples(samples)
        samples |= foreign_objects(samples)
        db.session.commit()
        other = db.session.scalar(sa.select(Municipality).where(Municipality.code == OTHER_MUNICIPALITY))
        for role in STAFF:
            if role == Role.ADMIN:
                continue
            user = User(email=f"{role.value}@zwijndrecht.example.nl", name="Zwijndrecht", role=role,
                        municipalities=[other], password_hash=_password_hash())
            db.session.add(user)
            db.session.commit()
            clients[("municipality", role)] = _logged_in(app, user)
        national = User(email="landelijk@beheer.example.nl", name="Landelijk", role=Role.NATIONAL_ADMIN,
                        password_hash=_password_hash())
        db.session.add(national)
        db.session.commit()
        clients[("national", Role.NATIONAL_ADMIN)] = _logged_in(app, national)
        for email in {email for _, email in OWN_SIDE.values() if email}:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            user.password_hash = _password_hash()
            db.session.commit()
            clients[("own", email)] = _logged_in(app, user)
    return app, samples, clients


def _logged_in(app, user: User) -> dict:
    from core.auth import issue_token

    html, api = app.test_client(), app.test_client()
    assert html.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user)}"
    db.session.commit()
    return {"api": api, "html": html}


def _role_for(app, endpoint: str) -> Role:
    allowed = getattr(app.view_functions[endpoint], "allowed_roles", set(Role))
    return next(role for role in STAFF if role in allowed)


def _view_rule(app, endpoint, rule):
    return next(r for r in app.url_map.iter_rules() if r.rule == rule and r.endpoint == endpoint)


def _path(app, endpoint, rule, samples, request) -> str:
    view_rule = _view_rule(app, endpoint, rule)
    values = {**(view_rule.defaults or {}), **{a: samples[a] for a in view_rule._converters if a in samples},
              **request.get("args", {})}
    return view_rule.build(values)[1]


def _send(app, clients, side, endpoint, rule, samples, request, shown=None):
    """Send the sample request; an HTML form's fields as the own side's page `shown` them, the sample's on top."""
    path = _path(app, endpoint, rule, samples, request)
    request.pop("args", None)
    request.pop("form", None)
    if shown is not None:
        request["data"] = shown | request.get("data", {})
    method = request.pop("method", next(iter(_view_rule(app, endpoint, rule).methods - {"GET", "HEAD", "OPTIONS"})))
    client = clients[side]["api" if rule.startswith("/api/") else "html"]
    with app.app_context():
        return client.open(path, method=method, **request)


def _shown(app, clients, endpoint, rule, samples) -> dict | None:
    """The fields of the form the own side's page shows for this route (WRITES' "form": the page's path)."""
    request = WRITES[endpoint](samples)
    if "form" not in request:
        return None
    with app.app_context():
        page = clients[_own_side(app, endpoint)]["html"].get(request["form"])
    assert page.status_code == 200, f"the form page {request['form']} of {endpoint}: {page.status_code}"
    fields = form_fields(request["form"], page.get_data(as_text=True), _path(app, endpoint, rule, samples, request))
    assert fields, f"no form posting to {rule} on {request['form']}"
    return fields


def _own_side(app, endpoint: str) -> tuple:
    role, email = OWN_SIDE.get(endpoint, (_role_for(app, endpoint), None))
    if email:
        return ("own", email)
    return ("national", role) if role == Role.NATIONAL_ADMIN else ("own", role)


def _foreign_sides(app, clients, endpoint: str) -> list:
    allowed = getattr(app.view_functions[endpoint], "allowed_roles", set(Role))
    role = _role_for(app, endpoint)
    own = _own_side(app, endpoint)
    wrong = next((r for r in STAFF if r not in allowed), None)
    tries = [("foreign", role), ("foreign", Role.ADMIN)]
    tries += [("municipality", role)] if ("municipality", role) in clients else []
    tries += [("own", wrong)] if wrong is not None else []
    tries += [("foreign", Role.PROVIDER)] if Role.PROVIDER in allowed and endpoint not in ACTS_AS_ITSELF else []
    return [(side, WRITES[endpoint]) for side in tries] + [(own, body) for body in FOREIGN_BODIES.get(endpoint, ())]


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after[table])


def _message(text: str) -> str:
    """The field errors of a form shown again, or the start of a problem document or page."""
    errors = re.findall(r'id="([\w-]+)-error">(.*?)</div>', text, re.S)
    return "; ".join(f"{field}: {error.strip()}" for field, error in errors)[:400] or text[:300]


@pytest.mark.parametrize("endpoint, rule, method, url", _write_rules())
def test_a_write_is_refused_outside_its_scope_and_succeeds_inside(sides, endpoint, rule, method, url):
    app, samples, clients = sides
    if endpoint in NOT_WRITES:
        return
    with app.app_context():
        samples = fresh(endpoint, samples)
    shown = _shown(app, clients, endpoint, rule, samples)
    refused = (403, 404, *FOREIGN_ANSWERS.get(endpoint, ((), ""))[0])
    with app.app_context():
        before = digest()
    for side, sample in _foreign_sides(app, clients, endpoint):
        response = _send(app, clients, side, endpoint, rule, samples, sample(samples), shown)
        assert response.status_code in refused, (
            f"{side} on {method} {rule}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        with app.app_context():
            changed = _changed(before, digest())
        assert not changed, f"a refused {method} {rule} by {side} changed {changed}"
    response = _send(app, clients, _own_side(app, endpoint), endpoint, rule, samples, WRITES[endpoint](samples), shown)
    status, text = response.status_code, response.get_data(as_text=True)
    success = range(200, 300) if rule.startswith("/api/") else [*range(300, 400), *SUCCESS_200.get(endpoint, [])]
    assert status in success, f"own side on {method} {rule}: {status} {_message(text)}"
    with app.app_context():
        changed = set(_changed(before, digest())) - {"audit_entry"}
    assert changed, f"the own side's {method} {rule} ({status}) changed nothing but the audit log"


def test_a_provider_applies_to_an_open_house_only_for_itself(sides):
    """Another provider's user naming the sampled provider in an application applies for its own provider."""
    from contracts.models import Admission

    app, samples, clients = sides
    with app.app_context():
        samples = fresh("open_house.apply", samples)
        provider_of = db.session.scalar(sa.select(User.provider_id).where(User.email.startswith("planner@")).where(
            User.provider_id != samples["provider_id"]).order_by(User.id.desc()))
    response = clients[("foreign", Role.PROVIDER)]["html"].post(
        f"/open-house/{samples['open_house_id']}/aanmelden", data={"provider": samples["provider_id"]})
    assert response.status_code == 302
    with app.app_context():
        applied = db.session.scalars(sa.select(Admission.provider_id).where(
            Admission.open_house_id == samples["open_house_id"])).all()
    assert applied == [provider_of]

