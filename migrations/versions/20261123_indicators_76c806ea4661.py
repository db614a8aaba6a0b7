"""KPI monitoring: stored monthly values per provider and per municipality (the dashboards read stored values)

Revision ID: 76c806ea4661
Revises: 66c228c3628f
Create Date: 2026-11-23 13:30:13.406138

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '76c806ea4661'
down_revision = '66c228c3628f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_aggregate_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('provider_key', sa.Integer(), nullable=False),
    sa.Column('scope_key', sa.Integer(), nullable=False),
    sa.Column('norm_e4', sa.BigInteger(), nullable=True),
    sa.Column('direction', sa.String(length=3), nullable=True),
    sa.Column('kpi', sa.String(length=30), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('value_e4', sa.BigInteger(), nullable=True),
    sa.Column('numerator_e4', sa.BigInteger(), nullable=True),
    sa.Column('denominator_e4', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=5), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_kpi_aggregate_value_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_kpi_aggregate_value_provider_id_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_aggregate_value')),
    sa.UniqueConstraint('provider_key', 'scope_key', 'month', 'kpi', name='uq_kpi_aggregate_value_key')
    )


def downgrade():
    op.drop_table('kpi_aggregate_value')
