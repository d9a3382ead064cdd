"""teams conversations and reminder delivery

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:09:52.187619
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversation_refs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_refs')),
    sa.UniqueConstraint('identity', name=op.f('uq_conversation_refs_identity'))
    )
    op.create_table('sent_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=400), nullable=False),
    sa.Column('activity_id', sa.String(length=200), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_cards')),
    sa.UniqueConstraint('conversation_id', 'activity_id', name=op.f('uq_sent_cards_conversation_id'))
    )
    with op.batch_alter_table('sent_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_cards_sent_at'), ['sent_at'], unique=False)

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_followups_reminder_due', ['status', 'reminded_at', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_reminder_due')
        batch_op.drop_column('retry_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('reminded_at')

    with op.batch_alter_table('sent_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_cards_sent_at'))

    op.drop_table('sent_cards')
    op.drop_table('conversation_refs')
