"""Progress imports: CSV uploads validated in the background, previewed and imported on confirmation

Revision ID: ac822b795c7a
Revises: 5ae93360e6fc
Create Date: 2026-11-23 11:15:34.995056

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ac822b795c7a'
down_revision = '5ae93360e6fc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('progress_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=40), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('validating', 'invalid', 'ready', 'importing', 'done', name='importstatus', native_enum=False, length=12), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('preview', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_progress_import_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_import'))
    )


def downgrade():
    op.drop_table('progress_import')
