"""Procurement: the planned announcement whose EU threshold applies; financieel ontzorgen is an administrative social
service (CPV 85321000, annex XIV), not collection agency services

Revision ID: 78a1be29e413
Revises: c8de605d66d8
Create Date: 2026-12-03 16:40:12.110271

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '78a1be29e413'
down_revision = 'c8de605d66d8'
branch_labels = None
depends_on = None

service = sa.table("service", sa.column("code", sa.String), sa.column("cpv_code", sa.String),
                   sa.column("is_social_service", sa.Boolean))


def _financieel_ontzorgen(cpv_code: str, is_social_service: bool):
    return (service.update().where(service.c.code == "financieel_ontzorgen")
            .values(cpv_code=cpv_code, is_social_service=is_social_service))


def upgrade():
    op.add_column('procurement_case', sa.Column('announcement_planned_on', sa.Date(), nullable=True))
    op.execute(_financieel_ontzorgen("85321000", True))


def downgrade():
    op.execute(_financieel_ontzorgen("79940000", False))
    op.drop_column('procurement_case', 'announcement_planned_on')
