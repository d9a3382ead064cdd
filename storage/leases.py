"""The claim under a lease that the outbox (what the coach sends) and the inbox (what Slack delivered) share.

A table of work rows, each with `state`, `not_before`, `attempts`, `lease_until` and `lease_token`. A row is due
when it waits (one of the waiting states) and its `not_before` has come, or when it is held and its lease ran out
(the instance holding it died, or lost the database for longer than the lease). One conditional UPDATE takes the
longest waiting due row under a lease held by a token: on PostgreSQL it is picked FOR UPDATE SKIP LOCKED, so
instances take different rows without waiting; SQLite runs the statement under its one write lock. The holder
renews the lease while it works and settles the row under its token; once the lease was taken over, a late
renewal or settle changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Leases:
    row: Any  # the mapped class
    waiting: tuple[str, ...]
    held: str

    def due(self, now: datetime, wait: bool = True) -> ColumnElement[bool]:
        """Rows to take now; with `wait=False` a waiting row also before its `not_before` (an operator's "now")."""
        row = self.row
        ready = row.state.in_(self.waiting) if not wait else and_(row.state.in_(self.waiting), row.not_before <= now)
        return or_(ready, and_(row.state == self.held, row.lease_until < now))

    def claim(self, session: Session, claimable: ColumnElement[bool], token: str, until: datetime, *returning):
        """Take the longest waiting row that is `claimable` (built on `due`), held by `token` until `until`; its
        `returning` columns, or None when there is none."""
        row = self.row
        pick = select(row.id).where(claimable).order_by(row.not_before, row.id).limit(1)
        if session.get_bind().dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        return session.execute(
            update(row).where(row.id == pick.scalar_subquery(), claimable)  # "=": PostgreSQL picks once, "IN" may not
            .values(state=self.held, lease_until=until, lease_token=token, attempts=row.attempts + 1)
            .returning(*returning).execution_options(synchronize_session=False)).first()

    def mine(self, ids: Collection[int], token: str) -> ColumnElement[bool]:
        """The rows among `ids` that `token` still holds."""
        return and_(self.row.id.in_(list(ids)), self.row.state == self.held, self.row.lease_token == token)

    def update(self, session: Session, ids: Collection[int], token: str, **values) -> list[int]:
        """Update the rows of `ids` that `token` still holds; their ids."""
        done = session.execute(update(self.row).where(self.mine(ids, token)).values(**values)
                               .returning(self.row.id).execution_options(synchronize_session=False))
        return list(done.scalars())
