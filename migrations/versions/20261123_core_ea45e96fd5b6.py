"""Progress events and payment lines: their foreign keys checked per statement instead of per row

An uploaded file stores a million events and a national payment run 1.5 million lines in one statement each;
PostgreSQL checked their declared foreign keys with a query per row. Triggers (core.references) now check each
statement's rows in one query, and keep referenced rows from being deleted or rekeyed. The references are spelled
out here as they were at this revision, not imported from the models, which may name more later.

Revision ID: ea45e96fd5b6
Revises: 3c9e51a0d2b7
Create Date: 2026-11-23 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from core.references import Reference, create_statements, drop_statements


# revision identifiers, used by Alembic.
revision = 'ea45e96fd5b6'
down_revision = '3c9e51a0d2b7'
branch_labels = None
depends_on = None

REFERENCES = (
    Reference('fk_progress_event_trajectory_id_trajectory', 'progress_event', ('trajectory_id',), 'trajectory'),
    Reference('fk_progress_event_created_by_id_user', 'progress_event', ('created_by_id',), 'user'),
    Reference('fk_payment_line_run_id_payment_run', 'payment_line', ('run_id',), 'payment_run'),
    Reference('fk_payment_line_trajectory_id_trajectory', 'payment_line',
              ('trajectory_id', 'contract_id', 'municipality_id'), 'trajectory', ('id', 'contract_id', 'municipality_id')),
    Reference('fk_payment_line_contract_id_contract', 'payment_line', ('contract_id', 'provider_id'), 'contract',
              ('id', 'provider_id')),
)


def upgrade():
    for table in ('progress_event', 'payment_line'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for reference in REFERENCES:
                if reference.table == table:
                    batch_op.drop_constraint(reference.name, type_='foreignkey')
    dialect = op.get_bind().dialect.name
    for reference in REFERENCES:
        for statement in create_statements(reference, dialect):
            op.execute(sa.DDL(statement))


def downgrade():
    dialect = op.get_bind().dialect.name
    for reference in REFERENCES:
        for statement in drop_statements(reference, dialect):
            op.execute(sa.DDL(statement))
    for table in ('progress_event', 'payment_line'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for reference in REFERENCES:
                if reference.table == table:
                    batch_op.create_foreign_key(reference.name, reference.parent, list(reference.columns),
                                                list(reference.parent_columns),
                                                ondelete='CASCADE' if reference.parent == 'payment_run' else None)
