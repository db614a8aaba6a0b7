"""Contracts: an explicit run-off (uitloop) for trajectories that outlive the contract: until each ends, or until
a date; existing contracts keep what they did, until the trajectory ends

Revision ID: 5b8e1d3f6a27
Revises: 7c2d4e8f9a10
Create Date: 2026-12-03 19:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e1d3f6a27'
down_revision = '7c2d4e8f9a10'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, also on SQLite: a batch copy would trip the triggers that name the contract table.
    op.add_column('contract', sa.Column('run_off', sa.Enum('tot_einde_traject', 'tot_datum', name='runoff',
                                                           native_enum=False, length=20),
                                        server_default='tot_einde_traject', nullable=False))
    op.add_column('contract', sa.Column('run_off_until', sa.Date(), nullable=True))


def downgrade():
    op.drop_column('contract', 'run_off_until')
    op.drop_column('contract', 'run_off')
