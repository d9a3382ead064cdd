"""The store behind coach.ports, on SQLite and PostgreSQL: scoping, versions, teams, migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select

from bot.runtime import Runtime
from coach.records import DealChanges
from storage.db import MIGRATIONS_DIR, make_engine, pending_migrations, upgrade
from storage.models import Account, Base, User
from storage.sales_teams import TeamError, add_member, create_team
from storage.store import SqlStore, account_key

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def changes(account_id: int, **kw) -> DealChanges:
    base = dict(account_id=account_id, title="Scanners", amount=Decimal("1000.00"), units=None, probability=40,
                stage="prospect", decision_date=date(2027, 1, 31), dmu_known=False, next_step=None)
    return DealChanges(**{**base, **kw})


def test_a_rep_reaches_only_their_own_deals_and_follow_ups(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = SqlStore(s)
        alice = store.ensure_user("console:alice", "Alice", None, None)
        bob = store.ensure_user("console:bob", "Bob", None, None)
        acme = store.get_or_create_account(alice, "Acme")
        deal = store.save_deal(alice, changes(acme.id), date(2026, 11, 24))
        f = store.add_followup(alice, acme.id, "Call back", NOW, deal_id=deal.id)
        assert store.deal(bob, deal.id) is None
        assert store.open_deals(bob) == []
        assert store.followup(bob, f.id) is None
        assert store.complete_followup(bob, f.id, NOW) is False
        assert store.reschedule_followup(bob, f.id, NOW) is False
        assert store.account(bob, acme.id) is None  # personal accounts are private without a team
        with pytest.raises(PermissionError):
            store.save_deal(bob, changes(acme.id, deal_id=deal.id), date(2026, 11, 24))
        with pytest.raises(PermissionError):
            store.add_followup(bob, acme.id, "sneaky", NOW)
        assert store.complete_followup(alice, f.id, NOW) is True
        assert store.open_followups(alice) == []


def test_a_platforms_email_fills_a_users_missing_one_and_never_replaces_a_linked_one(runtime: Runtime) -> None:
    """The e-mail matches the user to their CRM owner (issue 14); `user link` sets one that a profile must not undo."""
    with runtime.sessions.begin() as s:
        store = SqlStore(s)
        store.ensure_user("slack:U1", "Anna", None, None, "anna@example.com")
        store.ensure_user("slack:U2", "Bram", None, None, "not an address")
        store.ensure_user("slack:U2", "Bram", None, None, "bram@example.com")  # a later look-up has one
        s.add(User(identity="slack:U3", email="linked@example.com"))
        s.flush()
        store.ensure_user("slack:U3", "Cor", None, None, "profile@example.com")
        emails = dict(s.execute(select(User.identity, User.email)).all())
    assert emails == {"slack:U1": "anna@example.com", "slack:U2": "bram@example.com", "slack:U3": "linked@example.com"}


def test_accounts_fold_case_and_spaces_and_find_by_part(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = SqlStore(s)
        alice = store.ensure_user("console:alice", None, None, None)
        first = store.get_or_create_account(alice, "Acme  Logistics BV")
        assert store.get_or_create_account(alice, "acme logistics bv").id == first.id
        assert [a.name for a in store.find_accounts(alice, "ACME logistics bv")] == ["Acme Logistics BV"]
        assert [a.name for a in store.find_accounts(alice, "logis")] == ["Acme Logistics BV"]
        assert store.find_accounts(alice, "100%_") == []  # LIKE wildcards are literal
        assert account_key(" A  b ") == "a b"


def test_dialog_state_saves_only_on_the_expected_version(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = SqlStore(s)
        alice = store.ensure_user("console:alice", None, None, None)
        assert store.load_dialog("k") == (None, 0)
        assert store.save_dialog("k", alice, {"n": 1}, 0)
        assert not store.save_dialog("k", alice, {"n": 2}, 0)  # a second first save loses
        assert store.save_dialog("k", alice, {"n": 2}, 1)
        assert not store.save_dialog("k", alice, {"n": 3}, 1)
        assert store.load_dialog("k") == ({"n": 2}, 2)


def test_team_members_share_accounts_and_personal_ones_move_in(runtime: Runtime) -> None:
    with runtime.sessions.begin() as s:
        store = SqlStore(s)
        alice = store.ensure_user("console:alice", None, None, None)
        store.get_or_create_account(alice, "Acme")
        create_team(s, "North", "Europe/Amsterdam", "mon-fri 08:00-18:00")
        add_member(s, "North", "console:alice", "rep")
        add_member(s, "North", "console:bob", "manager")
    with runtime.sessions() as s:
        store = SqlStore(s)
        bob = store.ensure_user("console:bob", None, None, None)
        assert [a.name for a in store.find_accounts(bob, "acme")] == ["Acme"]
        assert s.scalars(select(Account.scope)).all() == ["team:1"]


@pytest.mark.parametrize("call, message", [
    (lambda s: create_team(s, "X", "Mars/Olympus"), "unknown time zone"),
    (lambda s: create_team(s, "X", "Europe/Amsterdam", "weekdays 9-5"), "working hours"),
    (lambda s: create_team(s, "  "), "empty"),
    (lambda s: add_member(s, "Nope", "console:alice"), "no team named"),
    (lambda s: add_member(s, "Nope", "alice"), "platform-qualified"),
    (lambda s: add_member(s, "Nope", "console:alice", "boss"), "unknown role"),
])
def test_team_commands_refuse_bad_input(runtime: Runtime, call, message: str) -> None:
    with runtime.sessions() as s, pytest.raises(TeamError, match=message):
        call(s)


def test_duplicate_team_is_refused(runtime: Runtime) -> None:
    with runtime.sessions.begin() as s:
        create_team(s, "North")
    with runtime.sessions() as s, pytest.raises(TeamError, match="exists already"):
        create_team(s, "North")


def test_migrations_build_the_models_schema_and_go_down_again(database_url: str) -> None:
    engine = make_engine(database_url)
    assert not pending_migrations(engine)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    from alembic import command

    from storage.db import _alembic_config

    command.downgrade(_alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert not pending_migrations(engine)
    assert (MIGRATIONS_DIR / "versions").is_dir()
    engine.dispose()
