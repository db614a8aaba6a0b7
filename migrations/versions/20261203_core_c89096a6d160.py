"""Login throttle: failed logins counted per account and client, per account and per client (core.login_throttle)

The throttle counted audit rows before; concurrent tries all saw the same count, and ten failures locked the real
user out. The counts live in their own rows now, locked while a try is counted.

Revision ID: c89096a6d160
Revises: 303cbff88f52
Create Date: 2026-12-03 17:17:33.943037

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c89096a6d160'
down_revision = '303cbff88f52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(), nullable=True),
        sa.Column('succeeded_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle')),
    )


def downgrade():
    op.drop_table('login_throttle')
