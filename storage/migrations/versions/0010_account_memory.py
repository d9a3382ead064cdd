"""account memory: relationship status and A/B/C class on accounts, facts learned in debriefs, contact norms

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('status', sa.String(length=12), server_default='suspect', nullable=False))
        batch.add_column(sa.Column('abc_class', sa.String(length=1), nullable=True))
    with op.batch_alter_table('teams') as batch:
        batch.add_column(sa.Column('contact_norms', sa.JSON(), nullable=True))
    op.create_table('account_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('learned_by_id', sa.Integer(), nullable=True),
    sa.Column('learned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_facts_account_id_accounts')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_account_facts_visit_id_visits')),
    sa.ForeignKeyConstraint(['learned_by_id'], ['users.id'], name=op.f('fk_account_facts_learned_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_facts')),
    sa.UniqueConstraint('account_id', 'key', name=op.f('uq_account_facts_account_id'))
    )
    # accounts with a debriefed visit were contacted, and a won deal made a customer
    op.execute("UPDATE accounts SET status = 'prospect' WHERE id IN "
               "(SELECT account_id FROM visits WHERE status = 'debriefed')")
    op.execute("UPDATE accounts SET status = 'customer' WHERE id IN (SELECT account_id FROM deals WHERE stage = 'won')")


def downgrade() -> None:
    op.drop_table('account_facts')
    with op.batch_alter_table('teams') as batch:
        batch.drop_column('contact_norms')
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('abc_class')
        batch.drop_column('status')
