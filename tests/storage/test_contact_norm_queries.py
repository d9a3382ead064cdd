"""Issue 13, item 3, on SQLite and PostgreSQL: what the contact norm reads (owner, class, the day it was given, the
last visit) and the day a class was given, kept as it changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from coach.contact_norm import AccountVisits
from storage.accounts import set_account
from storage.contact_norm_queries import norm_accounts
from storage.db import _alembic_config, make_engine
from storage.models import Account, Team, User, Visit
from storage.sales_teams import add_member, create_team, update_team
from storage.store import SqlStore

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def team_with_reps(session: Session) -> SqlStore:
    create_team(session, "North")
    for handle in ("alice", "bob"):
        add_member(session, "North", f"console:{handle}")
    return SqlStore(session)


def classed(store: SqlStore, who: str, name: str, cls: str = "A", status: str = "customer") -> int:
    user = store.user(f"console:{who}")
    account = store.get_or_create_account(user, name)
    store.learn(user, account.id, {}, None, NOW - timedelta(days=400), status=status, abc_class=cls)
    return account.id


def visit(session: Session, account_id: int, owner: str, status: str = "debriefed", planned_on: date | None = None,
          created_at: datetime = NOW - timedelta(days=300), debriefed_at: datetime | None = None) -> None:
    owner_id = SqlStore(session).user(f"console:{owner}").id
    session.add(Visit(account_id=account_id, owner_id=owner_id, visit_type="first", status=status,
                      planned_on=planned_on, created_at=created_at, debriefed_at=debriefed_at))
    session.flush()


def by_name(found: list[AccountVisits]) -> dict[str, AccountVisits]:
    return {a.account: a for a in found}


def test_the_rep_gets_their_own_classed_accounts_with_the_last_visit_by_anyone(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = team_with_reps(s)
        acme, globex, bobs = classed(store, "alice", "Acme"), classed(store, "alice", "Globex", "B"), \
            classed(store, "bob", "Bobs")
        store.get_or_create_account(store.user("console:alice"), "No class")
        visit(s, acme, "alice", planned_on=date(2026, 9, 1))
        visit(s, acme, "bob", planned_on=date(2026, 10, 1), status="prepared")  # a colleague's visit counts
        visit(s, acme, "alice", planned_on=date(2026, 11, 20), status="planned")  # only planned: not made
        visit(s, acme, "alice", planned_on=TODAY + timedelta(days=1), status="prepared")  # tomorrow: not yet
        visit(s, globex, "alice", debriefed_at=datetime(2026, 8, 4, 23, 30, tzinfo=UTC))  # 5 Aug in Amsterdam
        visit(s, bobs, "bob", planned_on=date(2026, 11, 1))
        norms, found = store.contact_norm_accounts(store.user("console:alice"), TODAY)
        assert norms == {"A": 6, "C": 0}  # the book's, as the team set none
        accounts = by_name(found)
        assert set(accounts) == {"Acme", "Globex"}  # neither Bob's account nor one without a class
        assert accounts["Acme"] == AccountVisits(acme, "Acme", store.user("console:alice").id, "customer", "A",
                                                 date(2025, 10, 20), date(2026, 10, 1), TODAY + timedelta(days=1))
        assert accounts["Globex"].last_visit == date(2026, 8, 5) and accounts["Globex"].abc_class == "B"


def test_the_next_visit_is_the_first_planned_from_today_on_and_not_yet_debriefed(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = team_with_reps(s)
        acme, globex, initech = (classed(store, "alice", name) for name in ("Acme", "Globex", "Initech"))
        visit(s, acme, "bob", status="planned", planned_on=TODAY + timedelta(days=9))
        visit(s, acme, "alice", status="prepared", planned_on=TODAY + timedelta(days=3))
        visit(s, acme, "alice", status="planned", planned_on=TODAY - timedelta(days=1))  # passed, never made
        visit(s, globex, "alice", status="planned", planned_on=TODAY)
        visit(s, initech, "alice", status="debriefed", planned_on=TODAY + timedelta(days=2))  # debriefed early
        accounts = by_name(store.contact_norm_accounts(store.user("console:alice"), TODAY)[1])
        assert accounts["Acme"].next_visit == TODAY + timedelta(days=3) and accounts["Acme"].last_visit is None
        assert accounts["Globex"].next_visit == TODAY and accounts["Globex"].last_visit is None
        assert accounts["Initech"].next_visit is None and accounts["Initech"].last_visit is None


def test_a_visit_not_planned_is_made_the_day_it_was_debriefed_or_else_prepared(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = team_with_reps(s)
        debriefed, prepared = classed(store, "alice", "Debriefed"), classed(store, "alice", "Prepared")
        visit(s, debriefed, "alice", created_at=NOW - timedelta(days=30), debriefed_at=NOW - timedelta(days=20))
        visit(s, prepared, "alice", status="prepared", created_at=NOW - timedelta(days=30))
        accounts = by_name(store.contact_norm_accounts(store.user("console:alice"), TODAY)[1])
        assert accounts["Debriefed"].last_visit == TODAY - timedelta(days=20)
        assert accounts["Prepared"].last_visit == TODAY - timedelta(days=30)


def test_the_norms_are_the_teams_own_and_a_rep_without_a_team_keeps_the_books(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = team_with_reps(s)
        update_team(s, "North", norms={"B": 4})
        solo = store.ensure_user("console:solo", None, None, None)
        mine = store.get_or_create_account(solo, "Mine")
        store.learn(solo, mine.id, {}, None, NOW, abc_class="A")
        assert store.contact_norm_accounts(store.user("console:alice"), TODAY)[0] == {"A": 6, "B": 4, "C": 0}
        norms, found = store.contact_norm_accounts(solo, TODAY)
        assert norms == {"A": 6, "C": 0} and [a.account for a in found] == ["Mine"]
        assert store.contact_norm_accounts(store.user("console:bob"), TODAY)[1] == []  # not a colleague's own


def test_the_day_a_class_was_given_changes_only_with_the_class(runtime: Runtime, clock) -> None:
    with runtime.sessions() as s:
        store = team_with_reps(s)
        alice = store.user("console:alice")
        acme = store.get_or_create_account(alice, "Acme").id

        def since() -> datetime | None:
            s.expire_all()
            return s.scalar(select(Account.class_since).where(Account.id == acme))

        assert since() is None
        store.learn(alice, acme, {}, None, NOW, abc_class="B")
        assert since() == NOW
        store.learn(alice, acme, {}, None, NOW + timedelta(days=5), abc_class="B")  # the same class again
        assert since() == NOW
        clock.set(NOW + timedelta(days=9))
        set_account(s, "Acme", "console:alice", None, "a")
        assert since() == NOW + timedelta(days=9)
        set_account(s, "Acme", "console:alice", "customer", "A")
        assert since() == NOW + timedelta(days=9)
        set_account(s, "Acme", "console:alice", None, "")  # the class removed
        assert since() is None


def test_the_team_query_reads_the_team_in_its_own_time_zone(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = team_with_reps(s)
        acme = classed(store, "alice", "Acme")
        visit(s, acme, "alice", debriefed_at=datetime(2026, 8, 4, 23, 30, tzinfo=UTC))
        team = s.scalar(select(Team))
        which = Account.team_id == team.id
        assert norm_accounts(s, which, TODAY, AMSTERDAM)[0].last_visit == date(2026, 8, 5)
        assert norm_accounts(s, which, TODAY, ZoneInfo("America/New_York"))[0].last_visit == date(2026, 8, 4)


def test_the_migration_dates_the_classes_given_before_it_from_the_accounts_creation(database_url: str) -> None:
    from alembic import command

    engine = make_engine(database_url)
    config = _alembic_config(engine)
    command.downgrade(config, "0010")
    created = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as conn:  # the tables as they were: only the columns 0010 knows are written
        user_id = conn.execute(insert(User).values(identity="console:a", created_at=created)
                               .returning(User.id)).scalar_one()
        for name, cls in (("Classed", "A"), ("Plain", None)):
            conn.execute(insert(Account).values(scope=f"user:{user_id}", name=name, name_key=name.lower(),
                                                created_by_id=user_id, status="customer", abc_class=cls,
                                                created_at=created))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = dict(conn.execute(select(Account.name, Account.class_since)).all())
    engine.dispose()
    assert rows == {"Classed": created, "Plain": None}

