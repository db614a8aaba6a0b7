"""KPI monitoring: stored monthly indicator values and red alerts

Revision ID: b56a77ed0ee8
Revises: 5ae93360e6fc
Create Date: 2026-11-23 11:14:27.953265

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b56a77ed0ee8'
down_revision = '5ae93360e6fc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('scope_key', sa.Integer(), nullable=False),
    sa.Column('kpi', sa.String(length=30), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('value_e4', sa.BigInteger(), nullable=False),
    sa.Column('norm_e4', sa.BigInteger(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_kpi_alert_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user.id'], name=op.f('fk_kpi_alert_handled_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_kpi_alert_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_alert')),
    sa.UniqueConstraint('contract_id', 'scope_key', 'kpi', 'month', name='uq_kpi_alert_scope_month')
    )
    with op.batch_alter_table('kpi_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_alert_contract_id'), ['contract_id'], unique=False)

    op.create_table('kpi_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('scope_key', sa.Integer(), nullable=False),
    sa.Column('kpi', sa.String(length=30), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('value_e4', sa.BigInteger(), nullable=True),
    sa.Column('numerator_e4', sa.BigInteger(), nullable=True),
    sa.Column('denominator_e4', sa.BigInteger(), nullable=False),
    sa.Column('norm_e4', sa.BigInteger(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=5), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_kpi_value_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_kpi_value_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_value')),
    sa.UniqueConstraint('contract_id', 'scope_key', 'kpi', 'month', name='uq_kpi_value_scope_month')
    )
    with op.batch_alter_table('kpi_value', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_value_contract_month', ['contract_id', 'month'], unique=False)



def downgrade():
    with op.batch_alter_table('kpi_value', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_value_contract_month')

    op.drop_table('kpi_value')
    with op.batch_alter_table('kpi_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_alert_contract_id'))

    op.drop_table('kpi_alert')
