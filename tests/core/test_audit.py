"""The audit log is append-only in the database and chained, so that `flask audit verify` finds tampering."""
import threading

import pytest
import sqlalchemy as sa

from core import audit
from core.extensions import db
from core.models import AuditEntry, Role


@pytest.fixture
def logged(ctx, make_user):
    """Three audit rows, one with changes, committed."""
    user = make_user(Role.ADMIN)
    audit.record(user, "login", user, user.email)
    audit.record(user, "user_changed", user, "rol gewijzigd", {"role": ["inkoper", "admin"], "bedrag": "12.50"})
    audit.record(None, "login_failed", None, "onbekend@example.nl")
    db.session.commit()
    return db.session.scalars(sa.select(AuditEntry.id).order_by(AuditEntry.id)).all()


def bypass_triggers(sql: str, **params) -> None:
    """What an intruder with the table owner's rights could do: switch the triggers off and change rows."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        db.session.execute(sa.text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
    else:
        db.session.execute(sa.text("DROP TRIGGER audit_entry_no_update"))
        db.session.execute(sa.text("DROP TRIGGER audit_entry_no_delete"))
    db.session.execute(sa.text(sql), params)
    db.session.commit()


def test_an_untouched_log_verifies(app, logged):
    assert audit.verify() == (len(logged), [])
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and f"Auditlog intact: {len(logged)} regels." in result.output


@pytest.mark.parametrize("sql", [
    "UPDATE audit_entry SET summary = 'niets gebeurd' WHERE id = :id",
    "DELETE FROM audit_entry WHERE id = :id",
])
def test_the_database_refuses_to_change_or_remove_an_audit_row(logged, sql):
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text(sql), {"id": logged[1]})
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == len(logged)


@pytest.mark.parametrize("sql, flagged", [
    ("UPDATE audit_entry SET summary = 'niets gebeurd' WHERE id = :id", 1),  # the altered row itself
    ("UPDATE audit_entry SET changes = NULL WHERE id = :id", 1),
    ("UPDATE audit_entry SET actor_label = 'iemand anders' WHERE id = :id", 1),
    ("DELETE FROM audit_entry WHERE id = :id", 2),  # the row after the gap
])
def test_verify_names_the_row_where_the_chain_breaks(app, logged, sql, flagged):
    bypass_triggers(sql, id=logged[1])
    count, broken = audit.verify()
    assert broken == [logged[flagged]]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"id {logged[flagged]}" in result.output


def test_writers_at_the_same_moment_keep_one_chain(file_app, make_user):
    with file_app.app_context():
        user_id = make_user(Role.ADMIN).id
        db.session.commit()
    barrier, failures = threading.Barrier(4), []

    def write(n):
        with file_app.app_context():
            try:
                barrier.wait()
                for i in range(10):
                    user = db.session.get(audit.User, user_id)
                    audit.record(user, "test", user, f"schrijver {n}, regel {i}")
                    db.session.commit()
            except Exception as exc:  # reported below: a thread's exception would otherwise vanish
                failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with file_app.app_context():
        assert audit.verify() == (40, [])
