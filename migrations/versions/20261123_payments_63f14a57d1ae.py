"""Payment runs, lines, paid instances, contract ledger and finance settings

Revision ID: 63f14a57d1ae
Revises: 5a8537708ca4
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '63f14a57d1ae'
down_revision = '5a8537708ca4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ledger_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('account', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_ledger_account_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_account')),
    sa.UniqueConstraint('service_id', 'kind', name='uq_ledger_account_service_kind')
    )
    op.create_table('paying_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=70), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.CheckConstraint('(region_id IS NULL) <> (municipality_id IS NULL)', name=op.f('ck_paying_organisation_one_scope')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_paying_organisation_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_paying_organisation_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paying_organisation')),
    sa.UniqueConstraint('municipality_id', name=op.f('uq_paying_organisation_municipality_id')),
    sa.UniqueConstraint('region_id', name=op.f('uq_paying_organisation_region_id'))
    )
    op.create_table('payment_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'approved', 'cancelled', name='runstatus', native_enum=False, length=10), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('held_total_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('calculated_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(region_id IS NULL) <> (municipality_id IS NULL)', name=op.f('ck_payment_run_one_scope')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_payment_run_approved_by_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_payment_run_created_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_payment_run_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_payment_run_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_run'))
    )
    with op.batch_alter_table('payment_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_run_period'), ['period'], unique=False)

    op.create_table('payment_run_municipality',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_payment_run_municipality_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['run_id'], ['payment_run.id'], name=op.f('fk_payment_run_municipality_run_id_payment_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'municipality_id', name=op.f('pk_payment_run_municipality'))
    )
    op.create_table('contract_ledger',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('paid_total_cents', sa.BigInteger(), nullable=False),
    sa.Column('ceiling_cents', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('ceiling_cents IS NULL OR paid_total_cents <= ceiling_cents', name=op.f('ck_contract_ledger_ceiling')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_ledger_contract_id_contract')),
    sa.PrimaryKeyConstraint('contract_id', name=op.f('pk_contract_ledger'))
    )
    op.create_table('payment_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('milestone_code', sa.String(length=20), nullable=False),
    sa.Column('milestone_label', sa.String(length=200), nullable=False),
    sa.Column('milestone_kind', sa.String(length=20), nullable=False),
    sa.Column('milestone_position', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=True),
    sa.Column('trigger_date', sa.Date(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('new', 'correction', 'held', name='linestatus', native_enum=False, length=12), nullable=False),
    sa.Column('reason', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_payment_line_contract_id_contract')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_payment_line_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_payment_line_provider_id_provider')),
    sa.ForeignKeyConstraint(['run_id'], ['payment_run.id'], name=op.f('fk_payment_line_run_id_payment_run'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_payment_line_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_line'))
    )
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_line_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_line_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_line_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_line_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_line_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('paid_instance',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('milestone_code', sa.String(length=20), nullable=False),
    sa.Column('month_key', sa.String(length=7), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_paid_instance_contract_id_contract')),
    sa.ForeignKeyConstraint(['line_id'], ['payment_line.id'], name=op.f('fk_paid_instance_line_id_payment_line')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_paid_instance_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paid_instance')),
    sa.UniqueConstraint('trajectory_id', 'milestone_code', 'month_key', name='uq_paid_instance_key')
    )
    with op.batch_alter_table('paid_instance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paid_instance_contract_id'), ['contract_id'], unique=False)



def downgrade():
    with op.batch_alter_table('paid_instance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paid_instance_contract_id'))

    op.drop_table('paid_instance')
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_line_trajectory_id'))
        batch_op.drop_index(batch_op.f('ix_payment_line_run_id'))
        batch_op.drop_index(batch_op.f('ix_payment_line_provider_id'))
        batch_op.drop_index(batch_op.f('ix_payment_line_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_payment_line_contract_id'))

    op.drop_table('payment_line')
    op.drop_table('contract_ledger')
    op.drop_table('payment_run_municipality')
    with op.batch_alter_table('payment_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_run_period'))

    op.drop_table('payment_run')
    op.drop_table('paying_organisation')
    op.drop_table('ledger_account')
