"""Budget: budget lines per municipality, year, funding source (and optionally service) in versions, and which
funding source pays a contract (for all its municipalities or for one)

Revision ID: c085d9c51832
Revises: c89096a6d160
Create Date: 2026-12-03 16:09:14.455885

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c085d9c51832'
down_revision = 'c89096a6d160'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('funding_source', sa.Enum('gemeentefonds', 'spuk', 'onderwijsroute_toeslag', 'eigen_middelen', name='fundingsource', native_enum=False, length=30), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Enum('primitief', 'voorjaarsnota', 'najaarsnota', name='budgetversion', native_enum=False, length=20), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_budget_line_year')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_budget_line_created_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_budget_line_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_budget_line_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_line'))
    )
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.create_index('uq_budget_line_key', ['municipality_id', 'year', 'funding_source', 'service_id', 'version'], unique=True, sqlite_where=sa.text('service_id IS NOT NULL'), postgresql_where=sa.text('service_id IS NOT NULL'))
        batch_op.create_index('uq_budget_line_key_all_services', ['municipality_id', 'year', 'funding_source', 'version'], unique=True, sqlite_where=sa.text('service_id IS NULL'), postgresql_where=sa.text('service_id IS NULL'))

    op.create_table('contract_funding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('funding_source', sa.Enum('gemeentefonds', 'spuk', 'onderwijsroute_toeslag', 'eigen_middelen', name='fundingsource', native_enum=False, length=30), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_funding_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_contract_funding_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_funding'))
    )
    with op.batch_alter_table('contract_funding', schema=None) as batch_op:
        batch_op.create_index('uq_contract_funding_contract', ['contract_id'], unique=True, sqlite_where=sa.text('municipality_id IS NULL'), postgresql_where=sa.text('municipality_id IS NULL'))
        batch_op.create_index('uq_contract_funding_municipality', ['contract_id', 'municipality_id'], unique=True, sqlite_where=sa.text('municipality_id IS NOT NULL'), postgresql_where=sa.text('municipality_id IS NOT NULL'))



def downgrade():
    op.drop_table('contract_funding')
    op.drop_table('budget_line')
