"""PvE: one per procurement case, kept by a unique key instead of a check that two requests could both pass

Revision ID: 303cbff88f52
Revises: 4f1c2a9d7e30
Create Date: 2026-12-03 16:33:56.979237

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '303cbff88f52'
down_revision = '4f1c2a9d7e30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pve') as batch_op:
        batch_op.drop_index('ix_pve_procurement_case_id')
        batch_op.create_unique_constraint('uq_pve_procurement_case_id', ['procurement_case_id'])


def downgrade():
    with op.batch_alter_table('pve') as batch_op:
        batch_op.drop_constraint('uq_pve_procurement_case_id', type_='unique')
        batch_op.create_index('ix_pve_procurement_case_id', ['procurement_case_id'])
