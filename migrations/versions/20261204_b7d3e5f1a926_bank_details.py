"""Bank details take effect only when a second person approves them (bank_detail_change); an approved run pins its
debtor (payment_run.debtor_*) and creditors (run_creditor); ledger accounts are per region

Already approved runs get the details that stand now. Each global ledger account becomes an account of every
region; downgrading keeps the accounts of the first region (by id) and drops the other regions' accounts.

Revision ID: b7d3e5f1a926
Revises: 9d4c2b7a1e58
Create Date: 2026-12-04 02:10:29

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d3e5f1a926'
down_revision = '9d4c2b7a1e58'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")
ONE_TARGET = ("(CASE WHEN provider_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN region_id IS NULL THEN 0 ELSE 1 END) "
              "+ (CASE WHEN municipality_id IS NULL THEN 0 ELSE 1 END) = 1")
#: The creditors of the approved runs: each provider with lines in the run, as it stands now.
PIN_CREDITORS = """
INSERT INTO run_creditor (run_id, provider_id, name, iban, bic)
SELECT r.id, p.id, p.name, p.iban, p.bic FROM payment_run r JOIN provider p
ON p.id IN (SELECT l.provider_id FROM payment_line l WHERE l.run_id = r.id)
WHERE r.status = 'approved'
"""
#: The debtor of an approved run: its municipality's own paying organisation, else its (municipality's) region's.
DEBTOR = """
SELECT po.{column} FROM paying_organisation po
WHERE po.municipality_id = payment_run.municipality_id
   OR po.region_id = payment_run.region_id
   OR po.region_id IN (SELECT rm.region_id FROM region_municipality rm
                       WHERE rm.municipality_id = payment_run.municipality_id)
ORDER BY CASE WHEN po.municipality_id IS NULL THEN 1 ELSE 0 END, po.id LIMIT 1
"""
SPREAD_LEDGER = """
INSERT INTO ledger_account (region_id, service_id, kind, account)
SELECT r.id, la.service_id, la.kind, la.account FROM ledger_account la CROSS JOIN region r
WHERE la.region_id IS NULL
"""


def upgrade():
    op.create_table('bank_detail_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_key', sa.String(length=40), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('old_name', sa.String(length=200), nullable=True),
    sa.Column('old_iban', sa.String(length=34), nullable=True),
    sa.Column('old_bic', sa.String(length=11), nullable=True),
    sa.Column('new_name', sa.String(length=200), nullable=False),
    sa.Column('new_iban', sa.String(length=34), nullable=False),
    sa.Column('new_bic', sa.String(length=11), nullable=True),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='bankchangestatus', native_enum=False,
                                length=10), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint(ONE_TARGET, name=op.f('ck_bank_detail_change_one_target')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_bank_detail_change_decided_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                            name=op.f('fk_bank_detail_change_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_bank_detail_change_proposed_by_id_user')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_bank_detail_change_provider_id_provider'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_bank_detail_change_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_detail_change'))
    )
    with op.batch_alter_table('bank_detail_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_detail_change_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_detail_change_target_key'), ['target_key'], unique=False)
        batch_op.create_index('uq_bank_detail_change_pending', ['target_key'], unique=True, sqlite_where=PENDING,
                              postgresql_where=PENDING)

    op.create_table('run_creditor',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_run_creditor_provider_id_provider')),
    sa.ForeignKeyConstraint(['run_id'], ['payment_run.id'], name=op.f('fk_run_creditor_run_id_payment_run'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'provider_id', name=op.f('pk_run_creditor'))
    )
    with op.batch_alter_table('payment_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('debtor_name', sa.String(length=70), nullable=True))
        batch_op.add_column(sa.Column('debtor_iban', sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column('debtor_bic', sa.String(length=11), nullable=True))
    op.execute(PIN_CREDITORS)
    op.execute("UPDATE payment_run SET " + ", ".join(f"debtor_{c} = ({DEBTOR.format(column=c)})"
                                                     for c in ("name", "iban", "bic")) + " WHERE status = 'approved'")

    with op.batch_alter_table('ledger_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_ledger_account_service_kind'), type_='unique')
    op.execute(SPREAD_LEDGER)
    op.execute("DELETE FROM ledger_account WHERE region_id IS NULL")
    with op.batch_alter_table('ledger_account', schema=None) as batch_op:
        batch_op.alter_column('region_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint('uq_ledger_account_region_service_kind', ['region_id', 'service_id', 'kind'])
        batch_op.create_foreign_key(batch_op.f('fk_ledger_account_region_id_region'), 'region', ['region_id'], ['id'])


def downgrade():
    op.execute("DELETE FROM ledger_account WHERE region_id <> (SELECT MIN(region_id) FROM ledger_account)")
    with op.batch_alter_table('ledger_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_account_region_id_region'), type_='foreignkey')
        batch_op.drop_constraint('uq_ledger_account_region_service_kind', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_ledger_account_service_kind'), ['service_id', 'kind'])
        batch_op.drop_column('region_id')

    for column in ('debtor_bic', 'debtor_iban', 'debtor_name'):  # not batch: SQLite would copy the table and lose
        op.drop_column('payment_run', column)                    # the triggers of payment_line's checked keys
    op.drop_table('run_creditor')
    with op.batch_alter_table('bank_detail_change', schema=None) as batch_op:
        batch_op.drop_index('uq_bank_detail_change_pending', sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.drop_index(batch_op.f('ix_bank_detail_change_target_key'))
        batch_op.drop_index(batch_op.f('ix_bank_detail_change_provider_id'))
    op.drop_table('bank_detail_change')
