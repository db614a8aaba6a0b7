"""Audit log append-only and chained: a hash per row over its content and its predecessor's hash

Revision ID: f215a7cf0705
Revises: fd1ecefa6786
Create Date: 2026-11-23 13:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

from core.audit import GENESIS, chain_hash
from core.dates import UTCDateTime
from core.models import APPEND_ONLY_DDL


# revision identifiers, used by Alembic.
revision = 'f215a7cf0705'
down_revision = 'fd1ecefa6786'
branch_labels = None
depends_on = None

audit_entry = sa.table(
    'audit_entry', sa.column('id', sa.Integer), sa.column('created_at', UTCDateTime),
    sa.column('actor_id', sa.Integer), sa.column('actor_label', sa.String), sa.column('action', sa.String),
    sa.column('object_type', sa.String), sa.column('object_id', sa.Integer), sa.column('summary', sa.String),
    sa.column('changes', sa.JSON), sa.column('chain_hash', sa.String))


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))

    bind = op.get_bind()
    previous, hashes = GENESIS, []
    for row in bind.execute(sa.select(audit_entry).order_by(audit_entry.c.id)):
        previous = chain_hash(previous, row)
        hashes.append({'row_id': row.id, 'hash': previous})
    if hashes:
        bind.execute(audit_entry.update().where(audit_entry.c.id == sa.bindparam('row_id'))
                     .values(chain_hash=sa.bindparam('hash')), hashes)

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.alter_column('chain_hash', existing_type=sa.String(length=64), nullable=False)
    for statement in APPEND_ONLY_DDL[bind.dialect.name]:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_entry_append_only ON audit_entry')
        op.execute('DROP FUNCTION audit_entry_append_only()')
    else:
        op.execute('DROP TRIGGER audit_entry_no_update')
        op.execute('DROP TRIGGER audit_entry_no_delete')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('chain_hash')
