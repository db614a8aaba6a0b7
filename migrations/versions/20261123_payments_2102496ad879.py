"""Payment lines: one index (run, provider) instead of five single-column ones

Lines are read per run, or per run and provider; none is looked up by trajectory, contract or municipality alone.
Each index cost the COPY of a national run's lines 1.3 s.

Revision ID: 2102496ad879
Revises: ea45e96fd5b6
Create Date: 2026-11-23 18:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '2102496ad879'
down_revision = 'ea45e96fd5b6'
branch_labels = None
depends_on = None

SINGLE = ('contract_id', 'municipality_id', 'provider_id', 'run_id', 'trajectory_id')


def upgrade():
    op.create_index('ix_payment_line_run_provider', 'payment_line', ['run_id', 'provider_id'])
    for column in SINGLE:
        op.drop_index(f'ix_payment_line_{column}', table_name='payment_line')


def downgrade():
    for column in SINGLE:
        op.create_index(f'ix_payment_line_{column}', 'payment_line', [column])
    op.drop_index('ix_payment_line_run_provider', table_name='payment_line')
