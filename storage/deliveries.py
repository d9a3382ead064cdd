"""Recording platform deliveries (Slack event ids) before acting on them, so retries are not re-run."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import ProcessedEvent, User, clock_of


def claim_delivery(sessions: sessionmaker[Session], source: str, event_id: str, now: datetime | None = None) -> bool:
    """True the first time this (source, event_id) is seen; the unique key makes it safe across processes."""
    with sessions() as session:
        session.add(ProcessedEvent(source=source, event_id=event_id[:200], received_at=now or clock_of(session)()))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True


def known_user(sessions: sessionmaker[Session], identity: str) -> bool:
    with sessions() as session:
        return session.scalar(select(User.id).where(User.identity == identity)) is not None


def user_language(sessions: sessionmaker[Session], identity: str) -> str | None:
    with sessions() as session:
        return session.scalar(select(User.language).where(User.identity == identity))


def unclaim_delivery(sessions: sessionmaker[Session], source: str, event_id: str) -> None:
    """Undo a claim whose delivery failed, so a later attempt may claim it again."""
    with sessions.begin() as session:
        session.execute(delete(ProcessedEvent).where(ProcessedEvent.source == source,
                                                     ProcessedEvent.event_id == event_id[:200]))


def claim_lease(sessions: sessionmaker[Session], source: str, event_id: str, lease: timedelta,
                now: datetime | None = None) -> bool:
    """Like `claim_delivery`, for work that may take a while: a claim that was neither finished nor released
    within `lease` (its process died) is taken over. The takeover is one conditional UPDATE, so two processes
    cannot both win it; a claim finished or still fresh is answered with a look-up, not a failed INSERT."""
    key = event_id[:200]
    with sessions() as session:
        now = now or clock_of(session)()
        held = session.execute(select(ProcessedEvent.received_at, ProcessedEvent.done_at).where(
            ProcessedEvent.source == source, ProcessedEvent.event_id == key)).first()
    if held is None:
        return claim_delivery(sessions, source, key, now)
    if held.done_at is not None or held.received_at >= now - lease:
        return False
    with sessions.begin() as session:
        taken = session.execute(update(ProcessedEvent).where(
            ProcessedEvent.source == source, ProcessedEvent.event_id == key,
            ProcessedEvent.done_at.is_(None), ProcessedEvent.received_at < now - lease).values(received_at=now))
        return (taken.rowcount or 0) == 1


def finish_delivery(sessions: sessionmaker[Session], source: str, event_id: str) -> None:
    """Mark a leased claim delivered: it is never taken over."""
    with sessions.begin() as session:
        session.execute(update(ProcessedEvent).where(ProcessedEvent.source == source,
                                                     ProcessedEvent.event_id == event_id[:200])
                        .values(done_at=clock_of(session)()))
