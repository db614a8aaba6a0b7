"""Evidence rules: the sources that may earn each milestone, claims to verify, sampled result lines, longer reasons

Existing milestones get the template's sources (core.terms.default_sources as it was at this revision, spelled out
here). A payment line's reason grows to 300 characters (a verification's reason goes into the journal); on SQLite
the table is rebuilt, so its reference triggers (core.references) are dropped and made again around it.

Revision ID: 425553270b71
Revises: 5d2e8a41c7f3
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from core.references import Reference, create_statements, drop_statements


# revision identifiers, used by Alembic.
revision = '425553270b71'
down_revision = '5d2e8a41c7f3'
branch_labels = None
depends_on = None

ALL_SOURCES = '["duo", "staff", "provider"]'
#: (WHERE clause on milestone, its sources): the template's rule per trigger and kind; every other milestone ALL.
DEFAULT_SOURCES = (("trigger = 'exam' OR (trigger = 'level' AND kind = 'prestatie')", '["duo", "staff"]'),
                   ("trigger = 'module'", '["staff"]'))
LINE_REFERENCES = (
    Reference('fk_payment_line_run_id_payment_run', 'payment_line', ('run_id',), 'payment_run'),
    Reference('fk_payment_line_trajectory_id_trajectory', 'payment_line',
              ('trajectory_id', 'contract_id', 'municipality_id'), 'trajectory', ('id', 'contract_id', 'municipality_id')),
    Reference('fk_payment_line_contract_id_contract', 'payment_line', ('contract_id', 'provider_id'), 'contract',
              ('id', 'provider_id')),
)


def _line_reason(length: int) -> None:
    if op.get_bind().dialect.name == 'postgresql':  # a longer varchar is a catalogue change only
        op.alter_column('payment_line', 'reason', type_=sa.String(length=length), existing_nullable=True)
        return
    for reference in LINE_REFERENCES:
        for statement in drop_statements(reference, 'sqlite'):
            op.execute(sa.DDL(statement))
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        batch_op.alter_column('reason', type_=sa.String(length=length), existing_nullable=True)
    for reference in LINE_REFERENCES:
        for statement in create_statements(reference, 'sqlite'):
            op.execute(sa.DDL(statement))


def upgrade():
    op.create_table('sampling_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('percentage_e2', sa.BigInteger(), nullable=False),
    sa.Column('minimum', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_sampling_rule_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sampling_rule')),
    sa.UniqueConstraint('region_id', name=op.f('uq_sampling_rule_region_id'))
    )
    op.create_table('evidence_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('milestone_code', sa.String(length=20), nullable=False),
    sa.Column('milestone_label', sa.String(length=200), nullable=False),
    sa.Column('month', sa.Date(), nullable=True),
    sa.Column('month_key', sa.String(length=7), nullable=False),
    sa.Column('trigger_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'accepted', 'rejected', name='claimstatus', native_enum=False, length=10), nullable=False),
    sa.Column('found_in_run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_evidence_claim_contract_id_contract')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_evidence_claim_decided_by_id_user')),
    sa.ForeignKeyConstraint(['found_in_run_id'], ['payment_run.id'], name=op.f('fk_evidence_claim_found_in_run_id_payment_run')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_evidence_claim_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_evidence_claim_provider_id_provider')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_evidence_claim_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_claim')),
    sa.UniqueConstraint('trajectory_id', 'milestone_code', 'month_key', name='uq_evidence_claim_key')
    )
    with op.batch_alter_table('evidence_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_claim_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_claim_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_claim_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('sampled_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('milestone_code', sa.String(length=20), nullable=False),
    sa.Column('month_key', sa.String(length=7), nullable=False),
    sa.Column('status', sa.Enum('open', 'justified', 'unjustified', name='samplestatus', native_enum=False, length=12), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_sampled_line_checked_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_sampled_line_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['run_id'], ['payment_run.id'], name=op.f('fk_sampled_line_run_id_payment_run')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_sampled_line_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sampled_line')),
    sa.UniqueConstraint('line_id', name=op.f('uq_sampled_line_line_id'))
    )
    with op.batch_alter_table('sampled_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sampled_line_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sampled_line_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sampled_line_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('claim_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('file_type', sa.String(length=10), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['evidence_claim.id'], name=op.f('fk_claim_attachment_claim_id_evidence_claim')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_claim_attachment_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_attachment')),
    sa.UniqueConstraint('claim_id', name=op.f('uq_claim_attachment_claim_id')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_claim_attachment_stored_name'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sources', sa.JSON(), nullable=True))
    for where, sources in DEFAULT_SOURCES:
        op.execute(sa.text(f"UPDATE milestone SET sources = '{sources}' WHERE {where}"))
    op.execute(sa.text(f"UPDATE milestone SET sources = '{ALL_SOURCES}' WHERE sources IS NULL"))
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.alter_column('sources', existing_type=sa.JSON(), nullable=False)
    _line_reason(300)


def downgrade():
    op.execute(sa.text("UPDATE payment_line SET reason = substr(reason, 1, 100) WHERE length(reason) > 100"))
    _line_reason(100)
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_column('sources')

    op.drop_table('claim_attachment')
    with op.batch_alter_table('sampled_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sampled_line_trajectory_id'))
        batch_op.drop_index(batch_op.f('ix_sampled_line_run_id'))
        batch_op.drop_index(batch_op.f('ix_sampled_line_municipality_id'))

    op.drop_table('sampled_line')
    with op.batch_alter_table('evidence_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_claim_trajectory_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_claim_provider_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_claim_municipality_id'))

    op.drop_table('evidence_claim')
    op.drop_table('sampling_rule')
