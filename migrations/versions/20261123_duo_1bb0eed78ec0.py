"""DUO feed: notifications, outbox, exchange log, trajectory state

Revision ID: 1bb0eed78ec0
Revises: ac822b795c7a
Create Date: 2026-11-23 11:17:00.827751

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1bb0eed78ec0'
down_revision = 'ac822b795c7a'  # chained after the progress branch, merged here
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duo_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('sender_oin', sa.String(length=20), nullable=False),
    sa.Column('recipient_oin', sa.String(length=20), nullable=False),
    sa.Column('event_code', sa.String(length=6), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('bsn_encrypted', sa.Text(), nullable=True),
    sa.Column('bsn_hash', sa.String(length=64), nullable=True),
    sa.Column('v_number_encrypted', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('trajectory_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('ontvangen', 'verwerkt', 'opgeslagen', 'geen traject', 'mislukt', name='notificationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('outcome', sa.String(length=500), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_duo_notification_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_duo_notification_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duo_notification')),
    sa.UniqueConstraint('message_id', name=op.f('uq_duo_notification_message_id'))
    )
    with op.batch_alter_table('duo_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duo_notification_bsn_hash'), ['bsn_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_duo_notification_event_code'), ['event_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_duo_notification_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duo_notification_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duo_notification_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('duo_trajectory_state',
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('obligation_fulfilled_on', sa.Date(), nullable=True),
    sa.Column('obligation_ended_on', sa.Date(), nullable=True),
    sa.Column('ended_by_event', sa.String(length=6), nullable=True),
    sa.Column('term_starts_on', sa.Date(), nullable=True),
    sa.Column('term_ends_on', sa.Date(), nullable=True),
    sa.Column('term_changed_on', sa.Date(), nullable=True),
    sa.Column('term_extension_reason', sa.String(length=200), nullable=True),
    sa.Column('transfer_flagged_on', sa.Date(), nullable=True),
    sa.Column('transfer_event', sa.String(length=6), nullable=True),
    sa.Column('transfer_to_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_duo_trajectory_state_trajectory_id_trajectory')),
    sa.ForeignKeyConstraint(['transfer_to_id'], ['municipality.id'], name=op.f('fk_duo_trajectory_state_transfer_to_id_municipality')),
    sa.PrimaryKeyConstraint('trajectory_id', name=op.f('pk_duo_trajectory_state'))
    )
    op.create_table('duo_outbox_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('examenresultaten', 'inburgeringstermijn', 'map', 'pvt', 'zroute', name='outboxkind', native_enum=False, length=20), nullable=False),
    sa.Column('dedupe_key', sa.String(length=80), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('status', sa.Enum('wachtend', 'bezig', 'gelukt', 'mislukt', name='outboxstatus', native_enum=False, length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_duo_outbox_item_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['notification_id'], ['duo_notification.id'], name=op.f('fk_duo_outbox_item_notification_id_duo_notification')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_duo_outbox_item_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duo_outbox_item')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_duo_outbox_item_dedupe_key'))
    )
    with op.batch_alter_table('duo_outbox_item', schema=None) as batch_op:
        batch_op.create_index('ix_duo_outbox_item_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duo_outbox_item_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duo_outbox_item_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('duo_exchange',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=6), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('is_success', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('outbox_item_id', sa.Integer(), nullable=True),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_duo_exchange_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['notification_id'], ['duo_notification.id'], name=op.f('fk_duo_exchange_notification_id_duo_notification')),
    sa.ForeignKeyConstraint(['outbox_item_id'], ['duo_outbox_item.id'], name=op.f('fk_duo_exchange_outbox_item_id_duo_outbox_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duo_exchange'))
    )
    with op.batch_alter_table('duo_exchange', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duo_exchange_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duo_exchange_municipality_id'), ['municipality_id'], unique=False)



def downgrade():
    with op.batch_alter_table('duo_exchange', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duo_exchange_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_duo_exchange_created_at'))

    op.drop_table('duo_exchange')
    with op.batch_alter_table('duo_outbox_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duo_outbox_item_trajectory_id'))
        batch_op.drop_index(batch_op.f('ix_duo_outbox_item_municipality_id'))
        batch_op.drop_index('ix_duo_outbox_item_due')

    op.drop_table('duo_outbox_item')
    op.drop_table('duo_trajectory_state')
    with op.batch_alter_table('duo_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duo_notification_trajectory_id'))
        batch_op.drop_index(batch_op.f('ix_duo_notification_received_at'))
        batch_op.drop_index(batch_op.f('ix_duo_notification_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_duo_notification_event_code'))
        batch_op.drop_index(batch_op.f('ix_duo_notification_bsn_hash'))

    op.drop_table('duo_notification')
