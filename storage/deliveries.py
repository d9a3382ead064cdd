"""Recording platform deliveries (Slack event ids) before acting on them, so retries are not re-run."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import ProcessedEvent, User


def claim_delivery(sessions: sessionmaker[Session], source: str, event_id: str) -> bool:
    """True the first time this (source, event_id) is seen; the unique key makes it safe across processes."""
    with sessions() as session:
        session.add(ProcessedEvent(source=source, event_id=event_id[:200]))
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
