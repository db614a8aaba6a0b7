"""PvE: text sections and notes on versions, review comments, attachments, and the contract's PvE version

Revision ID: 0e1384da3237
Revises: b56a77ed0ee8
Create Date: 2026-11-23 11:17:51.500947

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0e1384da3237'
down_revision = 'b56a77ed0ee8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pve_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pve_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('file_type', sa.String(length=10), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_pve_attachment_created_by_id_user')),
    sa.ForeignKeyConstraint(['pve_id'], ['pve.id'], name=op.f('fk_pve_attachment_pve_id_pve'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pve_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_pve_attachment_stored_name'))
    )
    with op.batch_alter_table('pve_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pve_attachment_pve_id'), ['pve_id'], unique=False)

    op.create_table('pve_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pve_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_pve_comment_answered_by_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_pve_comment_created_by_id_user')),
    sa.ForeignKeyConstraint(['pve_id'], ['pve.id'], name=op.f('fk_pve_comment_pve_id_pve'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_pve_comment_resolved_by_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['pve_version.id'], name=op.f('fk_pve_comment_version_id_pve_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pve_comment'))
    )
    with op.batch_alter_table('pve_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pve_comment_pve_id'), ['pve_id'], unique=False)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pve_version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contract_pve_version_id_pve_version'), 'pve_version', ['pve_version_id'], ['id'])

    with op.batch_alter_table('pve_version', schema=None) as batch_op:
        # existing versions get empty sections and notes; the defaults only serve this step
        batch_op.add_column(sa.Column('sections', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('note', sa.String(length=500), nullable=False, server_default=''))
    with op.batch_alter_table('pve_version', schema=None) as batch_op:
        batch_op.alter_column('sections', server_default=None)
        batch_op.alter_column('note', server_default=None)



def downgrade():
    with op.batch_alter_table('pve_version', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('sections')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contract_pve_version_id_pve_version'), type_='foreignkey')
        batch_op.drop_column('pve_version_id')

    with op.batch_alter_table('pve_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pve_comment_pve_id'))

    op.drop_table('pve_comment')
    with op.batch_alter_table('pve_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pve_attachment_pve_id'))

    op.drop_table('pve_attachment')
