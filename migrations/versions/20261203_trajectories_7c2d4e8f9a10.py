"""Trajectories: a route switch links the new trajectory to the one it continues (closed with reason schakelen)

Revision ID: 7c2d4e8f9a10
Revises: 3a9f1c2e7b41
Create Date: 2026-12-03 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2d4e8f9a10'
down_revision = '3a9f1c2e7b41'
branch_labels = None
depends_on = None

FK = 'fk_trajectory_switched_from_id_trajectory'


def upgrade():
    # Plain ALTER TABLE, also on SQLite (a batch copy would trip the triggers that name the trajectory table); SQLite
    # takes the reference inline with the new column, other databases as a constraint of its own.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE trajectory ADD COLUMN switched_from_id INTEGER CONSTRAINT {FK} REFERENCES trajectory (id)')
    else:
        op.add_column('trajectory', sa.Column('switched_from_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK, 'trajectory', 'trajectory', ['switched_from_id'], ['id'])
    op.create_index('uq_trajectory_switched_from_id', 'trajectory', ['switched_from_id'], unique=True)


def downgrade():
    op.drop_index('uq_trajectory_switched_from_id', table_name='trajectory')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(FK, 'trajectory', type_='foreignkey')
    op.drop_column('trajectory', 'switched_from_id')
