"""Documents on providers (keurmerk, VOG, insurance) and contracts (signed, amendments): file metadata, kind,
valid-until, supersession

Revision ID: 38e687f8b07b
Revises: 1bb0eed78ec0
Create Date: 2026-11-23 12:17:04.245778

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '38e687f8b07b'
down_revision = '1bb0eed78ec0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provider_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('keurmerk', 'vog', 'verzekering', 'overig', name='providerdocumentkind', native_enum=False, length=20), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('file_type', sa.String(length=10), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_provider_document_created_by_id_user')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_document_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['provider_document.id'], name=op.f('fk_provider_document_superseded_by_id_provider_document'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_document')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_provider_document_stored_name'))
    )
    with op.batch_alter_table('provider_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_document_provider_id'), ['provider_id'], unique=False)

    op.create_table('contract_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('getekend', 'wijziging', 'overig', name='contractdocumentkind', native_enum=False, length=20), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('file_type', sa.String(length=10), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_document_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_contract_document_created_by_id_user')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['contract_document.id'], name=op.f('fk_contract_document_superseded_by_id_contract_document'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_document')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_contract_document_stored_name'))
    )
    with op.batch_alter_table('contract_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_document_contract_id'), ['contract_id'], unique=False)



def downgrade():
    with op.batch_alter_table('contract_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_document_contract_id'))

    op.drop_table('contract_document')
    with op.batch_alter_table('provider_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_document_provider_id'))

    op.drop_table('provider_document')
