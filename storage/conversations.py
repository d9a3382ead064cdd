"""Where users can be reached proactively, and the Teams cards that still carry buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import ConversationRef, SentCard, clock_of

CARD_KEEP = timedelta(days=30)  # older cards are not updated after a click any more


def save_reference(sessions: sessionmaker[Session], identity: str, reference: dict[str, Any]) -> None:
    """Store or refresh a user's conversation reference (racing instances: the last one wins)."""
    for _ in range(2):
        with sessions() as session:
            row = session.scalar(select(ConversationRef).where(ConversationRef.identity == identity))
            if row is None:
                session.add(ConversationRef(identity=identity, reference=reference))
            elif row.reference == reference:
                return
            else:
                row.reference = reference
            try:
                session.commit()
                return
            except IntegrityError:  # another instance inserted it first: update theirs
                session.rollback()


def load_reference(sessions: sessionmaker[Session], identity: str) -> dict[str, Any] | None:
    with sessions() as session:
        return session.scalar(select(ConversationRef.reference).where(ConversationRef.identity == identity))


def remember_card(sessions: sessionmaker[Session], conversation_id: str, activity_id: str,
                  card: dict[str, Any]) -> None:
    with sessions.begin() as session:
        session.execute(delete(SentCard).where(SentCard.sent_at < clock_of(session)() - CARD_KEEP))
        session.add(SentCard(conversation_id=conversation_id[:400], activity_id=activity_id[:200], card=card))


def take_card(sessions: sessionmaker[Session], conversation_id: str, activity_id: str) -> dict[str, Any] | None:
    """The card sent as `activity_id` in this conversation, forgotten as it is taken (one update per card)."""
    with sessions.begin() as session:
        row = session.scalar(select(SentCard).where(SentCard.conversation_id == conversation_id[:400],
                                                    SentCard.activity_id == activity_id[:200]))
        if row is None:
            return None
        card = row.card
        session.delete(row)
        return card
