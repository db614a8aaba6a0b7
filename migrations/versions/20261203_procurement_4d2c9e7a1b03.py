"""Procurement: horizontal public-public cooperation (Aanbestedingswet 2012 art. 2.24c) is a sixth route, with its
scores per criterion

Revision ID: 4d2c9e7a1b03
Revises: 78a1be29e413
Create Date: 2026-12-03 17:05:00.000000

"""
from alembic import op
import sqlalchemy as sa

from procurement.reference import route_score_rows


# revision identifiers, used by Alembic.
revision = '4d2c9e7a1b03'
down_revision = '78a1be29e413'
branch_labels = None
depends_on = None

route_score = sa.table("route_score", sa.column("route", sa.String), sa.column("criterion", sa.String),
                       sa.column("score", sa.BigInteger), sa.column("explanation", sa.String))


def upgrade():
    # A new database got these rows from the first procurement migration, which seeds the scores as they are now.
    if not op.get_bind().scalar(sa.select(sa.func.count()).select_from(route_score)
                                .where(route_score.c.route == "samenwerking")):
        op.bulk_insert(route_score, route_score_rows(["samenwerking"]))


def downgrade():
    op.execute(route_score.delete().where(route_score.c.route == "samenwerking"))
