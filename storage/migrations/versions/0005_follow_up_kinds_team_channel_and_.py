"""follow-up kinds, team channel and preparation lead time

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:04:17.898326
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='action', nullable=False))

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('prep_days', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('prep_days')
        batch_op.drop_column('channel')

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_column('kind')

