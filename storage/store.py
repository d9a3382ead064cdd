"""SQLAlchemy implementation of `coach.ports.CoachStore`, one instance per unit of work (a turn)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from coach.account_memory import norms
from coach.contact_norm import AccountVisits
from coach.digest_policy import DigestNumbers, Snapshot
from coach.records import (
    AccountInfo,
    AccountMemory,
    DealChanges,
    DealInfo,
    FollowUpInfo,
    UserInfo,
    VisitInfo,
    WriteBack,
)
from storage.contact_norm_queries import norm_accounts
from storage.conversations import Conversations
from storage.crm_outbox import CrmWrites
from storage.digest_queries import digest_and_previous
from storage.models import (
    LIVE_DEAL,
    Account,
    AccountFact,
    Deal,
    DialogState,
    FollowUp,
    Team,
    User,
    Visit,
    clock_of,
    upsert,
)

DEFAULT_TIMEZONE = "Europe/Amsterdam"
OPEN_STAGES = ("suspect", "prospect", "hot prospect", "quote")


def known_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def account_key(name: str) -> str:
    """Case- and space-folded account name, so 'ACME  bv' and 'Acme BV' are one account."""
    return " ".join(name.casefold().split())


def account_scope(user: User | UserInfo) -> str:
    return f"team:{user.team_id}" if user.team_id else f"user:{user.id}"


def user_info(user: User, default_timezone: str = DEFAULT_TIMEZONE) -> UserInfo:
    team = user.team
    return UserInfo(
        id=user.id, identity=user.identity, display_name=user.display_name, language=user.language,
        timezone=user.timezone or (team.timezone if team else default_timezone),
        team_id=user.team_id, role=user.role, currency=team.currency if team else "EUR",
    )


def deal_info(d: Deal) -> DealInfo:
    return DealInfo(
        id=d.id, account_id=d.account_id, account_name=d.account.name, owner_id=d.owner_id,
        title=d.title, amount=d.amount, currency=d.currency, units=d.units, probability=d.probability,
        stage=d.stage, decision_date=d.decision_date, dmu_known=d.dmu_known, quote_ref=d.quote_ref,
        next_step=d.next_step,
    )


def visit_info(v: Visit) -> VisitInfo:
    return VisitInfo(
        id=v.id, account_id=v.account_id, account_name=v.account.name, deal_id=v.deal_id,
        visit_type=v.visit_type, status=v.status, goal=v.goal, planned_on=v.planned_on,
        created_at=v.created_at, call_plan=dict(v.call_plan or {}), preparation=dict(v.preparation or {}),
        debrief=dict(v.debrief) if v.debrief else None,
    )


def followup_info(f: FollowUp) -> FollowUpInfo:
    return FollowUpInfo(
        id=f.id, account_id=f.account_id, account_name=f.account.name, deal_id=f.deal_id,
        action=f.action, due_at=f.due_at, status=f.status, kind=f.kind, visit_id=f.visit_id,
    )


class SqlStore:
    def __init__(self, session: Session, default_language: str = "en",
                 default_timezone: str = DEFAULT_TIMEZONE, admins: frozenset[str] = frozenset(),
                 crm: str | None = None) -> None:
        """`crm`: the configured CRM, whose linked deals and tasks the changes made here are written back to."""
        self.session = session
        self.crm_writes = CrmWrites(session, crm)
        self.conversations = Conversations(session)
        self.default_language = default_language
        self.default_timezone = default_timezone
        self.admins = admins

    # administration ----------------------------------------------------------------------
    def is_admin(self, user: UserInfo) -> bool:
        return user.identity in self.admins

    def export_user(self, identity: str) -> dict[str, Any]:
        from storage.user_data import export_user

        return export_user(self.session, identity)

    def delete_user(self, identity: str, reassign_to: str | None) -> dict[str, int]:
        from storage.user_data import delete_user

        return delete_user(self.session, identity, reassign_to)

    # users -------------------------------------------------------------------------------
    def ensure_user(self, identity: str, display_name: str | None, language: str | None,
                    timezone: str | None, email: str | None = None) -> UserInfo:
        email = email.strip()[:254] if email and "@" in email else None
        user = self.session.scalar(select(User).where(User.identity == identity))
        if user is None:
            user = User(identity=identity, display_name=display_name,
                        language=language or self.default_language,
                        timezone=timezone if timezone and known_timezone(timezone) else None, email=email)
            try:
                with self.session.begin_nested():
                    self.session.add(user)
            except IntegrityError:  # created by a concurrent first message
                user = self.session.scalars(select(User).where(User.identity == identity)).one()
        else:
            if display_name and not user.display_name:
                user.display_name = display_name
            if email and not user.email:  # one set by `user link` stays
                user.email = email
            if timezone and timezone != user.timezone and known_timezone(timezone):  # the platform says it moved
                user.timezone = timezone
        return user_info(user, self.default_timezone)

    def user(self, identity: str) -> UserInfo | None:
        """An existing user, or None (never creates one)."""
        user = self.session.scalar(select(User).where(User.identity == identity))
        return user_info(user, self.default_timezone) if user else None

    def set_language(self, user: UserInfo, language: str) -> None:
        self.session.execute(update(User).where(User.id == user.id).values(language=language)
                             .execution_options(synchronize_session=False))

    def set_away(self, user: UserInfo, until: date | None) -> None:
        self.session.execute(update(User).where(User.id == user.id).values(away_until=until)
                             .execution_options(synchronize_session=False))

    # dialog state --------------------------------------------------------------------------
    def load_dialog(self, key: str) -> tuple[dict[str, Any] | None, int]:
        row = self.session.execute(
            select(DialogState.state, DialogState.version).where(DialogState.conversation_key == key)
        ).first()
        return (None, 0) if row is None else (dict(row.state), row.version)

    def save_dialog(self, key: str, user: UserInfo, state: dict[str, Any], expected_version: int) -> bool:
        if expected_version == 0:
            try:
                with self.session.begin_nested():
                    self.session.add(DialogState(conversation_key=key, user_id=user.id, state=state,
                                                 version=1))
            except IntegrityError:
                return False
            return True
        result = self.session.execute(
            update(DialogState)
            .where(DialogState.conversation_key == key, DialogState.version == expected_version)
            .values(state=state, version=expected_version + 1)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    # accounts ------------------------------------------------------------------------------
    def _visible(self, user: UserInfo) -> ColumnElement[bool]:
        """The accounts the user can see: their own team's, and their personal ones."""
        return Account.scope.in_([f"user:{user.id}"] + ([f"team:{user.team_id}"] if user.team_id else []))

    def _visible_accounts(self, user: UserInfo):
        return select(Account).where(self._visible(user))

    def find_accounts(self, user: UserInfo, query: str, limit: int = 5) -> list[AccountInfo]:
        key = account_key(query)
        if not key:
            return []
        exact = self.session.scalars(self._visible_accounts(user).where(Account.name_key == key)).first()
        if exact:
            return [AccountInfo(exact.id, exact.name)]
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.session.scalars(
            self._visible_accounts(user)
            .where(Account.name_key.like(f"%{like}%", escape="\\"))
            .order_by(Account.name_key).limit(limit)
        )
        return [AccountInfo(a.id, a.name) for a in rows]

    def account(self, user: UserInfo, account_id: int) -> AccountInfo | None:
        a = self.session.scalars(self._visible_accounts(user).where(Account.id == account_id)).first()
        return AccountInfo(a.id, a.name) if a else None

    def get_or_create_account(self, user: UserInfo, name: str) -> AccountInfo:
        name = " ".join(name.split())[:200]
        key = account_key(name)
        found = self.session.scalars(self._visible_accounts(user).where(Account.name_key == key)).first()
        if found:
            return AccountInfo(found.id, found.name)
        # a colleague may be adding the same account at this moment: the loser of that race takes theirs
        scope = account_scope(user)
        added = self.session.scalar(
            upsert(self.session, Account)
            .values(scope=scope, name=name, name_key=key, team_id=user.team_id, created_by_id=user.id)
            .on_conflict_do_nothing(index_elements=["scope", "name_key"])
            .returning(Account.id))
        if added is not None:
            return AccountInfo(added, name)
        found = self.session.scalars(select(Account).where(Account.scope == scope, Account.name_key == key)).one()
        return AccountInfo(found.id, found.name)

    def account_memory(self, user: UserInfo, account_id: int) -> AccountMemory | None:
        a = self.session.scalars(self._visible_accounts(user).where(Account.id == account_id)).first()
        if a is None:
            return None
        facts = self.session.execute(select(AccountFact.key, AccountFact.value)
                                     .where(AccountFact.account_id == a.id).order_by(AccountFact.key))
        return AccountMemory(a.id, a.name, a.status, a.abc_class, {k: v for k, v in facts if v is not None})

    def learn(self, user: UserInfo, account_id: int, facts: dict[str, Any], visit_id: int | None, at: datetime,
              status: str | None = None, abc_class: str | None = None) -> None:
        account = self.session.scalars(self._visible_accounts(user).where(Account.id == account_id)).first()
        if account is None:
            raise PermissionError("account not visible to this user")
        for key, value in facts.items():
            stmt = upsert(self.session, AccountFact).values(
                account_id=account_id, key=key, value=value, visit_id=visit_id, learned_by_id=user.id, learned_at=at)
            self.session.execute(stmt.on_conflict_do_update(
                index_elements=["account_id", "key"],
                set_={"value": stmt.excluded.value, "visit_id": visit_id, "learned_by_id": user.id,
                      "learned_at": at}))
        if status is not None:
            account.status = status
        if abc_class is not None and abc_class != account.abc_class:
            account.abc_class, account.class_since = abc_class, at
        self.session.flush()

    def contact_norm_accounts(self, user: UserInfo, today: date) -> tuple[dict[str, int], list[AccountVisits]]:
        team = self.session.get(Team, user.team_id) if user.team_id else None
        own = (Account.created_by_id == user.id) & self._visible(user)
        return norms(team.contact_norms if team else None), norm_accounts(self.session, own, today,
                                                                          ZoneInfo(user.timezone))

    # deals -------------------------------------------------------------------------------
    def _own_deals(self, user: UserInfo):
        return select(Deal).where(Deal.owner_id == user.id, LIVE_DEAL)

    def open_deals(self, user: UserInfo, account_id: int | None = None) -> list[DealInfo]:
        q = self._own_deals(user).where(Deal.stage.in_(OPEN_STAGES))
        if account_id is not None:
            q = q.where(Deal.account_id == account_id)
        q = q.order_by(Deal.decision_date.is_(None), Deal.decision_date, Deal.id)
        return [deal_info(d) for d in self.session.scalars(q)]

    def team_open_deals(self, user: UserInfo) -> list[tuple[str, DealInfo]] | None:
        """A manager's view: open deals of every member of their own team, with the owner's name.
        None for anyone who is not a manager of a team."""
        if user.role != "manager" or user.team_id is None:
            return None
        q = (select(Deal, User).join(User, User.id == Deal.owner_id)
             .where(User.team_id == user.team_id, Deal.stage.in_(OPEN_STAGES), LIVE_DEAL)
             .order_by(User.display_name, User.identity, Deal.decision_date.is_(None), Deal.decision_date, Deal.id))
        return [(owner.display_name or owner.identity, deal_info(deal)) for deal, owner in self.session.execute(q)]

    def team_digest(self, user: UserInfo, now: datetime) -> tuple[DigestNumbers, Snapshot | None] | None:
        if user.role != "manager" or user.team_id is None:
            return None
        return digest_and_previous(self.session, user.team_id, now)

    def deal(self, user: UserInfo, deal_id: int) -> DealInfo | None:
        d = self.session.scalars(self._own_deals(user).where(Deal.id == deal_id)).first()
        return deal_info(d) if d else None

    def save_deal(self, user: UserInfo, changes: DealChanges, today: date) -> DealInfo:
        if self.account(user, changes.account_id) is None:
            raise PermissionError("account not visible to this user")
        if changes.deal_id is not None:
            deal = self.session.scalars(self._own_deals(user).where(Deal.id == changes.deal_id)).first()
            if deal is None:
                raise PermissionError("deal not owned by this user")
        else:
            deal = Deal(account_id=changes.account_id, owner_id=user.id, currency=user.currency)
            self.session.add(deal)
        was_stage = deal.stage
        deal.title = changes.title
        deal.amount = changes.amount
        deal.units = changes.units
        deal.probability = changes.probability
        deal.stage = changes.stage
        deal.decision_date = changes.decision_date
        deal.dmu_known = changes.dmu_known
        deal.next_step = changes.next_step
        if changes.stage == "quote" and deal.quote_sent_on is None:
            deal.quote_sent_on = today
        if changes.stage in ("won", "lost") and was_stage not in ("won", "lost"):
            deal.closed_on = today
        self.session.flush()
        self.session.refresh(deal)
        self.crm_writes.deal_saved(deal, clock_of(self.session)())
        return deal_info(deal)

    # visits ------------------------------------------------------------------------------
    def recent_visits(self, user: UserInfo, account_id: int, limit: int = 3) -> list[VisitInfo]:
        rows = self.session.scalars(
            select(Visit).where(Visit.owner_id == user.id, Visit.account_id == account_id)
            .order_by(Visit.created_at.desc(), Visit.id.desc()).limit(limit)
        )
        return [visit_info(v) for v in rows]

    def plan_visit(self, user: UserInfo, account_id: int, day: date) -> VisitInfo:
        if self.account(user, account_id) is None:
            raise PermissionError("account not visible to this user")
        visit = Visit(account_id=account_id, owner_id=user.id, visit_type="unknown", status="planned",
                      planned_on=day)
        self.session.add(visit)
        self.session.flush()
        return visit_info(visit)

    def planned_visit(self, user: UserInfo, account_id: int, from_day: date) -> VisitInfo | None:
        """The next visit planned (not yet prepared) for this account, from `from_day` on."""
        visit = self.session.scalars(
            select(Visit).where(Visit.owner_id == user.id, Visit.account_id == account_id,
                                Visit.status == "planned", Visit.planned_on >= from_day)
            .order_by(Visit.planned_on, Visit.id)).first()
        return visit_info(visit) if visit else None

    def prepare_planned_visit(self, user: UserInfo, visit_id: int, visit_type: str, goal: str | None,
                              preparation: dict[str, Any], call_plan: dict[str, Any], deal_id: int | None,
                              at: datetime) -> VisitInfo:
        """Fill a planned visit with its preparation; its preparation reminder is done."""
        visit = self.session.scalars(select(Visit).where(Visit.id == visit_id, Visit.owner_id == user.id)).one()
        visit.visit_type, visit.goal, visit.status = visit_type, goal, "prepared"
        visit.preparation, visit.call_plan, visit.deal_id = preparation, call_plan, deal_id or visit.deal_id
        self.session.execute(update(FollowUp).where(FollowUp.visit_id == visit_id, FollowUp.owner_id == user.id,
                                                    FollowUp.kind == "prep", FollowUp.status == "open")
                             .values(status="done", done_at=at).execution_options(synchronize_session=False))
        self.session.flush()
        return visit_info(visit)

    def planning(self, user: UserInfo) -> tuple[str, int]:
        """The user's team's working hours and how many working days before a visit to offer its preparation."""
        team = self.session.get(Team, user.team_id) if user.team_id else None
        return (team.working_hours, team.prep_days) if team else ("mon-fri 08:00-18:00", 1)

    def create_visit(self, user: UserInfo, account_id: int, visit_type: str, goal: str | None,
                     preparation: dict[str, Any], call_plan: dict[str, Any],
                     deal_id: int | None) -> VisitInfo:
        if self.account(user, account_id) is None:
            raise PermissionError("account not visible to this user")
        visit = Visit(account_id=account_id, owner_id=user.id, visit_type=visit_type, goal=goal,
                      preparation=preparation, call_plan=call_plan, deal_id=deal_id)
        self.session.add(visit)
        self.session.flush()
        return visit_info(visit)

    def record_debrief(self, user: UserInfo, visit_id: int, debrief: dict[str, Any], at: datetime) -> None:
        self.session.execute(
            update(Visit).where(Visit.id == visit_id, Visit.owner_id == user.id)
            .values(debrief=debrief, status="debriefed", debriefed_at=at).execution_options(synchronize_session=False)
        )
        self.crm_writes.debriefed(debrief, user.language, at)

    # follow-ups --------------------------------------------------------------------------
    def _own_followups(self, user: UserInfo):
        return select(FollowUp).where(FollowUp.owner_id == user.id)

    def open_followups(self, user: UserInfo, account_id: int | None = None) -> list[FollowUpInfo]:
        q = self._own_followups(user).where(FollowUp.status == "open")
        if account_id is not None:
            q = q.where(FollowUp.account_id == account_id)
        return [followup_info(f) for f in self.session.scalars(q.order_by(FollowUp.due_at, FollowUp.id))]

    def followup(self, user: UserInfo, followup_id: int) -> FollowUpInfo | None:
        f = self.session.scalars(self._own_followups(user).where(FollowUp.id == followup_id)).first()
        return followup_info(f) if f else None

    def add_followup(self, user: UserInfo, account_id: int, action: str, due_at: datetime,
                     deal_id: int | None = None, visit_id: int | None = None, kind: str = "action") -> FollowUpInfo:
        if self.account(user, account_id) is None:
            raise PermissionError("account not visible to this user")
        f = FollowUp(owner_id=user.id, account_id=account_id, action=action, due_at=due_at,
                     deal_id=deal_id, visit_id=visit_id, kind=kind)
        self.session.add(f)
        self.session.flush()
        self.crm_writes.followup_added(f, clock_of(self.session)())
        return followup_info(f)

    def complete_followup(self, user: UserInfo, followup_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(FollowUp).where(FollowUp.id == followup_id, FollowUp.owner_id == user.id,
                                   FollowUp.status == "open")
            .values(status="done", done_at=at).execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            self.crm_writes.followups_done([followup_id], at)
        return result.rowcount == 1

    def reschedule_followup(self, user: UserInfo, followup_id: int, due_at: datetime) -> bool:
        result = self.session.execute(
            update(FollowUp).where(FollowUp.id == followup_id, FollowUp.owner_id == user.id,
                                   FollowUp.status == "open")
            .values(due_at=due_at, reminded_at=None, deferred_until=None)  # a new due time: a new reminder
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            self.crm_writes.followup_moved(followup_id, due_at, clock_of(self.session)())
        return result.rowcount == 1

    def write_back(self) -> WriteBack | None:
        return self.crm_writes.write_back()

    def complete_visit_followups(self, user: UserInfo, visit_id: int, at: datetime) -> int:
        result = self.session.execute(
            update(FollowUp).where(FollowUp.visit_id == visit_id, FollowUp.owner_id == user.id,
                                   FollowUp.status == "open")
            .values(status="done", done_at=at).returning(FollowUp.id).execution_options(synchronize_session=False)
        )
        done = list(result.scalars())
        self.crm_writes.followups_done(done, at)
        return len(done)

    def commit(self) -> None:
        self.session.commit()


def store_factory(sessions: sessionmaker[Session], default_language: str = "en",
                  default_timezone: str = DEFAULT_TIMEZONE, admins: frozenset[str] = frozenset(),
                  crm: str | None = None):
    """A `coach.ports.StoreFactory`: each call opens one transaction; leaving without commit rolls back."""

    @contextmanager
    def open_store() -> Iterator[SqlStore]:
        with sessions() as session:
            try:
                yield SqlStore(session, default_language, default_timezone, admins, crm)
            finally:
                session.rollback()

    return open_store


