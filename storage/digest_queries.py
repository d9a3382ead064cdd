"""The weekly digest's numbers for one team, as a handful of aggregate queries, and its snapshots.

Only deals owned by the team's members count. Each query groups in the database (per owner, and per
decision month and stage for the forecast) and returns at most a few rows per owner; the deals listed
under an attention point are the first few by a window function, the rest are only counted. Accounts
overdue a visit are read as one row per classed account the members own, and the contact norm's rule
(`coach.contact_norm`) picks them.
Rules and their edges are described in `coach.digest_policy`.

SQLite keeps Numeric as REAL, so amounts are summed as whole cents (times the chance in percent) to
stay exact on both databases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import CTE, BigInteger, Row, Select, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from coach.account_memory import norms
from coach.contact_norm import VisitDue, overdue_visits
from coach.digest_json import restored, stored
from coach.digest_policy import (
    MAX_LISTED,
    QUOTE_RULE_CHANCE,
    STALLED_AFTER,
    WEEK,
    DealRef,
    DigestNumbers,
    FollowUpRef,
    ForecastCell,
    Listed,
    RepNumbers,
    Snapshot,
    Tally,
    year_before,
)
from coach.outgoing import Outgoing
from coach.pipeline import CLOSED_STAGES
from coach.records import DigestTeam, Manager
from storage.contact_norm_queries import norm_accounts
from storage.models import LIVE_DEAL, Account, Deal, DigestSnapshot, FollowUp, Team, User, Visit, clock_of, upsert
from storage.outbox import enqueue
from storage.types import UTCDateTime

K = TypeVar("K")
T = TypeVar("T")


def _cents(amount: ColumnElement) -> ColumnElement:
    return cast(func.round(amount * 100), BigInteger)


def _sum_if(condition: ColumnElement, value: ColumnElement | int = 1) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _money(units: int | Decimal, scale: int = 2) -> Decimal:
    """An exact amount from whole cents (scale 2) or from cents × percent (scale 4)."""
    return Decimal(units).scaleb(-scale)


def _month(dialect: str, day: ColumnElement) -> ColumnElement:
    """A date's month as "YYYY-MM" text (NULL for NULL)."""
    return func.strftime("%Y-%m", day) if dialect == "sqlite" else func.to_char(day, "YYYY-MM")


def _latest(dialect: str, *times: ColumnElement) -> ColumnElement:
    """The latest of some times that are never NULL: GREATEST on PostgreSQL, many-argument max() on SQLite."""
    latest = func.max if dialect == "sqlite" else func.greatest
    return latest(*times, type_=UTCDateTime())


