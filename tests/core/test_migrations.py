import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from core import audit
from core.dates import now_utc
from core.extensions import db
from core.models import AuditEntry


def test_migrations_have_a_single_head(ctx, app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1


def test_upgrade_builds_an_empty_database_matching_the_models(file_app):
    with file_app.app_context():
        db.drop_all()
        db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
        services = db.session.scalars(sa.text("select code from service order by position")).all()
        db.session.commit()  # release the read lock before the downgrade drops the tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        downgrade(revision="base")
        remaining = sa.inspect(db.engine).get_table_names()
        db.create_all()  # leave the session schema as the other tests expect it
    assert services[:3] == ["b1_route", "onderwijsroute", "z_route"] and len(services) == 10
    assert diff == [], f"models and migrations differ: {diff}"
    assert remaining == ["alembic_version"]


def test_the_chain_migration_chains_the_rows_already_logged(file_app):
    with file_app.app_context():
        db.drop_all()
        db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade(revision="fd1ecefa6786")
        db.session.execute(sa.insert(AuditEntry.__table__), [
            {"created_at": now_utc(), "actor_label": "systeem", "action": "run_approved", "object_type": "PaymentRun",
             "object_id": n, "summary": f"run {n}", "changes": {"status": ["draft", "approved"]}} for n in range(3)])
        db.session.commit()
        upgrade()
        chained = audit.verify()
        try:
            db.session.execute(sa.text("DELETE FROM audit_entry"))
            refused = False
        except sa.exc.DBAPIError:
            refused = True
        db.session.rollback()
        downgrade(revision="base")
        db.create_all()
    assert chained == (3, []) and refused
