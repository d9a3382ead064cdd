"""The adapters' memory, kept in the turn's unit of work: where users can be reached proactively (Teams
conversation references), the Teams cards that still carry buttons, and the platform deliveries already
handled (Slack event ids, Teams activity ids), so a retried delivery is not run twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import ConversationRef, ProcessedEvent, SentCard, clock_of, upsert

CARD_KEEP = timedelta(days=30)  # older cards are not updated after a click any more


class Conversations:
    """`coach.ports.Conversations` on one session; the caller's unit of work commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def first_delivery(self, source: str, event_id: str) -> bool:
        """True the first time this (source, event_id) is seen, recorded in the caller's transaction: a turn
        that is rolled back (and run again) leaves no record. The unique key makes it safe across processes: a
        racing instance waits for this transaction and then finds the event taken."""
        added = self.session.scalar(upsert(self.session, ProcessedEvent).values(
            source=source, event_id=event_id[:200], received_at=clock_of(self.session)(),
        ).on_conflict_do_nothing(index_elements=["source", "event_id"]).returning(ProcessedEvent.id))
        return added is not None

    def save_reference(self, identity: str, reference: dict[str, Any]) -> None:
        """Store or refresh a user's conversation reference (racing instances: the last one wins)."""
        row = self.session.scalar(select(ConversationRef).where(ConversationRef.identity == identity))
        if row is not None:
            if row.reference != reference:
                row.reference = reference
            return
        add = upsert(self.session, ConversationRef).values(identity=identity, reference=reference,
                                                           updated_at=clock_of(self.session)())
        self.session.execute(add.on_conflict_do_update(  # inserted meanwhile by another instance: ours wins
            index_elements=["identity"], set_={"reference": add.excluded.reference,
                                               "updated_at": add.excluded.updated_at}))

    def reference(self, identity: str) -> dict[str, Any] | None:
        return self.session.scalar(select(ConversationRef.reference).where(ConversationRef.identity == identity))

    def remember_card(self, conversation_id: str, activity_id: str, card: dict[str, Any]) -> None:
        self.session.execute(delete(SentCard).where(SentCard.sent_at < clock_of(self.session)() - CARD_KEEP))
        self.session.add(SentCard(conversation_id=conversation_id[:400], activity_id=activity_id[:200], card=card))

    def take_card(self, conversation_id: str, activity_id: str) -> dict[str, Any] | None:
        """The card sent as `activity_id` in this conversation, forgotten as it is taken (one update per card)."""
        row = self.session.scalar(select(SentCard).where(SentCard.conversation_id == conversation_id[:400],
                                                         SentCard.activity_id == activity_id[:200]))
        if row is None:
            return None
        self.session.delete(row)
        return row.card
