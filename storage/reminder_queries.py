"""Reminder queries: due follow-ups become outbox messages; overdue ones feed the daily nudge and team overview.

Producing reminders is one transaction: one UPDATE stamps `reminded_at` on the due follow-ups of users on the
given platforms (on PostgreSQL picked FOR UPDATE SKIP LOCKED, so racing instances take disjoint sets without
waiting; SQLite runs it under its one write lock), and the outbox gets one message per rep. A rep outside
their working hours, on a holiday or away gets nothing now: their follow-ups are unstamped and deferred to
the first moment they may be reminded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from coach.delivery_window import delivery_moment
from coach.records import Produced, Recipient, TeamChannel
from coach.reminder_policy import ReminderItem, reminder_message
from storage.models import Account, FollowUp, Team, User
from storage.outbox import enqueue
from storage.store import user_info


@dataclass(frozen=True)
class DueReminder:
    id: int
    identity: str
    account_name: str
    action: str
    due_at: datetime
    kind: str = "action"  # action | prep | debrief


def _due(now: datetime, prefixes: tuple[str, ...]):
    return (select(FollowUp.id).join(User, User.id == FollowUp.owner_id)
            .where(FollowUp.status == "open", FollowUp.reminded_at.is_(None), FollowUp.due_at <= now,
                   or_(FollowUp.deferred_until.is_(None), FollowUp.deferred_until <= now),
                   or_(*[User.identity.startswith(p, autoescape=True) for p in prefixes])))


def produce_reminders(sessions: sessionmaker[Session], now: datetime, prefixes: tuple[str, ...],
                      default_timezone: str, limit: int = 500) -> Produced:
    """Up to `limit` due reminders of users on the given platforms ("slack:", "teams:") into the outbox."""
    if not prefixes:
        return Produced()
    with sessions.begin() as session:
        pick = _due(now, prefixes).order_by(FollowUp.due_at, FollowUp.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True, of=FollowUp)
        ids = session.scalars(update(FollowUp).where(FollowUp.id.in_(pick.scalar_subquery()))
                              .values(reminded_at=now, deferred_until=None)
                              .returning(FollowUp.id).execution_options(synchronize_session=False)).all()
        if not ids:
            return Produced()
        rows = session.execute(
            select(FollowUp.id, User.identity, Account.name, FollowUp.action, FollowUp.due_at, FollowUp.kind)
            .join(User, User.id == FollowUp.owner_id).join(Account, Account.id == FollowUp.account_id)
            .where(FollowUp.id.in_(ids)).order_by(User.identity, FollowUp.due_at, FollowUp.id)).all()
        who = _recipients(session, sorted({row.identity for row in rows}), default_timezone)
        messages, deferred = [], 0
        for identity, group in groupby(rows, key=lambda row: row.identity):
            items = [ReminderItem(row.id, row.name, row.action, row.due_at, row.kind) for row in group]
            r = who[identity]
            allowed = delivery_moment(now, r.working_hours, r.timezone, r.country, r.away_until)
            if allowed > now:
                session.execute(update(FollowUp).where(FollowUp.id.in_([i.id for i in items]))
                                .values(reminded_at=None, deferred_until=allowed)
                                .execution_options(synchronize_session=False))
                deferred += len(items)
            else:
                messages.append(reminder_message(identity, items, r.language, r.timezone, now))
        produced = enqueue(session, messages, now)
    return Produced(len(produced), deferred, len(ids))


def recipients(sessions: sessionmaker[Session], identities: list[str], default_timezone: str) -> dict[str, Recipient]:
    with sessions() as session:
        return _recipients(session, identities, default_timezone)


def _recipients(session: Session, identities: list[str], default_timezone: str,
                default_hours: str = "mon-fri 08:00-18:00") -> dict[str, Recipient]:
    users = session.scalars(select(User).options(joinedload(User.team)).where(User.identity.in_(identities)))
    return {u.identity: Recipient(u.language, user_info(u, default_timezone).timezone,
                                  u.team.working_hours if u.team else default_hours,
                                  u.team.country if u.team else None, u.away_until) for u in users}


def overdue_by_rep(sessions: sessionmaker[Session], before: datetime, prefixes: tuple[str, ...],
                   per_rep: int = 10) -> dict[str, tuple[int, list[DueReminder]]]:
    """identity → (how many open follow-ups are overdue, the oldest `per_rep` of them), for the daily nudge."""
    if not prefixes:
        return {}
    overdue = (select(FollowUp.id, User.identity, Account.name.label("account"), FollowUp.action, FollowUp.due_at,
                      func.row_number().over(partition_by=FollowUp.owner_id,
                                             order_by=(FollowUp.due_at, FollowUp.id)).label("rank"),
                      func.count().over(partition_by=FollowUp.owner_id).label("total"))
               .join(User, User.id == FollowUp.owner_id).join(Account, Account.id == FollowUp.account_id)
               .where(FollowUp.status == "open", FollowUp.due_at < before,
                      or_(*[User.identity.startswith(p, autoescape=True) for p in prefixes])).subquery())
    with sessions() as session:
        rows = session.execute(select(overdue).where(overdue.c.rank <= per_rep)
                               .order_by(overdue.c.identity, overdue.c.rank)).all()
    found: dict[str, tuple[int, list[DueReminder]]] = {}
    for row in rows:
        found.setdefault(row.identity, (row.total, []))[1].append(
            DueReminder(row.id, row.identity, row.account, row.action, row.due_at))
    return found


def team_channels(sessions: sessionmaker[Session]) -> list[TeamChannel]:
    with sessions() as session:
        return [TeamChannel(t.id, t.name, t.channel, t.timezone, t.working_hours, t.country)
                for t in session.scalars(select(Team).where(Team.channel.is_not(None)).order_by(Team.id))]


def team_overdue(sessions: sessionmaker[Session], team_id: int, before: datetime) -> list[tuple[str, int, datetime]]:
    """Per rep of the team with overdue follow-ups: (name, how many, the oldest due time), most first."""
    with sessions() as session:
        rows = session.execute(
            select(func.coalesce(User.display_name, User.identity), func.count(FollowUp.id), func.min(FollowUp.due_at))
            .join(FollowUp, FollowUp.owner_id == User.id)
            .where(User.team_id == team_id, FollowUp.status == "open", FollowUp.due_at < before)
            .group_by(User.id, User.display_name, User.identity)
            .order_by(func.count(FollowUp.id).desc(), func.coalesce(User.display_name, User.identity))).all()
    return [(name, n, oldest) for name, n, oldest in rows]
