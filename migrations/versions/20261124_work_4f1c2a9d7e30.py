"""Leases on background work: payment runs and progress imports get an owner, an expiry and a count of attempts,
so that work whose worker died is taken over or failed; imports also keep whether they were confirmed and why
they failed

Revision ID: 4f1c2a9d7e30
Revises: 2102496ad879
Create Date: 2026-11-24 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f1c2a9d7e30'
down_revision = '2102496ad879'
branch_labels = None
depends_on = None


LEASE = ('lease_owner', 'lease_expires_at', 'attempts')


def _lease_columns(table):
    # Plain ADD COLUMN: a batch copy of the table would break the triggers that check its references (SQLite).
    op.add_column(table, sa.Column('lease_owner', sa.String(length=120), nullable=True))
    op.add_column(table, sa.Column('lease_expires_at', sa.DateTime(), nullable=True))
    op.add_column(table, sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))


def upgrade():
    _lease_columns('payment_run')
    _lease_columns('progress_import')
    op.add_column('progress_import', sa.Column('confirmed', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('progress_import', sa.Column('failure', sa.String(length=300), nullable=True))
    # Work that was running in a web worker's thread when this version was installed has no worker any more:
    # its deadline lies in the past, so the first sweep queues it again.
    op.execute("UPDATE payment_run SET lease_expires_at = '2000-01-01 00:00:00' WHERE calculation = 'calculating'")
    op.execute("UPDATE progress_import SET lease_expires_at = '2000-01-01 00:00:00', "
               "confirmed = (status = 'importing') WHERE status IN ('validating', 'importing')")


def downgrade():
    for name in ('failure', 'confirmed', *LEASE):
        op.drop_column('progress_import', name)
    for name in LEASE:
        op.drop_column('payment_run', name)
