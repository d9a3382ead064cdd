"""the day an account got its A/B/C class, from which an account never visited is due its first visit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('class_since', sa.DateTime(timezone=True), nullable=True))
    # when a class was given before was not kept: the account's creation is the earliest it can have been
    op.execute("UPDATE accounts SET class_since = created_at WHERE abc_class IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('class_since')
