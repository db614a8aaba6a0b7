"""Payment lines: no foreign keys on the contract, provider and municipality they copy from the trajectory

PostgreSQL checks every foreign key per inserted row; for the lines of a national run those checks cost more than
calculating the lines. The trajectory's own keys still tie each line to real rows.

Revision ID: eb30a8a8b4ef
Revises: fd1ecefa6786
Create Date: 2026-11-23 13:35:32.306386

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'eb30a8a8b4ef'
down_revision = 'fd1ecefa6786'
branch_labels = None
depends_on = None

COPIED = (("contract_id", "contract"), ("provider_id", "provider"), ("municipality_id", "municipality"))


def upgrade():
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        for column, table in COPIED:
            batch_op.drop_constraint(f'fk_payment_line_{column}_{table}', type_='foreignkey')


def downgrade():
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        for column, table in COPIED:
            batch_op.create_foreign_key(f'fk_payment_line_{column}_{table}', table, [column], ['id'])
