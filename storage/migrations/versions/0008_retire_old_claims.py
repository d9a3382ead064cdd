"""the scheduled jobs use the outbox: their old claims retire

Nudges, team overviews and weekly digests already sent were recorded as processed events; they become sent
outbox rows under their new keys, so none is sent again after the upgrade. A digest claim that was never
finished (a send in flight or failed) is left out: the weekly digest job produces it again. Follow-ups keep
`reminded_at` and, as `deferred_until`, the moment a reminder held back may go out.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 09:30:00
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

JOBS = ('nudge', 'team-overview', 'digest')


def upgrade() -> None:
    _sent_records_to_outbox()
    with op.batch_alter_table('processed_events') as batch:
        batch.drop_column('done_at')
    with op.batch_alter_table('followups') as batch:
        batch.alter_column('retry_at', new_column_name='deferred_until')
        batch.drop_column('attempts')
        batch.drop_column('claim_token')
        batch.drop_column('claimed_until')


def _sent_records_to_outbox() -> None:
    outbox = sa.table('outbox', *(sa.column(name, sa.String()) for name in ('dedupe_key', 'kind', 'recipient', 'state')),
                      sa.column('attempts', sa.Integer()),
                      *(sa.column(name, UTCDateTime()) for name in ('not_before', 'created_at', 'settled_at')))
    events = sa.table('processed_events', sa.column('id', sa.Integer()), sa.column('source', sa.String()),
                      sa.column('event_id', sa.String()), sa.column('received_at', UTCDateTime()),
                      sa.column('done_at', UTCDateTime()))
    teams = sa.table('teams', sa.column('id', sa.Integer()), sa.column('channel', sa.String()))
    bind = op.get_bind()
    channels = {str(team_id): channel for team_id, channel in bind.execute(sa.select(teams.c.id, teams.c.channel))}
    rows = []
    for source, event_id, received, done in bind.execute(
            sa.select(events.c.source, events.c.event_id, events.c.received_at, events.c.done_at)
            .where(events.c.source.in_(JOBS))):
        if source == 'nudge':  # "<identity>:<local date>"
            recipient, day = event_id.rsplit(':', 1)
            key = f'{recipient}:nudge:{day}'
        elif source == 'team-overview':  # "<team id>:<ISO week>"
            team_id = event_id.split(':', 1)[0]
            recipient, key = channels.get(team_id) or '', f'team-overview:{event_id}'
        elif done is not None:  # "<identity>:digest:<team id>:<ISO week>", sent
            recipient, key = event_id.split(':digest:', 1)[0], event_id
        else:
            continue
        rows.append({'dedupe_key': key, 'kind': source, 'recipient': recipient, 'state': 'sent',
                     'not_before': received, 'attempts': 1, 'created_at': received, 'settled_at': done or received})
    if rows:
        op.bulk_insert(outbox, rows)
    bind.execute(sa.delete(events).where(events.c.source.in_(JOBS)))


def downgrade() -> None:
    with op.batch_alter_table('followups') as batch:
        batch.alter_column('deferred_until', new_column_name='retry_at')
        batch.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('claim_token', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('processed_events') as batch:
        batch.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
