"""Claiming due follow-up reminders so that each is delivered exactly once, whoever sweeps.

A claim is one UPDATE that stamps due, unclaimed rows with this sweep's token: on PostgreSQL the
rows are picked with FOR UPDATE SKIP LOCKED, so racing sweepers take disjoint sets without waiting;
on SQLite the statement runs under the database's single write lock. A claim expires after
CLAIM_FOR, so a sweeper that dies mid-batch only delays its reminders. Delivered rows get
`reminded_at`; failed ones are released with a growing `retry_at`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from storage.models import Account, FollowUp, Team, User
from storage.store import user_info

CLAIM_FOR = timedelta(minutes=5)
MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class DueReminder:
    id: int
    identity: str
    account_name: str
    action: str
    due_at: datetime
    attempts: int
    kind: str = "action"  # action | prep | debrief


def _due(now: datetime, prefixes: tuple[str, ...]):
    return (select(FollowUp.id).join(User, User.id == FollowUp.owner_id)
            .where(FollowUp.status == "open", FollowUp.reminded_at.is_(None), FollowUp.due_at <= now,
                   or_(FollowUp.claimed_until.is_(None), FollowUp.claimed_until < now),
                   or_(FollowUp.retry_at.is_(None), FollowUp.retry_at <= now),
                   or_(*[User.identity.startswith(p, autoescape=True) for p in prefixes])))


def claim_due(sessions: sessionmaker[Session], now: datetime, prefixes: tuple[str, ...],
              limit: int = 500) -> tuple[str, list[DueReminder]]:
    """Claim up to `limit` due reminders of users on the given platforms ("slack:", "teams:")."""
    token = str(uuid.uuid4())
    if not prefixes:
        return token, []
    with sessions.begin() as session:
        pick = _due(now, prefixes).order_by(FollowUp.due_at, FollowUp.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True, of=FollowUp)
        ids = session.scalars(update(FollowUp).where(FollowUp.id.in_(pick.scalar_subquery()))
                              .values(claimed_until=now + CLAIM_FOR, claim_token=token)
                              .returning(FollowUp.id).execution_options(synchronize_session=False)).all()
        rows = session.execute(
            select(FollowUp.id, User.identity, Account.name, FollowUp.action, FollowUp.due_at, FollowUp.attempts,
                   FollowUp.kind)
            .join(User, User.id == FollowUp.owner_id).join(Account, Account.id == FollowUp.account_id)
            .where(FollowUp.id.in_(ids)).order_by(User.identity, FollowUp.due_at, FollowUp.id)).all() if ids else []
    return token, [DueReminder(*row) for row in rows]


def mark_sent(sessions: sessionmaker[Session], token: str, ids: list[int], now: datetime) -> None:
    with sessions.begin() as session:
        session.execute(update(FollowUp).where(FollowUp.id.in_(ids), FollowUp.claim_token == token)
                        .values(reminded_at=now, claimed_until=None, claim_token=None, retry_at=None)
                        .execution_options(synchronize_session=False))


def mark_failed(sessions: sessionmaker[Session], token: str, ids: list[int], now: datetime) -> None:
    """Release for a later sweep: 1, 2, 4 … minutes later, at most an hour; never given up."""
    with sessions.begin() as session:
        for row in session.scalars(select(FollowUp).where(FollowUp.id.in_(ids), FollowUp.claim_token == token)):
            delay = min(MAX_RETRY_DELAY, timedelta(minutes=2 ** min(row.attempts, 10)))
            row.attempts += 1
            row.retry_at, row.claimed_until, row.claim_token = now + delay, None, None


def release(sessions: sessionmaker[Session], token: str, ids: list[int]) -> None:
    """Give back whatever of `ids` this sweep still holds (shutdown), for the next sweep to take at once."""
    with sessions.begin() as session:
        session.execute(update(FollowUp).where(FollowUp.id.in_(ids), FollowUp.claim_token == token)
                        .values(claimed_until=None, claim_token=None).execution_options(synchronize_session=False))



@dataclass(frozen=True)
class Recipient:
    """What decides when and how a rep's reminder is delivered."""

    language: str
    timezone: str
    working_hours: str
    country: str | None
    away_until: date | None


def recipients(sessions: sessionmaker[Session], identities: list[str], default_timezone: str,
               default_hours: str = "mon-fri 08:00-18:00") -> dict[str, Recipient]:
    with sessions() as session:
        users = session.scalars(select(User).options(joinedload(User.team)).where(User.identity.in_(identities)))
        return {u.identity: Recipient(u.language, user_info(u, default_timezone).timezone,
                                      u.team.working_hours if u.team else default_hours,
                                      u.team.country if u.team else None, u.away_until) for u in users}


def defer(sessions: sessionmaker[Session], token: str, ids: list[int], until: datetime) -> None:
    """Not now (outside working hours, a holiday, the rep away): release until `until`, no attempt counted."""
    with sessions.begin() as session:
        session.execute(update(FollowUp).where(FollowUp.id.in_(ids), FollowUp.claim_token == token)
                        .values(retry_at=until, claimed_until=None, claim_token=None)
                        .execution_options(synchronize_session=False))


def overdue_by_rep(sessions: sessionmaker[Session], before: datetime, prefixes: tuple[str, ...],
                   per_rep: int = 10) -> dict[str, tuple[int, list[DueReminder]]]:
    """identity → (how many open follow-ups are overdue, the oldest `per_rep` of them), for the daily nudge."""
    if not prefixes:
        return {}
    overdue = (select(FollowUp.id, User.identity, Account.name.label("account"), FollowUp.action, FollowUp.due_at,
                      FollowUp.attempts,
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
            DueReminder(row.id, row.identity, row.account, row.action, row.due_at, row.attempts))
    return found


@dataclass(frozen=True)
class TeamChannel:
    team_id: int
    name: str
    channel: str
    timezone: str
    working_hours: str
    country: str | None


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
