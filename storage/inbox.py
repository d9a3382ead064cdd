"""The inbox: what Slack delivered (an event, a slash command, a click, a form), stored before it is acknowledged and
kept until a worker has handled it, so that nothing acknowledged is lost to a database outage or a worker that died.

The instance that acknowledges an item stores it `taken`: held under its lease (`storage.leases`, shared with the
outbox), handed to its workers at once and renewed while it has the item, and forgotten once a worker handled it
(with the next items stored: one write for both). An item whose turn could not reach the database stays with its
instance, which tries it again; an item whose instance died, or lost the database for longer than the lease, is
taken over by any instance once its lease ran out, as is a `pending` one (handed back at a shutdown). An instance
that died after an item was handled and before it was forgotten leaves it to be run again: the turn's record of
its delivery makes that run change and answer nothing.

A redelivery (Slack's retry of an event, the same signed request again) carries the same dedupe key: while the
first is still here it adds nothing; once that was handled, the turn's own record of the delivery
(`first_delivery`) answers it as handled.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete
from sqlalchemy.orm import Session, sessionmaker

from storage.leases import Leases
from storage.models import InboxItem as Row
from storage.models import upsert

LEASES = Leases(Row, waiting=("pending",), held="taken")


@dataclass(frozen=True)
class Item:
    id: int
    job: str
    payload: dict[str, Any]
    attempts: int  # this one included


class Inbox:
    """One platform's inbox; each call is a transaction of its own."""

    def __init__(self, sessions: sessionmaker[Session], source: str) -> None:
        self.sessions = sessions
        self.source = source

    def add(self, deliveries: list[tuple[str, dict[str, Any], str]], now: datetime, token: str, until: datetime,
            forget: Collection[int] = ()) -> list[int | None]:
        """Store (job, payload, dedupe key) deliveries, taken by `token` until `until`, and forget the handled
        items of `forget` that `token` holds: one transaction. Each delivery's id, or None when its key is here
        already (a redelivery of one not handled yet)."""
        keys = [f"{self.source}:{key}"[:300] for _job, _payload, key in deliveries]
        with self.sessions.begin() as session:  # on every acknowledgement: Core statements, without the ORM's work
            connection = session.connection()
            if forget:
                connection.execute(delete(Row).where(LEASES.mine(forget, token)))
            if not deliveries:
                return []
            add = upsert(session, Row).on_conflict_do_nothing(index_elements=["dedupe_key"])
            added = dict(connection.execute(add.returning(Row.dedupe_key, Row.id), [  # many rows: one statement
                {"source": self.source, "dedupe_key": key, "job": job, "payload": payload, "state": LEASES.held,
                 "not_before": now, "attempts": 1, "lease_until": until, "lease_token": token, "created_at": now}
                for key, (job, payload, _key) in zip(keys, deliveries, strict=True)]).all())
        return [added.pop(key, None) for key in keys]  # a key twice in one call is stored once

    def claim(self, now: datetime, token: str, until: datetime) -> Item | None:
        """Take the longest waiting item that is due (handed back, or its lease ran out)."""
        with self.sessions.begin() as session:
            taken = LEASES.claim(session, and_(LEASES.due(now), Row.source == self.source), token, until,
                                 Row.id, Row.job, Row.payload, Row.attempts)
        return None if taken is None else Item(taken.id, taken.job, taken.payload, taken.attempts)

    def renew(self, ids: Collection[int], token: str, until: datetime) -> list[int]:
        """Extend the leases `token` still holds among `ids`; those ids (the others were handled or taken over)."""
        with self.sessions.begin() as session:
            return LEASES.update(session, ids, token, lease_until=until)

    def hand_back(self, ids: Collection[int], token: str, now: datetime) -> list[int]:
        """Let any instance take these items from `now` (this one stops); the ids it still held."""
        with self.sessions.begin() as session:
            return LEASES.update(session, ids, token, state="pending", not_before=now, lease_until=None,
                                 lease_token=None)
