"""Open House: the adopted PvE version its uniform terms were taken from (admitted providers' contracts record it)

Revision ID: 5d2e8a41c7f3
Revises: c89096a6d160
Create Date: 2026-11-24 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5d2e8a41c7f3'
down_revision = 'c89096a6d160'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('open_house', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pve_version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_open_house_pve_version_id_pve_version'), 'pve_version',
                                    ['pve_version_id'], ['id'])


def downgrade():
    with op.batch_alter_table('open_house', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_open_house_pve_version_id_pve_version'), type_='foreignkey')
        batch_op.drop_column('pve_version_id')
