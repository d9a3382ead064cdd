"""Recording platform deliveries (Slack event ids) before acting on them, so retries are not re-run."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import ProcessedEvent, User, clock_of


def claim_delivery(sessions: sessionmaker[Session], source: str, event_id: str) -> bool:
    """True the first time this (source, event_id) is seen; the unique key makes it safe across processes."""
    with sessions() as session:
        session.add(ProcessedEvent(source=source, event_id=event_id[:200], received_at=clock_of(session)()))
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
