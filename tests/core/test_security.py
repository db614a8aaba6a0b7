import pytest

from core import create_app
from core.models import Role


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/api/v1/municipalities", "/nope"])
def test_security_headers_on_every_kind_of_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "charset=utf-8" in response.headers["Content-Type"]


def test_forms_without_csrf_token_are_refused(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": "a@example.nl", "password": "x"})
    assert response.status_code == 400


def test_production_config_has_secure_cookies_and_refuses_dev_secrets():
    from config import Config

    assert Config.SESSION_COOKIE_SECURE and Config.SESSION_COOKIE_HTTPONLY
    assert Config.SESSION_COOKIE_SAMESITE == "Lax" and Config.SESSION_COOKIE_NAME.startswith("__Host-")
    assert Config.PERMANENT_SESSION_LIFETIME.total_seconds() <= 30 * 60
    with pytest.raises(RuntimeError):
        create_app(Config)


def test_error_page_is_dutch_without_internals(app, client, make_user, login):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    login(make_user(Role.ADMIN))
    response = client.get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500 and "Er ging iets mis" in text and "secret internals" not in text
