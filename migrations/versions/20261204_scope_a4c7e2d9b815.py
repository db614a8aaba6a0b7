"""Write scopes: the regions that work with a provider (provider_region), and the national admin as a role of its
own (an admin without a region was every region's admin; it becomes national_admin)

Revision ID: a4c7e2d9b815
Revises: 5b8e1d3f6a27
Create Date: 2026-12-04 02:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a4c7e2d9b815'
down_revision = '5b8e1d3f6a27'
branch_labels = None
depends_on = None

#: A provider works with the regions of the municipalities it has (or had) a contract in force with; an Open House
#: admission is such a contract, an application or a concept is not.
BACKFILL = """
INSERT INTO provider_region (provider_id, region_id)
SELECT DISTINCT c.provider_id, rm.region_id FROM contract c
JOIN contract_municipality cm ON cm.contract_id = c.id
JOIN region_municipality rm ON rm.municipality_id = cm.municipality_id
WHERE c.status <> 'concept'
"""


def upgrade():
    op.create_table('provider_region',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_region_provider_id_provider'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_provider_region_region_id_region'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('provider_id', 'region_id', name=op.f('pk_provider_region'))
    )
    op.execute(BACKFILL)
    op.execute("UPDATE \"user\" SET role = 'national_admin' WHERE role = 'admin' AND region_id IS NULL AND id NOT IN "
               "(SELECT user_id FROM user_municipality)")


def downgrade():
    op.execute("UPDATE \"user\" SET role = 'admin' WHERE role = 'national_admin'")
    op.drop_table('provider_region')
