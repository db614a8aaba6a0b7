"""Payment runs: calculation state and progress (runs made in the UI are calculated in the background)

Revision ID: fd1ecefa6786
Revises: 38e687f8b07b
Create Date: 2026-11-23 12:06:58.298754

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd1ecefa6786'
down_revision = '38e687f8b07b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calculation', sa.Enum('calculating', 'failed', 'done', name='calculation', native_enum=False, length=12), server_default='done', nullable=False))
        batch_op.add_column(sa.Column('to_process', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('processed', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('calculation_error', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('payment_run', schema=None) as batch_op:
        batch_op.drop_column('calculation_error')
        batch_op.drop_column('processed')
        batch_op.drop_column('to_process')
        batch_op.drop_column('calculation')
