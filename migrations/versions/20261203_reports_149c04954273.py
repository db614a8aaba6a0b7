"""Reports: council reports per municipality or region and period with their narrative versions (written,
approved by a second person), and each municipality's indicator codes for the grant annex

Revision ID: 149c04954273
Revises: c085d9c51832
Create Date: 2026-12-03 18:58:57.307500

"""
from alembic import op
import sqlalchemy as sa

from reports.models import APPROVED_READ_ONLY_DDL


# revision identifiers, used by Alembic.
revision = '149c04954273'
down_revision = 'c085d9c51832'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(region_id IS NULL) <> (municipality_id IS NULL)', name=op.f('ck_council_report_one_scope')),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_council_report_period')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_council_report_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_council_report_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_report'))
    )
    with op.batch_alter_table('council_report', schema=None) as batch_op:
        batch_op.create_index('uq_council_report_municipality', ['municipality_id', 'starts_on', 'ends_on'], unique=True, sqlite_where=sa.text('municipality_id IS NOT NULL'), postgresql_where=sa.text('municipality_id IS NOT NULL'))
        batch_op.create_index('uq_council_report_region', ['region_id', 'starts_on', 'ends_on'], unique=True, sqlite_where=sa.text('region_id IS NOT NULL'), postgresql_where=sa.text('region_id IS NOT NULL'))

    op.create_table('grant_indicator_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.Enum('besteding', 'correcties_voorgaande_jaren', name='grantmeasure', native_enum=False, length=40), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_grant_indicator_code_municipality_id_municipality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_indicator_code')),
    sa.UniqueConstraint('municipality_id', 'measure', name='uq_grant_indicator_code_measure')
    )
    op.create_table('narrative_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('toelichting', sa.Text(), nullable=False),
    sa.Column('risicos', sa.Text(), nullable=False),
    sa.Column('vooruitblik', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('concept', 'vastgesteld', name='narrativestatus', native_enum=False, length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_narrative_version_approved_by_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_narrative_version_created_by_id_user')),
    sa.ForeignKeyConstraint(['report_id'], ['council_report.id'], name=op.f('fk_narrative_version_report_id_council_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_narrative_version')),
    sa.UniqueConstraint('report_id', 'number', name='uq_narrative_version_number')
    )
    for statement in APPROVED_READ_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    op.drop_table('narrative_version')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION narrative_version_read_only()')
    op.drop_table('grant_indicator_code')
    with op.batch_alter_table('council_report', schema=None) as batch_op:
        batch_op.drop_index('uq_council_report_region', sqlite_where=sa.text('region_id IS NOT NULL'), postgresql_where=sa.text('region_id IS NOT NULL'))
        batch_op.drop_index('uq_council_report_municipality', sqlite_where=sa.text('municipality_id IS NOT NULL'), postgresql_where=sa.text('municipality_id IS NOT NULL'))

    op.drop_table('council_report')
