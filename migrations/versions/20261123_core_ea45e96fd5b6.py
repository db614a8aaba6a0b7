"""Progress events and payment lines: their foreign keys checked per statement instead of per row

An uploaded file stores a million events and a national payment run 1.5 million lines in one statement each;
PostgreSQL checked their declared foreign keys with a query per row. Triggers (core.references) now check each
statement's rows in one query, and keep referenced rows from being deleted or rekeyed. The unique indexes that only
served as targets of the composite keys go.

Revision ID: ea45e96fd5b6
Revises: 3c9e51a0d2b7
Create Date: 2026-11-23 18:30:00.000000

"""
from alembic import op

from core.references import create_statements, drop_statements
from kpis.models import PROGRESS_EVENT_REFERENCES
from payments.models import PAYMENT_LINE_REFERENCES


# revision identifiers, used by Alembic.
revision = 'ea45e96fd5b6'
down_revision = '3c9e51a0d2b7'
branch_labels = None
depends_on = None

REFERENCES = PROGRESS_EVENT_REFERENCES + PAYMENT_LINE_REFERENCES


def upgrade():
    for table in ('progress_event', 'payment_line'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for reference in REFERENCES:
                if reference.table == table:
                    batch_op.drop_constraint(reference.name, type_='foreignkey')
    op.drop_index('uq_contract_provider', table_name='contract')
    op.drop_index('uq_trajectory_contract_municipality', table_name='trajectory')
    dialect = op.get_bind().dialect.name
    for reference in REFERENCES:
        for statement in create_statements(reference, dialect):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for reference in REFERENCES:
        for statement in drop_statements(reference, dialect):
            op.execute(statement)
    op.create_index('uq_trajectory_contract_municipality', 'trajectory', ['id', 'contract_id', 'municipality_id'],
                    unique=True)
    op.create_index('uq_contract_provider', 'contract', ['id', 'provider_id'], unique=True)
    for table in ('progress_event', 'payment_line'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for reference in REFERENCES:
                if reference.table == table:
                    batch_op.create_foreign_key(reference.name, reference.parent, list(reference.columns),
                                                list(reference.parent_columns),
                                                ondelete='CASCADE' if reference.parent == 'payment_run' else None)
