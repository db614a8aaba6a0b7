import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from core.extensions import db


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
