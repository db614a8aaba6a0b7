"""Progress events: afschaling is an event of its own (per onderdeel, with the PIP version it follows from), no
longer a dropout reason

Revision ID: 3a9f1c2e7b41
Revises: 149c04954273
Create Date: 2026-12-03 19:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a9f1c2e7b41'
down_revision = '149c04954273'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('progress_event', sa.Column('pip_version', sa.String(length=20), nullable=True))


def downgrade():
    op.drop_column('progress_event', 'pip_version')
