"""CRM sync: the CRM's ids on users, accounts, deals and follow-ups, the companies no team holds yet, each kind's
sync state and the claim that keeps two instances from syncing at once

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

RECORDS = ('accounts', 'deals', 'followups')
# Unique per CRM as unique indexes, not constraints: SQLite adds those without copying the table, which a
# constraint would need (and the copy's DROP TABLE users fails while accounts refer to it).


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('crm', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('crm_owner_id', sa.String(length=64), nullable=True))
    op.create_index('ix_users_crm_owner', 'users', ['crm', 'crm_owner_id'], unique=True)
    for table in RECORDS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('crm', sa.String(length=12), nullable=True))
            batch.add_column(sa.Column('crm_id', sa.String(length=64), nullable=True))
            if table != 'accounts':
                batch.add_column(sa.Column('crm_base', sa.JSON(), nullable=True))
                batch.add_column(sa.Column('crm_modified_at', sa.DateTime(timezone=True), nullable=True))
            if table != 'followups':
                batch.add_column(sa.Column('crm_removed_at', sa.DateTime(timezone=True), nullable=True))
        op.create_index(f'ix_{table}_crm_id', table, ['crm', 'crm_id'], unique=True)
    op.create_table('crm_pending_companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crm', sa.String(length=12), nullable=False),
    sa.Column('crm_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_pending_companies')),
    sa.UniqueConstraint('crm', 'crm_id', name=op.f('uq_crm_pending_companies_crm'))
    )
    op.create_table('crm_sync',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crm', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('cursor', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('succeeded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('unknown_stages', sa.JSON(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_sync')),
    sa.UniqueConstraint('crm', 'kind', name=op.f('uq_crm_sync_crm'))
    )
    op.create_table('crm_sync_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crm', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_token', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_sync_claims')),
    sa.UniqueConstraint('crm', name=op.f('uq_crm_sync_claims_crm'))
    )


def downgrade() -> None:
    op.drop_table('crm_sync_claims')
    op.drop_table('crm_sync')
    op.drop_table('crm_pending_companies')
    for table in reversed(RECORDS):
        op.drop_index(f'ix_{table}_crm_id', table_name=table)
        with op.batch_alter_table(table) as batch:
            if table != 'followups':
                batch.drop_column('crm_removed_at')
            if table != 'accounts':
                batch.drop_column('crm_modified_at')
                batch.drop_column('crm_base')
            batch.drop_column('crm_id')
            batch.drop_column('crm')
    op.drop_index('ix_users_crm_owner', table_name='users')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('crm_owner_id')
        batch.drop_column('crm')
