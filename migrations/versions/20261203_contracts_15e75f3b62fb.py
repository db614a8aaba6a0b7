"""Open House conditions: the public announcement (date, URL) before admissions open, dated versions of the list of
admitted providers, and on each referral the participant's own choice with the list version shown

Revision ID: 15e75f3b62fb
Revises: 4d2c9e7a1b03
Create Date: 2026-12-03 18:02:10.112233

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '15e75f3b62fb'
down_revision = '4d2c9e7a1b03'
branch_labels = None
depends_on = None

TRAJECTORY_FK = 'fk_trajectory_provider_list_version_id_provider_list_version'


def upgrade():
    op.create_table('provider_list_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('open_house_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('providers', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['open_house_id'], ['open_house.id'], name=op.f('fk_provider_list_version_open_house_id_open_house')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_list_version')),
    sa.UniqueConstraint('open_house_id', 'number', name=op.f('uq_provider_list_version_open_house_id_number'))
    )
    with op.batch_alter_table('provider_list_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_list_version_open_house_id'), ['open_house_id'], unique=False)

    with op.batch_alter_table('open_house', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announced_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('announcement_url', sa.String(length=500), nullable=True))

    # Plain ALTER TABLE, also on SQLite (a batch copy would trip the triggers that name the trajectory table); SQLite
    # takes the reference inline with the new column, other databases as a constraint of its own.
    op.add_column('trajectory', sa.Column('chosen_by_participant', sa.Boolean(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE trajectory ADD COLUMN provider_list_version_id INTEGER CONSTRAINT {TRAJECTORY_FK} '
                   'REFERENCES provider_list_version (id)')
    else:
        op.add_column('trajectory', sa.Column('provider_list_version_id', sa.Integer(), nullable=True))
        op.create_foreign_key(TRAJECTORY_FK, 'trajectory', 'provider_list_version', ['provider_list_version_id'],
                              ['id'])


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(TRAJECTORY_FK, 'trajectory', type_='foreignkey')
    op.drop_column('trajectory', 'provider_list_version_id')
    op.drop_column('trajectory', 'chosen_by_participant')

    with op.batch_alter_table('open_house', schema=None) as batch_op:
        batch_op.drop_column('announcement_url')
        batch_op.drop_column('announced_on')

    with op.batch_alter_table('provider_list_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_list_version_open_house_id'))

    op.drop_table('provider_list_version')
