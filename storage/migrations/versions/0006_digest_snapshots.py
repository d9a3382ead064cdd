"""digest snapshots, the team's digest time and leased delivery claims

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:25:22.902784
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_events') as batch:
        batch.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('teams') as batch:
        batch.add_column(sa.Column('digest_at', sa.String(length=16), server_default='mon 08:00', nullable=False))
    op.create_table('digest_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_digest_snapshots_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_snapshots')),
    sa.UniqueConstraint('team_id', 'week_start', name=op.f('uq_digest_snapshots_team_id'))
    )


def downgrade() -> None:
    with op.batch_alter_table('processed_events') as batch:
        batch.drop_column('done_at')
    op.drop_table('digest_snapshots')
    with op.batch_alter_table('teams') as batch:
        batch.drop_column('digest_at')
