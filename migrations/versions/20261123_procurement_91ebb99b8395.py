"""Procurement: case volumes and facts, decisions, planning milestones, EU thresholds and route scores

Revision ID: 91ebb99b8395
Revises: 0e1384da3237
Create Date: 2026-11-23 11:13:43.938277

"""
from alembic import op
import sqlalchemy as sa

# The reference data as it stood at this revision; later changes get a data migration of their own.
from procurement.reference import route_score_rows, threshold_rows


# revision identifiers, used by Alembic.
revision = '91ebb99b8395'
down_revision = '0e1384da3237'
branch_labels = None
depends_on = None


def upgrade():
    route_score = op.create_table('route_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route', sa.Enum('inbesteden', 'quasi_inbesteden', 'open_house', 'aanbesteding', 'subsidie', name='procurementroute', native_enum=False, length=20), nullable=False),
    sa.Column('criterion', sa.String(length=40), nullable=False),
    sa.Column('score', sa.BigInteger(), nullable=False),
    sa.Column('explanation', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_route_score')),
    sa.UniqueConstraint('route', 'criterion', name=op.f('uq_route_score_route_criterion'))
    )
    threshold = op.create_table('threshold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('social_services', 'other_services', name='thresholdkind', native_enum=False, length=20), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threshold')),
    sa.UniqueConstraint('kind', 'valid_from', name=op.f('uq_threshold_kind_valid_from'))
    )
    op.create_table('planning_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procurement_case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('alert', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['procurement_case_id'], ['procurement_case.id'], name=op.f('fk_planning_milestone_procurement_case_id_procurement_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planning_milestone'))
    )
    with op.batch_alter_table('planning_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planning_milestone_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_planning_milestone_procurement_case_id'), ['procurement_case_id'], unique=False)

    op.create_table('procurement_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procurement_case_id', sa.Integer(), nullable=False),
    sa.Column('route', sa.Enum('inbesteden', 'quasi_inbesteden', 'open_house', 'aanbesteding', 'subsidie', name='procurementroute', native_enum=False, length=20), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('procedure', sa.Enum('europees_verlicht_regime', 'europees', 'nationaal_openbaar', 'meervoudig_onderhands', 'enkelvoudig_onderhands', name='procedure', native_enum=False, length=30), nullable=True),
    sa.Column('estimated_value_cents', sa.BigInteger(), nullable=False),
    sa.Column('assessment', sa.JSON(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_procurement_decision_approved_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_procurement_decision_decided_by_id_user')),
    sa.ForeignKeyConstraint(['procurement_case_id'], ['procurement_case.id'], name=op.f('fk_procurement_decision_procurement_case_id_procurement_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['procurement_decision.id'], name=op.f('fk_procurement_decision_superseded_by_id_procurement_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement_decision'))
    )
    with op.batch_alter_table('procurement_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_decision_procurement_case_id'), ['procurement_case_id'], unique=False)

    with op.batch_alter_table('procurement_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('expected_participants_per_year', sa.Integer(), nullable=False, server_default=sa.text("'0'")))
        batch_op.add_column(sa.Column('participants_by_municipality', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('price_per_trajectory_cents', sa.BigInteger(), nullable=False, server_default=sa.text("'0'")))
        batch_op.add_column(sa.Column('term_years', sa.Integer(), nullable=False, server_default=sa.text("'1'")))
        batch_op.add_column(sa.Column('extension_years', sa.Integer(), nullable=False, server_default=sa.text("'0'")))
        batch_op.add_column(sa.Column('facts', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('weights', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('delivery_starts_on', sa.Date(), nullable=True))

    op.bulk_insert(threshold, threshold_rows())
    op.bulk_insert(route_score, route_score_rows())


def downgrade():
    with op.batch_alter_table('procurement_case', schema=None) as batch_op:
        batch_op.drop_column('delivery_starts_on')
        batch_op.drop_column('weights')
        batch_op.drop_column('facts')
        batch_op.drop_column('extension_years')
        batch_op.drop_column('term_years')
        batch_op.drop_column('price_per_trajectory_cents')
        batch_op.drop_column('participants_by_municipality')
        batch_op.drop_column('expected_participants_per_year')
        batch_op.drop_column('title')

    with op.batch_alter_table('procurement_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_decision_procurement_case_id'))

    op.drop_table('procurement_decision')
    with op.batch_alter_table('planning_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planning_milestone_procurement_case_id'))
        batch_op.drop_index(batch_op.f('ix_planning_milestone_due_on'))

    op.drop_table('planning_milestone')
    op.drop_table('threshold')
    op.drop_table('route_score')
