"""Payment lines: their trajectory, contract, provider and municipality checked by two composite foreign keys

A line copies all four from its trajectory. One key (trajectory, contract, municipality) against the trajectory and
one (contract, provider) against the contract check them in two lookups per line instead of four, and also check
that the copies agree with their source.

Revision ID: 3c9e51a0d2b7
Revises: 76c806ea4661
Create Date: 2026-11-23 16:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c9e51a0d2b7'
down_revision = '76c806ea4661'
branch_labels = None
depends_on = None

SINGLE_KEYS = (('trajectory', 'trajectory_id'), ('contract', 'contract_id'), ('provider', 'provider_id'),
               ('municipality', 'municipality_id'))


def upgrade():
    op.create_index('uq_trajectory_contract_municipality', 'trajectory', ['id', 'contract_id', 'municipality_id'],
                    unique=True)
    op.create_index('uq_contract_provider', 'contract', ['id', 'provider_id'], unique=True)
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        for table, column in SINGLE_KEYS:
            batch_op.drop_constraint(f'fk_payment_line_{column}_{table}', type_='foreignkey')
        batch_op.create_foreign_key('fk_payment_line_trajectory_id_trajectory', 'trajectory',
                                    ['trajectory_id', 'contract_id', 'municipality_id'],
                                    ['id', 'contract_id', 'municipality_id'])
        batch_op.create_foreign_key('fk_payment_line_contract_id_contract', 'contract',
                                    ['contract_id', 'provider_id'], ['id', 'provider_id'])


def downgrade():
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        batch_op.drop_constraint('fk_payment_line_contract_id_contract', type_='foreignkey')
        batch_op.drop_constraint('fk_payment_line_trajectory_id_trajectory', type_='foreignkey')
        for table, column in SINGLE_KEYS:
            batch_op.create_foreign_key(f'fk_payment_line_{column}_{table}', table, [column], ['id'])
    op.drop_index('uq_contract_provider', table_name='contract')
    op.drop_index('uq_trajectory_contract_municipality', table_name='trajectory')
