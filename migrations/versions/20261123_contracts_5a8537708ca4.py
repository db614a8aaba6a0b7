"""Provider contacts, contract extension options, tariff changes, Open House admissions and alerts

Revision ID: 5a8537708ca4
Revises: 91ebb99b8395
Create Date: 2026-11-23 11:17:48.985496

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a8537708ca4'
down_revision = '91ebb99b8395'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('open_house',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procurement_case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('price_per_trajectory_cents', sa.BigInteger(), nullable=False),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('kpis', sa.JSON(), nullable=False),
    sa.Column('requirements', sa.JSON(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['procurement_case_id'], ['procurement_case.id'], name=op.f('fk_open_house_procurement_case_id_procurement_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_house')),
    sa.UniqueConstraint('procurement_case_id', name=op.f('uq_open_house_procurement_case_id'))
    )
    op.create_table('admission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('open_house_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('applied', 'admitted', 'refused', 'suspended', 'excluded', name='admissionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_admission_contract_id_contract')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_admission_decided_by_id_user')),
    sa.ForeignKeyConstraint(['open_house_id'], ['open_house.id'], name=op.f('fk_admission_open_house_id_open_house')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_admission_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission')),
    sa.UniqueConstraint('open_house_id', 'provider_id', name=op.f('uq_admission_open_house_id_provider_id'))
    )
    with op.batch_alter_table('admission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admission_open_house_id'), ['open_house_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admission_provider_id'), ['provider_id'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('keurmerk', 'contract_end', 'option_deadline', 'ceiling', name='alertkind', native_enum=False, length=20), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_alert_contract_id_contract')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_alert_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    sa.UniqueConstraint('key', name=op.f('uq_alert_key'))
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_provider_id'), ['provider_id'], unique=False)

    op.create_table('tariff_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('price_per_trajectory_cents', sa.BigInteger(), nullable=False),
    sa.Column('amounts', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_tariff_change_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_tariff_change_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_change')),
    sa.UniqueConstraint('contract_id', 'effective_on', name=op.f('uq_tariff_change_contract_id_effective_on'))
    )
    with op.batch_alter_table('tariff_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tariff_change_contract_id'), ['contract_id'], unique=False)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('extension_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('option_deadline', sa.Date(), nullable=True))

    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), nullable=True))



def downgrade():
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_name')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('option_deadline')
        batch_op.drop_column('extension_months')
        batch_op.drop_column('extension_count')

    with op.batch_alter_table('tariff_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tariff_change_contract_id'))

    op.drop_table('tariff_change')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_provider_id'))
        batch_op.drop_index(batch_op.f('ix_alert_contract_id'))

    op.drop_table('alert')
    with op.batch_alter_table('admission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admission_provider_id'))
        batch_op.drop_index(batch_op.f('ix_admission_open_house_id'))

    op.drop_table('admission')
    op.drop_table('open_house')
