"""What the scheduled jobs and the delivery loop read and write, for the composition root to hand out
(`bot.runtime.Runtime.jobs`). Each call is one transaction of its own: the jobs run them in threads, one
step at a time, and a step that failed leaves the others as they were."""

from __future__ import annotations

from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from storage import digest_queries, outbox, reminder_queries


class JobStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        # reminders, the daily nudge and the team overview
        self.produce_reminders = partial(reminder_queries.produce_reminders, sessions)
        self.recipients = partial(reminder_queries.recipients, sessions)
        self.overdue_by_rep = partial(reminder_queries.overdue_by_rep, sessions)
        self.team_channels = partial(reminder_queries.team_channels, sessions)
        self.team_overdue = partial(reminder_queries.team_overdue, sessions)
        # the weekly digest
        self.digest_teams = partial(digest_queries.digest_teams, sessions)
        self.current_digest = partial(digest_queries.current_digest, sessions)
        self.enqueue_digest = partial(digest_queries.enqueue_digest, sessions)
        # the outbox
        self.enqueue_all = partial(outbox.enqueue_all, sessions)
        self.states = partial(outbox.states, sessions)
        self.claim = partial(outbox.claim, sessions)
        self.renew = partial(outbox.renew, sessions)
        self.settle = partial(outbox.settle, sessions)
        self.drop_expired = partial(outbox.drop_expired, sessions)
