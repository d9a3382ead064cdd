"""Data rights: everything stored about a user, as JSON, and deleting it.

What is personal goes: the user row, their conversations, their reach-me references, their personal
(unteamed) accounts with the deals, visits and follow-ups in them, and the scheduled messages to them
or about them (reminders, nudges, digests). Work that belongs to a team stays with the team, as its manager
chooses: reassigned to another member of the same team, or kept under an anonymous placeholder ("a former
rep"); in the weekly digests kept for the team their line is kept under that placeholder's name.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, inspect, or_, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Account,
    AccountFact,
    ConversationRef,
    Deal,
    DialogState,
    DigestSnapshot,
    FollowUp,
    InboxItem,
    OutboxMessage,
    ProcessedEvent,
    SentCard,
    User,
    Visit,
)
from storage.sales_teams import TeamError

PLACEHOLDER_NAME = "Former rep"


def _row(obj: Any) -> dict[str, Any]:
    out = {}
    for column in inspect(obj).mapper.column_attrs:
        value = getattr(obj, column.key)
        out[column.key] = (value.isoformat() if isinstance(value, datetime | date)
                           else str(value) if isinstance(value, Decimal) else value)
    return out


def _user(session: Session, identity: str) -> User:
    user = session.scalar(select(User).where(User.identity == identity))
    if user is None:
        raise TeamError(f"no user {identity!r} is known to the coach")
    return user


def export_user(session: Session, identity: str) -> dict[str, Any]:
    """Every row that is about this user or that they own, grouped by kind."""
    user = _user(session, identity)
    reference = session.scalar(select(ConversationRef).where(ConversationRef.identity == identity))
    return {
        "user": _row(user),
        "accounts_created": [_row(a) for a in session.scalars(select(Account).where(Account.created_by_id == user.id))],
        "deals": [_row(d) for d in session.scalars(select(Deal).where(Deal.owner_id == user.id).order_by(Deal.id))],
        "visits": [_row(v) for v in session.scalars(select(Visit).where(Visit.owner_id == user.id).order_by(Visit.id))],
        "follow_ups": [_row(f) for f in session.scalars(select(FollowUp).where(FollowUp.owner_id == user.id)
                                                         .order_by(FollowUp.id))],
        "conversations": [_row(d) for d in session.scalars(select(DialogState).where(DialogState.user_id == user.id))],
        "conversation_reference": _row(reference) if reference else None,
        "scheduled_messages": [_row(m) for m in session.scalars(select(OutboxMessage).where(_theirs(identity))
                                                                 .order_by(OutboxMessage.id))],
        "unhandled_messages": [_row(item) for item in _delivered_by(session, identity)],
        "weekly_digests": [{"team_id": snapshot.team_id, "week_start": snapshot.week_start.isoformat(), "line": line}
                           for snapshot, line in _digest_lines(session, user)],
    }


def _delivered_by(session: Session, identity: str) -> list[InboxItem]:
    """What this user sent that is not handled yet: the inbox keeps their words until a worker has answered.
    Few rows wait there at any time, so they are read by platform and matched on the payload's user."""
    platform, _, user_id = identity.partition(":")
    return [item for item in session.scalars(select(InboxItem).where(InboxItem.source == platform)
                                             .order_by(InboxItem.id)) if item.payload.get("user") == user_id]


def _theirs(identity: str):
    """The outbox messages to this user or about them (their reminders, nudges and digests)."""
    return or_(OutboxMessage.recipient == identity,
               OutboxMessage.dedupe_key.startswith(identity + ":", autoescape=True))


def _digest_lines(session: Session, user: User) -> list[tuple[DigestSnapshot, dict[str, Any]]]:
    """The user's own line (name, figures, listed deals) in every stored weekly digest."""
    return [(snapshot, line) for snapshot in session.scalars(select(DigestSnapshot).order_by(DigestSnapshot.id))
            for line in (snapshot.data.get("numbers") or {}).get("reps", []) if line.get("user_id") == user.id]


def _anonymise_digests(session: Session, user: User, name: str) -> int:
    """Give the user's line in stored digests the placeholder's name and no user's id (0), so a later user who
    gets the same row id is not taken for them; returns how many digests changed."""
    changed = {snapshot.id: snapshot for snapshot, _line in _digest_lines(session, user)}
    for snapshot in changed.values():
        data = copy.deepcopy(snapshot.data)  # a new value, so the JSON column is written
        for line in data["numbers"]["reps"]:
            if line.get("user_id") == user.id:
                line["name"], line["user_id"] = name, 0
        snapshot.data = data
    return len(changed)