class _Query:
    """The digest's queries for one team at one moment."""

    def __init__(self, session: Session, team: Team, now: datetime, listed: int | None) -> None:
        self.session, self.team, self.now, self.listed = session, team, now, listed
        self.today = now.astimezone(ZoneInfo(team.timezone)).date()
        self.dialect = session.get_bind().dialect.name

    def team_deals(self, *columns: Any) -> Select:
        """Deals of the team's members on the team's own accounts: a member who moved in from another team
        brings no deals of that team's customers along. Deals removed in the CRM are not among them."""
        return (select(*columns).join(User, User.id == Deal.owner_id).join(Account, Account.id == Deal.account_id)
                .where(User.team_id == self.team.id, Account.team_id == self.team.id, LIVE_DEAL))

    def first(self, ranked) -> Select:
        """The rows of a ranked subquery up to the listing cap, by rank."""
        query = select(ranked).order_by(ranked.c.rn)
        return query if self.listed is None else query.where(ranked.c.rn <= self.listed)

    def members(self) -> list[tuple[int, str, str]]:
        name = func.coalesce(User.display_name, User.identity)
        rows = self.session.execute(select(User.id, name, User.role).where(User.team_id == self.team.id)
                                    .order_by(name, User.id))
        return [(user_id, user_name, role) for user_id, user_name, role in rows]

    def forecast(self) -> dict[int, list[ForecastCell]]:
        month = _month(self.dialect, Deal.decision_date).label("month")
        query = (self.team_deals(Deal.owner_id, month, Deal.stage, func.sum(_cents(Deal.amount) * Deal.probability),
                                 func.count(), func.sum(_cents(func.coalesce(Deal.units, 0)) * Deal.probability))
                 .where(Deal.stage.not_in(CLOSED_STAGES), Deal.probability > 0, Deal.currency == self.team.currency)
                 .group_by(Deal.owner_id, month, Deal.stage))
        cells: dict[int, list[ForecastCell]] = {}
        for owner, when, stage, weighted, deals, units in self.session.execute(query):
            cells.setdefault(owner, []).append(ForecastCell(when, stage, _money(weighted, 4), deals, _money(units, 4)))
        return cells

    def tallies(self) -> dict[int, dict[str, Any]]:
        """Per owner: this week's won, lost and new deals and quotes sent and won, the same quotes over a year, open
        deals and those in other currencies."""
        own = Deal.currency == self.team.currency
        closed = and_(Deal.closed_on > self.today - WEEK, Deal.closed_on <= self.today)
        won, lost = and_(Deal.stage == "won", closed), and_(Deal.stage == "lost", closed)
        new = and_(Deal.created_at > self.now - WEEK, Deal.created_at <= self.now)
        quoted = and_(Deal.quote_sent_on > year_before(self.today), Deal.quote_sent_on <= self.today)
        in_forecast = and_(Deal.stage.not_in(CLOSED_STAGES), Deal.probability > 0)
        tallied = {"won": and_(won, own), "lost": and_(lost, own), "new": and_(new, own)}
        quoted_this_week = and_(Deal.quote_sent_on > self.today - WEEK, Deal.quote_sent_on <= self.today)
        counted = {"quotes_sent": quoted_this_week, "quotes_won": and_(won, Deal.quote_sent_on.is_not(None)),
                   "year_quotes_sent": quoted, "year_quotes_won": and_(quoted, Deal.stage == "won"),
                   "other_currency": and_(~own, or_(in_forecast, won, lost, new)),
                   "open_deals": Deal.stage.not_in(CLOSED_STAGES)}
        query = self.team_deals(
            Deal.owner_id, *(_sum_if(c).label(f"{k}_count") for k, c in tallied.items()),
            *(_sum_if(c, _cents(Deal.amount)).label(f"{k}_cents") for k, c in tallied.items()),
            *(_sum_if(c).label(k) for k, c in counted.items()),
        ).group_by(Deal.owner_id)
        return {row.owner_id: {**{k: Tally(row[f"{k}_count"], _money(row[f"{k}_cents"])) for k in tallied},
                               **{k: row[k] for k in counted}}
                for row in self.session.execute(query).mappings()}

    def overdue(self) -> dict[int, Listed[FollowUpRef]]:
        """Per owner in the team: open follow-ups due before now, the oldest first."""
        ranked = (
            select(FollowUp.owner_id, FollowUp.id, Account.name, FollowUp.action, FollowUp.due_at,
                   func.row_number().over(partition_by=FollowUp.owner_id,
                                          order_by=(FollowUp.due_at, FollowUp.id)).label("rn"),
                   func.count().over(partition_by=FollowUp.owner_id).label("n"))
            .join(User, User.id == FollowUp.owner_id).join(Account, Account.id == FollowUp.account_id)
            .where(User.team_id == self.team.id, Account.team_id == self.team.id, FollowUp.status == "open",
                   FollowUp.due_at < self.now)
        ).subquery()
        rows = self.session.execute(self.first(ranked))
        return _listed(rows, lambda r: r.owner_id, lambda r: FollowUpRef(r.id, r.name, r.action, r.due_at))

    def overdue_visits(self) -> dict[int, Listed[VisitDue]]:
        """Per member: the team's accounts they own that are overdue a visit by the team's contact norm, the most
        overdue first."""
        members = select(User.id).where(User.team_id == self.team.id)
        accounts = norm_accounts(self.session, (Account.team_id == self.team.id) & Account.created_by_id.in_(members),
                                 self.today, ZoneInfo(self.team.timezone))
        found: dict[int, list[VisitDue]] = {}
        for due in overdue_visits(norms(self.team.contact_norms), accounts, self.today):
            found.setdefault(due.owner_id, []).append(due)
        return {owner: Listed(len(due), tuple(due[:self.listed] if self.listed is not None else due))
                for owner, due in found.items()}

    def open_deal_facts(self) -> CTE:
        """The team's open deals with what the attention rules read, the last activity included."""
        open_ids = select(self.team_deals(Deal.id).where(Deal.stage.not_in(CLOSED_STAGES)).cte("open_ids"))
        followups = (select(FollowUp.deal_id, func.max(FollowUp.created_at).label("created"),
                            func.max(FollowUp.done_at).label("done"),
                            _sum_if(FollowUp.status == "open").label("open"))
                     .where(FollowUp.deal_id.in_(open_ids)).group_by(FollowUp.deal_id).subquery())
        visits = (select(Visit.deal_id, func.max(Visit.created_at).label("created"),
                         func.max(Visit.debriefed_at).label("debriefed"))
                  .where(Visit.deal_id.in_(open_ids)).group_by(Visit.deal_id).subquery())
        times = (followups.c.created, followups.c.done, visits.c.created, visits.c.debriefed)
        last = _latest(self.dialect, Deal.updated_at, *(func.coalesce(t, Deal.updated_at) for t in times))
        return (self.team_deals(Deal.id, Deal.owner_id, Deal.title, Account.name.label("account"), Deal.amount,
                                Deal.probability, Deal.decision_date, Deal.dmu_known, Deal.next_step,
                                last.label("last_activity"), func.coalesce(followups.c.open, 0).label("open_followups"))
                .outerjoin(followups, followups.c.deal_id == Deal.id).outerjoin(visits, visits.c.deal_id == Deal.id)
                .where(Deal.stage.not_in(CLOSED_STAGES))).cte("facts")

    def attention(self) -> dict[int, dict[str, Listed[DealRef]]]:
        """Per owner and rule: how many open deals break it, and the largest few."""
        facts = self.open_deal_facts()
        conditions = {
            "no_next_step": and_(or_(facts.c.next_step.is_(None), func.trim(facts.c.next_step) == ""),
                                 facts.c.open_followups == 0),
            "quote_rule": and_(facts.c.probability >= QUOTE_RULE_CHANCE,
                               or_(facts.c.dmu_known.is_not(True), facts.c.decision_date.is_(None))),
            "stalled": facts.c.last_activity <= self.now - STALLED_AFTER,
        }
        broken = union_all(*(select(literal(rule).label("rule"), facts).where(condition)
                             for rule, condition in conditions.items())).subquery()
        window = {"partition_by": (broken.c.owner_id, broken.c.rule)}
        ranked = select(broken, func.row_number().over(**window, order_by=(broken.c.amount.desc(), broken.c.id))
                        .label("rn"), func.count().over(**window).label("n")).subquery()
        rows = self.session.execute(self.first(ranked))
        listed = _listed(rows, lambda r: (r.owner_id, r.rule), lambda r: DealRef(
            r.id, r.title, r.account, r.amount, r.probability, r.decision_date, r.dmu_known, r.last_activity))
        found: dict[int, dict[str, Listed[DealRef]]] = {}
        for (owner, rule), deals in listed.items():
            found.setdefault(owner, {})[rule] = deals
        return found


