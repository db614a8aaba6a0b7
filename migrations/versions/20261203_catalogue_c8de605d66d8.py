"""Catalogue: alfabetisering and the duaal traject are parts of a leerroute, recorded on the referral (DUO's PIP
flag alfabetiseringsonderwijs, a leerroute combined with work)

Revision ID: c8de605d66d8
Revises: c89096a6d160
Create Date: 2026-12-03 15:58:03.294990

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8de605d66d8'
down_revision = 'c89096a6d160'
branch_labels = None
depends_on = None

PARTS = ("alfabetisering", "duaal_traject")
service = sa.table("service", sa.column("code", sa.String), sa.column("kind", sa.String))


def upgrade():
    # Plain ALTER TABLE, also on SQLite: a batch copy would trip the triggers that name the trajectory table.
    op.add_column('trajectory', sa.Column('alfabetisering', sa.String(length=2), nullable=True))
    op.add_column('trajectory', sa.Column('is_duaal', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(service.update().where(service.c.code.in_(PARTS)).values(kind="leerroute_onderdeel"))


def downgrade():
    op.execute(service.update().where(service.c.code.in_(PARTS)).values(kind="participatietraject"))
    op.drop_column('trajectory', 'is_duaal')
    op.drop_column('trajectory', 'alfabetisering')
