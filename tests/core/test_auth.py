from datetime import timedelta

import pytest

from core import services
from core.auth import check_password_policy
from core.dates import now_utc
from core.errors import DomainError
from core.extensions import db
from core.models import AuditEntry, Role


def test_login_lands_on_the_start_page_and_renews_the_session(client, make_user):
    user = make_user(Role.INKOPER, municipalities=[])
    client.get("/login")
    before = client.get_cookie("session")
    response = client.post("/login", data={"email": user.email, "password": "Correct-Horse-Battery-9"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)
    assert "Welkom" in client.get("/").get_data(as_text=True)


def test_wrong_password_gives_one_message_for_known_and_unknown_users(client, make_user):
    user = make_user(Role.INKOPER)
    known = client.post("/login", data={"email": user.email, "password": "wrong-password-123"})
    unknown = client.post("/login", data={"email": "nobody@example.nl", "password": "wrong-password-123"})
    assert "Onjuist e-mailadres of wachtwoord." in known.get_data(as_text=True)
    assert "Onjuist e-mailadres of wachtwoord." in unknown.get_data(as_text=True)


def test_pages_need_login(client):
    response = client.get("/audit")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_session_cookie_replayed_after_logout_is_refused(client, make_user, login):
    login(make_user(Role.ADMIN))
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    client.set_cookie("session", stolen)
    assert client.get("/audit").status_code == 302


def test_disabling_a_user_ends_session_and_token(client, make_user, login, api, ctx):
    user = make_user(Role.ADMIN)
    login(user)
    token_client = api(user)
    services.set_user_enabled(user, False, by=None)
    db.session.commit()
    assert client.get("/audit").status_code == 302
    assert token_client.get("/api/v1/municipalities").status_code == 401


def test_session_expires_after_the_absolute_limit(app, client, make_user, login):
    login(make_user(Role.ADMIN))
    with client.session_transaction() as session:
        session["login_at"] = (now_utc() - timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)).isoformat()
    assert client.get("/audit").status_code == 302


@pytest.mark.parametrize("password, ok", [
    # too short
    ("kort-1", False),
    ("elf-tekens!", False),
    # on the deny-list or containing the mailbox name
    ("welkom123456", False),
    ("jan.jansen-2026-x", False),
    # long enough and not guessable
    ("paard-batterij-nietje-7", True),
])
def test_password_policy(password, ok):
    if ok:
        check_password_policy(password, "jan.jansen@example.nl")
    else:
        with pytest.raises(DomainError):
            check_password_policy(password, "jan.jansen@example.nl")


def test_login_and_failure_are_audited(client, make_user, ctx):
    user = make_user(Role.FINANCE)
    client.post("/login", data={"email": user.email, "password": "wrong-password-123"})
    client.post("/login", data={"email": user.email, "password": "Correct-Horse-Battery-9"})
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["login_failed", "login"]


def test_open_redirect_after_login_is_ignored(client, make_user):
    user = make_user(Role.ADMIN)
    response = client.post("/login?next=//evil.example/x",
                           data={"email": user.email, "password": "Correct-Horse-Battery-9"})
    assert response.headers["Location"] == "/"
