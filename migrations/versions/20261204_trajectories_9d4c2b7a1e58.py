"""Trajectories: the inburgeringstermijn and the dates its KPIs need (kennisgeving, termijn end, extension), the
contract setting that pays effort in an extended termijn, and the hours bucket of attendance (issue 19); existing
attendance is taal and KNM, the one bucket of before

Revision ID: 9d4c2b7a1e58
Revises: a4c7e2d9b815
Create Date: 2026-12-04 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4c2b7a1e58'
down_revision = 'a4c7e2d9b815'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, also on SQLite: a batch copy would trip the triggers that name these tables.
    op.add_column('progress_event', sa.Column('bucket', sa.String(length=12), nullable=True))
    op.execute("UPDATE progress_event SET bucket = 'taal_knm' WHERE type = 'attendance'")
    op.add_column('trajectory', sa.Column('kennisgeving_on', sa.Date(), nullable=True))
    op.add_column('trajectory', sa.Column('term_ends_on', sa.Date(), nullable=True))
    op.add_column('trajectory', sa.Column('term_extended_until', sa.Date(), nullable=True))
    op.add_column('contract', sa.Column('pays_effort_in_extension', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))


def downgrade():
    op.drop_column('contract', 'pays_effort_in_extension')
    op.drop_column('trajectory', 'term_extended_until')
    op.drop_column('trajectory', 'term_ends_on')
    op.drop_column('trajectory', 'kennisgeving_on')
    op.drop_column('progress_event', 'bucket')
