"""Providers: the keurmerk has a status (geen, geldig tot, onbepaalde tijd, geschorst, ingetrokken) and, when
suspended or withdrawn, the day since; a dated keurmerk is valid until its date

Revision ID: 0cec8a48685f
Revises: 15e75f3b62fb
Create Date: 2026-12-03 19:20:41.552170

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0cec8a48685f'
down_revision = '15e75f3b62fb'
branch_labels = None
depends_on = None

provider = sa.table("provider", sa.column("keurmerk_status", sa.String), sa.column("keurmerk_valid_until", sa.Date))


def upgrade():
    op.add_column('provider', sa.Column('keurmerk_status', sa.Enum(
        'geen', 'geldig_tot', 'onbepaalde_tijd', 'geschorst', 'ingetrokken', name='keurmerkstatus',
        native_enum=False, length=20), server_default='geen', nullable=False))
    op.add_column('provider', sa.Column('keurmerk_status_since', sa.Date(), nullable=True))
    op.execute(provider.update().where(provider.c.keurmerk_valid_until.is_not(None))
               .values(keurmerk_status="geldig_tot"))


def downgrade():
    op.drop_column('provider', 'keurmerk_status_since')
    op.drop_column('provider', 'keurmerk_status')