def _listed(rows: Iterable[Row], key: Callable[[Row], K], ref: Callable[[Row], T]) -> dict[K, Listed[T]]:
    """Rows ranked by a window, each with its group's size `n`, as a Listed per group."""
    found: dict[K, tuple[int, list[T]]] = {}
    for row in rows:
        found.setdefault(key(row), (row.n, []))[1].append(ref(row))
    return {k: Listed(n, tuple(refs)) for k, (n, refs) in found.items()}


def digest_numbers(session: Session, team_id: int, now: datetime, listed: int | None = MAX_LISTED) -> DigestNumbers:
    """One team's digest numbers for the week up to `now` (aware), per member; `listed` deals or follow-ups
    are named per attention point and member (None: all of them)."""
    team = session.get(Team, team_id)
    if team is None:
        raise LookupError(f"no team with id {team_id}")
    q = _Query(session, team, now, listed)
    forecast, tallies, overdue, attention = q.forecast(), q.tallies(), q.overdue(), q.attention()
    visits = q.overdue_visits()
    reps = tuple(RepNumbers(user_id, name, tuple(forecast.get(user_id, ())), **tallies.get(user_id, {}),
                            overdue=overdue.get(user_id, Listed()), **attention.get(user_id, {}),
                            overdue_visits=visits.get(user_id, Listed()), role=role)
                 for user_id, name, role in q.members())
    return DigestNumbers(team.name, team.timezone, now, q.today, reps, team.currency)


