"""Hostile input answers a clear 4xx, never a 500: JSON nested thousands of levels deep on every JSON endpoint
(generated from the URL map), a redirect target with line breaks, NUL characters in JSON fields, a UTF-16 file."""
import io
import uuid

import pytest

from core import create_app
from core.models import Role
from tests.conftest import _config
from tests.security.test_authorization_matrix import _sample

DEEP = "[" * 3000 + "]" * 3000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000
DUO = {"DUO_OIN": "00000001234567890000", "DUO_OWN_OIN": "00000009876543210000", "DUO_NOTIFICATION_TOKEN": "duo-token"}


def _json_endpoints() -> list:
    """Every route that takes a JSON body: the API's writes and the DUO notifications."""
    app = create_app(_config("sqlite://"))
    return [pytest.param(rule.build({arg: _sample(rule, arg) for arg in rule._converters})[1], method,
                         id=f"{method} {rule.rule}")
            for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
            if rule.rule.startswith(("/api/", "/v1/"))
            for method in sorted(rule.methods & {"POST", "PUT", "PATCH"})]


@pytest.mark.parametrize("url, method", _json_endpoints())
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_deeply_nested_json_is_refused_on_every_json_endpoint(app, api, make_user, url, method, body):
    headers = {}
    if url.startswith("/v1/"):  # DUO's notifications: sent as DUO, answered in DUO's own format
        app.config.update(DUO)
        headers = {"Authorization": "Bearer duo-token", "bron": DUO["DUO_OIN"], "doel": DUO["DUO_OWN_OIN"],
                   "berichtId": str(uuid.uuid4())}
    response = api(make_user(Role.ADMIN)).open(url, method=method, data=body, content_type="application/json",
                                               headers=headers)
    assert response.status_code in (400, 404, 422), response.get_data(as_text=True)[:300]
    assert url.startswith("/v1/") or response.content_type.startswith("application/problem+json")


def test_a_body_nested_beyond_the_limit_is_unreadable_json(api, make_user):
    client = api(make_user(Role.ADMIN))
    nested = '{"code": "GM0505", "name": "X", "cost_centre": ' + "[" * 70 + "]" * 70 + "}"
    response = client.post("/api/v1/municipalities", data=nested, content_type="application/json")
    assert (response.status_code, response.json["detail"]) == (400, "De body is te diep genest (meer dan 64 niveaus).")


@pytest.mark.parametrize("target, location", [
    # line breaks, tabs and backslashes, which browsers read as part of a new header or as "//"
    ("/\r\nSet-Cookie: x=1", "/"), ("/audit\nX: y", "/"), ("/\\evil.example", "/"), ("/\t/evil.example", "/"),
    # other sites
    ("//evil.example", "/"), ("https://evil.example/", "/"),
    # own paths, percent-encoded breaks included (they stay encoded)
    ("/audit?object_type=Contract", "/audit?object_type=Contract"), ("/%0d%0aX: y", "/%0d%0aX:%20y"),
])
def test_login_redirects_only_to_a_plain_own_path(make_user, client, target, location):
    user = make_user(Role.ADMIN)
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": "Correct-Horse-Battery-9"})
    assert (response.status_code, response.headers["Location"]) == (302, location)


@pytest.mark.parametrize("path, body, error", [
    ("/api/v1/municipalities", {"code": "GM0505", "name": "Dor\x00drecht"}, {"field": "name"}),
    ("/api/v1/progress-events", {"events": [{"event_id": "E1", "trajectory": "T", "type": "dropout",
                                             "date": "2026-02-01", "reason": "uit\x00val"}]},
     {"index": 0, "field": "events.reason"}),
])
def test_a_nul_character_is_refused_naming_the_field(api, make_user, path, body, error):
    response = api(make_user(Role.ADMIN)).post(path, json=body)
    assert response.status_code == 422
    assert [{k: e.get(k) for k in error} for e in response.json["errors"]] == [error]
    assert response.json["errors"][0]["message"] == "De invoer bevat een ongeldig teken (NUL)."


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_without_bom_is_refused_in_dutch(api, make_user, encoding):
    text = "event_id;trajectory;type;date\nE1;TRJ-1;start;2026-02-01\n"
    response = api(make_user(Role.ADMIN)).post("/api/v1/progress-imports", data={
        "file": (io.BytesIO(text.encode(encoding)), "voortgang.csv")})
    assert response.status_code == 422
    assert response.json["detail"] == "Het bestand is niet in UTF-8 gecodeerd (het lijkt UTF-16); sla het op als " \
                                      "'CSV UTF-8'."
    assert "\x00" not in response.get_data(as_text=True)
