"""the CRM outbox: the writes to the CRM that debriefs and follow-ups caused, each kept until the CRM took it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crm_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crm', sa.String(length=12), nullable=False),
    sa.Column('operation', sa.String(length=16), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('followup_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_token', sa.String(length=36), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('crm_result', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_crm_outbox_deal_id_deals'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], name=op.f('fk_crm_outbox_followup_id_followups'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_outbox'))
    )
    op.create_index('ix_crm_outbox_state_not_before', 'crm_outbox', ['state', 'not_before'], unique=False)
    op.create_index('ix_crm_outbox_deal_id', 'crm_outbox', ['deal_id'], unique=False)
    op.create_index('ix_crm_outbox_followup_id', 'crm_outbox', ['followup_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_crm_outbox_followup_id', table_name='crm_outbox')
    op.drop_index('ix_crm_outbox_deal_id', table_name='crm_outbox')
    op.drop_index('ix_crm_outbox_state_not_before', table_name='crm_outbox')
    op.drop_table('crm_outbox')