def save_snapshot(session: Session, team_id: int, numbers: DigestNumbers, keep_first: bool = False) -> None:
    """Store a sent digest under its week; the same team's week again overwrites it, unless `keep_first`."""
    values = {"team_id": team_id, "week_start": numbers.week_start, "created_at": clock_of(session)(),
              "data": stored(numbers)}
    insert = upsert(session, DigestSnapshot).values(**values)
    session.execute(insert.on_conflict_do_nothing(index_elements=["team_id", "week_start"]) if keep_first else
                    insert.on_conflict_do_update(index_elements=["team_id", "week_start"],
                                                 set_={"data": insert.excluded.data,
                                                       "created_at": insert.excluded.created_at}))


def last_snapshot(session: Session, team_id: int, before: date) -> Snapshot | None:
    """The latest snapshot of a week that started before `before`."""
    row = session.execute(
        select(DigestSnapshot.week_start, DigestSnapshot.data)
        .where(DigestSnapshot.team_id == team_id, DigestSnapshot.week_start < before)
        .order_by(DigestSnapshot.week_start.desc()).limit(1)).first()
    return Snapshot.from_json(row.week_start, row.data) if row else None


def stored_digest(session: Session, team_id: int, week: date) -> DigestNumbers | None:
    """The numbers of the digest sent in the week starting `week`, if one was."""
    data = session.scalar(select(DigestSnapshot.data).where(DigestSnapshot.team_id == team_id,
                                                            DigestSnapshot.week_start == week))
    return restored(data) if data else None


def stored_weeks(session: Session, team_id: int, most: int = 8) -> list[date]:
    """The latest weeks with a stored digest, newest first."""
    return list(session.scalars(select(DigestSnapshot.week_start).where(DigestSnapshot.team_id == team_id)
                                .order_by(DigestSnapshot.week_start.desc()).limit(most)))


def digest_teams(sessions: sessionmaker[Session], name: str | None = None) -> list[DigestTeam]:
    """Every team (or the one named) with its managers, in the order they were created."""
    with sessions() as session:
        query = select(Team).order_by(Team.id)
        teams = list(session.scalars(query if name is None else query.where(Team.name == name)))
        managers: dict[int, list[Manager]] = {}
        rows = session.execute(select(User.team_id, User.identity, User.language, User.away_until)
                               .where(User.team_id.in_([t.id for t in teams]), User.role == "manager")
                               .order_by(User.id))
        for team_id, identity, language, away in rows:
            managers.setdefault(team_id, []).append(Manager(identity, language, away))
        return [DigestTeam(t.id, t.name, t.timezone, t.working_hours, t.country, t.digest_at,
                           tuple(managers.get(t.id, ()))) for t in teams]


def digest_and_previous(session: Session, team_id: int, now: datetime,
                        listed: int | None = MAX_LISTED) -> tuple[DigestNumbers, Snapshot | None]:
    """A team's digest up to `now` and the stored digest of an earlier week to compare it with."""
    numbers = digest_numbers(session, team_id, now, listed)
    return numbers, last_snapshot(session, team_id, numbers.week_start)


def current_digest(sessions: sessionmaker[Session], team_id: int, now: datetime,
                   listed: int | None = MAX_LISTED) -> tuple[DigestNumbers, Snapshot | None]:
    with sessions() as session:
        return digest_and_previous(session, team_id, now, listed)


def enqueue_digest(sessions: sessionmaker[Session], team_id: int, numbers: DigestNumbers, messages: list[Outgoing],
                   now: datetime, on_demand: bool = False) -> list[str]:
    """Put a team's digest for its managers in the outbox and, if that added any, keep it as the week's snapshot,
    in one transaction; returns the keys added. The scheduled digest keeps the week's first snapshot; one
    sent on demand replaces it, and any of the managers' messages not sent yet."""
    with sessions.begin() as session:
        added = enqueue(session, messages, now, replace_unsent=on_demand)
        if added:
            save_snapshot(session, team_id, numbers, keep_first=not on_demand)
        return added