def delete_user(session: Session, identity: str, reassign_to: str | None = None) -> dict[str, int]:
    """Delete the user. Team work goes to `reassign_to` (a member of the same team) or, when None, to an
    anonymous placeholder in the team. Returns how many rows of each kind were removed or moved."""
    user = _user(session, identity)
    heir = _heir(session, user, reassign_to)
    own_scope = f"user:{user.id}"  # accounts kept on their own; a team's accounts stay with the team
    personal = select(Account.id).where(Account.scope == own_scope).scalar_subquery()
    # what their debriefs taught stays with the team's accounts, no longer tied to them or their deleted visits
    session.execute(delete(AccountFact).where(AccountFact.account_id.in_(personal)))
    session.execute(update(AccountFact).where(AccountFact.learned_by_id == user.id)
                    .values(learned_by_id=heir.id if heir is not None else None))
    if heir is None:
        session.execute(update(AccountFact).where(AccountFact.visit_id.in_(
            select(Visit.id).where(Visit.owner_id == user.id))).values(visit_id=None))
    counts = {
        "follow_ups_deleted": _count(session.execute(delete(FollowUp).where(
            FollowUp.owner_id == user.id, or_(FollowUp.account_id.in_(personal), heir is None)))),
        "visits_deleted": _count(session.execute(delete(Visit).where(
            Visit.owner_id == user.id, or_(Visit.account_id.in_(personal), heir is None)))),
        "deals_deleted": _count(session.execute(delete(Deal).where(
            Deal.owner_id == user.id, or_(Deal.account_id.in_(personal), heir is None)))),
    }
    counts["accounts_deleted"] = _count(session.execute(delete(Account).where(Account.scope == own_scope)))
    if heir is not None:
        for model, kind in ((FollowUp, "follow_ups"), (Visit, "visits"), (Deal, "deals")):
            moved = session.execute(update(model).where(model.owner_id == user.id).values(owner_id=heir.id)
                                    .execution_options(synchronize_session=False))
            counts[f"{kind}_moved"] = _count(moved)
    for account in session.scalars(select(Account).where(Account.created_by_id == user.id)):  # team accounts
        account.created_by_id = (heir if heir is not None and heir.team_id == account.team_id
                                 else _placeholder(session, account.team_id)).id
    reference = session.scalar(select(ConversationRef).where(ConversationRef.identity == identity))
    if reference is not None:
        conversation = (reference.reference.get("conversation") or {}).get("id")
        if conversation:
            session.execute(delete(SentCard).where(SentCard.conversation_id == conversation))
            session.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id.startswith(conversation + "|",
                                                                                           autoescape=True)))
        session.delete(reference)
    session.execute(delete(OutboxMessage).where(_theirs(identity)))
    unhandled = _delivered_by(session, identity)
    for item in unhandled:
        session.delete(item)
    counts["unhandled_messages_deleted"] = len(unhandled)
    counts["conversations_deleted"] = _count(session.execute(delete(DialogState).where(DialogState.user_id == user.id)))
    counts["digests_anonymised"] = _anonymise_digests(session, user, PLACEHOLDER_NAME)
    session.delete(user)
    session.flush()
    return counts


def _heir(session: Session, user: User, reassign_to: str | None) -> User | None:
    """Who takes over the user's team work: the named colleague, a placeholder, or nobody (no team)."""
    if user.team_id is None:
        if reassign_to:
            raise TeamError(f"{user.identity} is in no team: there is no team work to reassign")
        return None
    if reassign_to:
        heir = _user(session, reassign_to)
        if heir.team_id != user.team_id or heir.id == user.id:
            raise TeamError(f"{reassign_to} is not another member of the same team; "
                            "pick a colleague, or leave it out to keep the work anonymously")
        return heir
    return _placeholder(session, user.team_id)


def _placeholder(session: Session, team_id: int | None) -> User:
    """An anonymous stand-in that keeps a team's work after its author is deleted."""
    placeholder = User(identity=f"deleted:{uuid.uuid4().hex[:12]}", display_name=PLACEHOLDER_NAME, language="en",
                       team_id=team_id, role="rep")
    session.add(placeholder)
    session.flush()
    return placeholder


def _count(result) -> int:
    return max(result.rowcount or 0, 0)
