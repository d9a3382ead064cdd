"""The outbox: the messages scheduled jobs produced, each kept until one instance has sent it.

A message is `pending` when produced; `sending` while an instance holds it under a lease; then `sent`, or
`failed` (tried again from `not_before`, with backoff), or `dropped` (past `expires_at`, or the platform
cannot reach the recipient). A sent or dropped row keeps its dedupe key, so its occasion is not produced
again, but not its message.

The one claim (`storage.leases`, shared with the inbox): a single conditional UPDATE takes one row that is due
(pending, or failed and waited long enough) or whose lease ran out (its instance died mid-send). An instance holds
one row at a time and renews its lease while it sends, so a crash leaves at most that one in doubt: it is sent
again once the lease has run out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from coach.outgoing import LEASE, Claimed, Outgoing
from coach.replies import Reply
from storage.leases import Leases
from storage.models import OutboxMessage as Row
from storage.models import upsert

WAITING, SETTLED = ("pending", "failed"), ("sent", "dropped")
LEASES = Leases(Row, waiting=WAITING, held="sending")


def enqueue(session: Session, messages: Iterable[Outgoing], now: datetime, replace_unsent: bool = False) -> list[str]:
    """Add messages, due `now`, in the caller's transaction; returns the keys added. A key that is there already
    is left alone, or with `replace_unsent` replaced when it was not sent (nor is being sent)."""
    rows = [{"dedupe_key": m.dedupe_key, "kind": m.kind, "recipient": m.recipient, "message": _stored(m),
             "state": "pending", "not_before": now, "expires_at": m.expires_at, "attempts": 0, "created_at": now}
            for m in messages]
    if not rows:
        return []
    add = upsert(session, Row)
    if replace_unsent:
        add = add.on_conflict_do_update(
            index_elements=["dedupe_key"], where=and_(Row.state != "sent", Row.state != "sending"),
            set_={column: add.excluded[column] for column in ("message", "state", "not_before", "expires_at",
                                                              "attempts")} | {"settled_at": None, "last_error": None})
    else:
        add = add.on_conflict_do_nothing(index_elements=["dedupe_key"])
    return list(session.scalars(add.returning(Row.dedupe_key), rows))  # many rows: one statement, compiled once


def enqueue_all(sessions: sessionmaker[Session], messages: list[Outgoing], now: datetime) -> list[str]:
    """`enqueue` in a transaction of its own."""
    with sessions.begin() as session:
        return enqueue(session, messages, now)


def states(sessions: sessionmaker[Session], keys: Iterable[str]) -> dict[str, str]:
    """The state of each of these keys that is in the outbox."""
    with sessions() as session:
        return dict(session.execute(select(Row.dedupe_key, Row.state).where(Row.dedupe_key.in_(list(keys)))).all())


def claim(sessions: sessionmaker[Session], now: datetime, platforms: tuple[str, ...], token: str,
          kind: str | None = None, keys: Iterable[str] | None = None) -> Claimed | None:
    """Take the next message for the given platforms ("slack:", "teams:") under a lease held by `token`:
    the longest waiting first. With `keys`, only those, without waiting out a failed one's backoff (an
    operator's "send now")."""
    if not platforms:
        return None
    claimable = and_(LEASES.due(now, wait=keys is None),
                     or_(*[Row.recipient.startswith(p, autoescape=True) for p in platforms]),
                     *([Row.kind == kind] if kind else []),
                     *([Row.dedupe_key.in_(list(keys))] if keys is not None else []))
    with sessions.begin() as session:
        taken = LEASES.claim(session, claimable, token, now + LEASE, Row.id, Row.kind, Row.recipient, Row.dedupe_key,
                             Row.message, Row.expires_at, Row.attempts)
    if taken is None:
        return None
    message = Outgoing(kind=taken.kind, recipient=taken.recipient, dedupe_key=taken.dedupe_key,
                       expires_at=taken.expires_at, reply=Reply.model_validate(taken.message["reply"]),
                       thread=[Reply.model_validate(r) for r in taken.message["thread"]])
    return Claimed(taken.id, message, taken.attempts)


def renew(sessions: sessionmaker[Session], message_id: int, token: str, until: datetime) -> bool:
    """Extend a lease this token still holds; False when it was lost (taken over after running out)."""
    with sessions.begin() as session:
        return bool(LEASES.update(session, [message_id], token, lease_until=until))


def settle(sessions: sessionmaker[Session], message_id: int, token: str, state: str, now: datetime,
           retry_at: datetime | None = None, error: str | None = None) -> bool:
    """Record how a send ended: sent, dropped, failed (tried again from `retry_at`), or pending again (handed
    back unfinished). False when the lease was lost meanwhile and the row is another instance's now."""
    values = {"state": state, "lease_until": None, "lease_token": None, "last_error": error}
    if state in SETTLED:
        values |= {"message": None, "settled_at": now}
    if state == "failed":
        values["not_before"] = retry_at
    if state == "pending":
        values["not_before"] = now
    with sessions.begin() as session:
        return bool(LEASES.update(session, [message_id], token, **values))


def drop_expired(sessions: sessionmaker[Session], now: datetime) -> int:
    """Drop what was not sent before it expired (nor is being sent now); returns how many."""
    with sessions.begin() as session:
        done = session.execute(
            update(Row).where(Row.expires_at <= now, LEASES.due(now, wait=False))
            .values(state="dropped", message=None, settled_at=now, lease_until=None, lease_token=None,
                    last_error="expired").execution_options(synchronize_session=False))
        return done.rowcount or 0


def _stored(message: Outgoing) -> dict:
    return {"reply": message.reply.model_dump(mode="json"), "thread": [r.model_dump(mode="json")
                                                                        for r in message.thread]}
