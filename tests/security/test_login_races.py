"""Login tries at the same moment (core/login_throttle.py): each is counted before its password is checked, so no
more passwords are checked than the throttle allows, however many tries arrive at once."""
import sqlalchemy as sa

from core.extensions import db
from core.models import AuditEntry, Role
from tests.factories import PASSWORD
from tests.races import at_once, postgresql_only, statuses

pytestmark = postgresql_only
TRIES = 40


def _tries(app, email: str, addresses: list[str]):
    clients = [app.test_client() for _ in addresses]
    return at_once(*(lambda c=c, a=a: c.post("/login", data={"email": email, "password": "wrong-password-123"},
                                             headers={"X-Forwarded-For": a}) for c, a in zip(clients, addresses)))


def _checked(email: str) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "login_failed", AuditEntry.summary == email))


def test_tries_at_once_from_one_client_check_only_the_free_ones(app, clock, make_user):
    email, free = make_user(Role.INKOPER).email, app.config["LOGIN_FREE_FAILURES"]
    answers = _tries(app, email, ["198.51.100.7"] * TRIES)
    assert statuses(*answers) == [200] * free + [429] * (TRIES - free)
    assert _checked(email) == free


def test_tries_at_once_from_many_clients_respect_the_account_count(app, clock, make_user):
    email = make_user(Role.INKOPER).email
    app.config["LOGIN_ACCOUNT_FREE_FAILURES"] = 10
    assert app.test_client().post("/login", data={"email": email, "password": PASSWORD},
                                  headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 302
    answers = _tries(app, email, [f"198.51.100.{n}" for n in range(TRIES)])
    assert statuses(*answers) == [200] * 10 + [429] * (TRIES - 10)
    assert _checked(email) == 10
    assert app.test_client().post("/login", data={"email": email, "password": PASSWORD},
                                  headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 302
