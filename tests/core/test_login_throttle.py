"""The login throttle (core/login_throttle.py): per account and client a delay that grows with every failure, wider
counts per account and per client, the real user never locked out by someone else's guesses, unknown accounts
answered like known ones, and every refusal logged."""
import logging

import pytest
import sqlalchemy as sa

from core import dates, login_throttle
from core.extensions import db
from core.models import AuditEntry, LoginThrottle, Role
from tests.factories import PASSWORD

WRONG = "wrong-password-123"


@pytest.fixture
def tries(app, clock):
    """tries(email, password, ip) -> the answer to one login try from that address (a browser of its own)."""

    def attempt(email: str, password: str = WRONG, ip: str = "203.0.113.1"):
        return app.test_client().post("/login", data={"email": email, "password": password},
                                      headers={"X-Forwarded-For": ip})

    return attempt


def test_each_failure_past_the_free_ones_doubles_the_wait(app, tries, clock, make_user):
    email = make_user(Role.INKOPER).email
    assert [tries(email).status_code for _ in range(app.config["LOGIN_FREE_FAILURES"])] == [200] * 5
    waits = []
    for _ in range(4):
        refused = tries(email, PASSWORD)
        assert refused.status_code == 429 and "Te veel mislukte pogingen" in refused.get_data(as_text=True)
        waits.append(int(refused.headers["Retry-After"]))
        clock(waits[-1])
        assert tries(email).status_code == 200  # let through once the wait is over, and wrong again
    assert waits == [1, 2, 4, 8]
    clock(16)
    assert tries(email, PASSWORD).status_code == 302


def test_the_wait_is_capped_and_the_count_restarts_after_a_quiet_window(app, tries, clock, make_user):
    email = make_user(Role.INKOPER).email
    app.config.update(LOGIN_FREE_FAILURES=2, LOGIN_MAX_DELAY_SECONDS=4)
    for _ in range(6):  # waits 1, 2, 4, 4
        clock(4)
        assert tries(email).status_code == 200
    assert tries(email).headers["Retry-After"] == "4"
    clock(app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60)
    assert [tries(email).status_code for _ in range(3)] == [200, 200, 429]


def test_the_real_user_logs_in_while_someone_else_guesses(app, tries, make_user):
    email = make_user(Role.INKOPER).email
    for _ in range(20):
        tries(email, ip="198.51.100.7")
    assert tries(email, ip="198.51.100.7").status_code == 429
    assert tries(email, PASSWORD, ip="203.0.113.9").status_code == 302


def test_guesses_from_many_addresses_hold_only_clients_the_account_does_not_know(app, tries, make_user):
    email = make_user(Role.INKOPER).email
    app.config["LOGIN_ACCOUNT_FREE_FAILURES"] = 4
    assert tries(email, PASSWORD, ip="203.0.113.9").status_code == 302  # the user's own office
    for n in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"]):
        assert tries(email, ip=f"198.51.{n // 200}.{n % 200}").status_code == 200
    assert tries(email, PASSWORD, ip="192.0.2.1").status_code == 429
    assert tries(email, PASSWORD, ip="203.0.113.9").status_code == 302


def test_one_client_guessing_many_accounts_is_held(app, tries):
    app.config["LOGIN_CLIENT_FREE_FAILURES"] = 4
    for n in range(app.config["LOGIN_CLIENT_FREE_FAILURES"]):
        assert tries(f"guess{n}@example.nl").status_code == 200
    assert tries("guess-next@example.nl").status_code == 429
    assert tries("guess-next@example.nl", ip="203.0.113.9").status_code == 200


def test_unknown_accounts_are_answered_like_known_ones(app, tries, make_user):
    app.config["LOGIN_FREE_FAILURES"] = 3
    known, unknown = make_user(Role.INKOPER).email, "nobody@example.nl"
    answers = {email: [(a.status_code, a.headers.get("Retry-After"), "Onjuist e-mailadres" in a.get_data(as_text=True))
                       for a in (tries(email) for _ in range(5))] for email in (known, unknown)}
    assert answers[known] == answers[unknown] == [(200, None, True)] * 3 + [(429, "1", False)] * 2


def test_refusals_are_logged_and_failures_audited_with_the_client(app, tries, make_user, caplog):
    email = make_user(Role.INKOPER).email
    with caplog.at_level(logging.WARNING, "core.views"):
        for _ in range(6):
            tries(email, ip="198.51.100.7")
    assert f"login throttled for {email} from 198.51.100.7" in caplog.text
    failed = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert [(e.summary, e.changes) for e in failed] == [(email, {"client": "198.51.100.7"})] * 5


def test_the_table_keeps_no_address_and_forgets_stale_counts(app, tries, clock, make_user):
    email = make_user(Role.INKOPER).email
    tries(email, ip="198.51.100.7")
    tries(email, PASSWORD, ip="203.0.113.9")
    keys = db.session.scalars(sa.select(LoginThrottle.key)).all()
    assert len(keys) == 5 and not any(email in key or "198.51" in key for key in keys)
    clock(app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60 + 1)
    login_throttle.purge(dates.today())
    db.session.commit()
    assert len(db.session.scalars(sa.select(LoginThrottle.key)).all()) == 1  # the client the account knows
