"""The CRM sync's storage: owners linked to users by e-mail, the claim and its lease, and where the cursor stands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from coach.clock import SetClock
from crm.ports import ClaimState, OwnerLink, SyncTakenOver
from crm.sync import Cursor, owner_reason
from storage.crm_writes import link_owners
from storage.models import User

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def linked(rt: Runtime) -> dict[str, str | None]:
    with rt.sessions() as s:
        return {u.identity: u.crm_owner_id for u in s.scalars(select(User).order_by(User.id))}


def link(rt: Runtime, owners: list[tuple[str, str | None]]):
    with rt.sessions.begin() as s:
        return link_owners(s, "hubspot", owners)


def test_owners_are_linked_by_e_mail_to_one_user_only(runtime: Runtime) -> None:
    with runtime.sessions.begin() as s:
        s.add_all([User(identity="console:anna", email="anna@acme.test"),
                   User(identity="slack:U0ANNA", email="Anna@Acme.test"),  # the same person on two platforms
                   User(identity="console:bram", email=" bram@acme.test "), User(identity="console:carla")])

    found = link(runtime, [("o1", "anna@acme.test"), ("o2", "BRAM@acme.test"), ("o3", None), ("o4", "bram@acme.test")])

    assert found.links == {"o1": OwnerLink(None, "skipped", ("console:anna", "slack:U0ANNA")),
                           "o2": OwnerLink(3, "created"), "o3": OwnerLink(None, "skipped"),
                           "o4": OwnerLink(None, "skipped", ("console:bram",))}
    assert owner_reason("anna@acme.test", found.links["o1"]) == (
        "2 chat users have the e-mail anna@acme.test (console:anna, slack:U0ANNA): link it to one of them only")
    assert owner_reason("bram@acme.test", found.links["o4"]) == (
        "its e-mail bram@acme.test is another CRM owner's too, and console:bram is linked to that one")
    assert owner_reason(None, found.links["o3"]) == "has no e-mail in the CRM to match a chat user by"
    assert linked(runtime) == {"console:anna": None, "slack:U0ANNA": None, "console:bram": "o2", "console:carla": None}


def test_a_link_moves_with_the_e_mail_and_goes_with_the_owner(runtime: Runtime) -> None:
    with runtime.sessions.begin() as s:
        s.add_all([User(identity="console:anna", email="anna@acme.test"), User(identity="console:bram")])
    assert link(runtime, [("o1", "anna@acme.test")]).links["o1"].outcome == "created"
    assert link(runtime, [("o1", "anna@acme.test")]).links["o1"].outcome == "unchanged"
    with runtime.sessions.begin() as s:  # the address now belongs to Bram
        s.scalar(select(User).where(User.identity == "console:anna")).email = "anna.old@acme.test"
        s.scalar(select(User).where(User.identity == "console:bram")).email = "anna@acme.test"

    moved = link(runtime, [("o1", "anna@acme.test")])

    assert (moved.links["o1"].outcome, moved.unlinked) == ("updated", 1)
    assert linked(runtime) == {"console:anna": None, "console:bram": "o1"}
    assert link(runtime, []).unlinked == 1  # the owner left the CRM
    assert linked(runtime) == {"console:anna": None, "console:bram": None}


def test_the_claim_is_held_under_a_lease_until_released_for_the_next_run(runtime: Runtime, clock: SetClock) -> None:
    store = runtime.crm_store("hubspot")
    now = clock()
    assert store.claim_state() is None
    assert store.claim("a", now, now + timedelta(minutes=2), due_only=True)
    assert not store.claim("b", now, now + timedelta(minutes=2), due_only=False)
    with pytest.raises(SyncTakenOver), store.chunk("b", now + timedelta(minutes=2)):
        pass
    with store.chunk("a", now + timedelta(minutes=3)) as chunk:  # renewed
        chunk.commit()
    assert store.claim_state().lease_until == now + timedelta(minutes=3)

    store.release("a", now + timedelta(minutes=5))

    assert store.claim_state() == ClaimState(False, now + timedelta(minutes=5), None)
    assert not store.claim("b", now + timedelta(minutes=4), now + timedelta(minutes=6), due_only=True)
    assert store.claim("b", now + timedelta(minutes=4), now + timedelta(minutes=6), due_only=False)  # by hand: now
    assert not store.claim("c", now + timedelta(minutes=5), now + timedelta(minutes=7), due_only=False)
    assert store.claim("c", now + timedelta(minutes=7), now + timedelta(minutes=9), due_only=True)  # b's lease ran out
    store.release("b", now)  # too late: changes nothing
    assert store.claim_state().running
    assert runtime.crm_store("salesforce").claim("d", now, now + timedelta(minutes=2), due_only=True)  # another CRM


def test_the_cursor_moves_with_each_chunk_only_while_records_come_in_order() -> None:
    ordered = Cursor(T0)
    for minutes in (1, 2, 2, 5):
        ordered.seen(T0 + timedelta(minutes=minutes))
    assert ordered.committed() == ordered.complete() == T0 + timedelta(minutes=5)

    shuffled = Cursor(T0)
    for minutes in (3, 1, 4):
        shuffled.seen(T0 + timedelta(minutes=minutes))
    assert shuffled.committed() == T0  # an earlier record may still come
    assert shuffled.complete() == T0 + timedelta(minutes=4)

    waiting = Cursor(None)
    for minutes in (1, 2, 3):
        waiting.seen(T0 + timedelta(minutes=minutes))
    waiting.hold(T0 + timedelta(minutes=2))  # its company comes with the next sync: read it again then
    assert waiting.committed() == waiting.complete() == T0 + timedelta(minutes=2)
    assert Cursor(None).complete() is None


def test_the_migration_keeps_existing_users_accounts_and_deals(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import insert

    from storage.db import _alembic_config, make_engine
    from storage.models import Account, Deal

    engine = make_engine(database_url)
    config = _alembic_config(engine)
    command.downgrade(config, "0011")
    with engine.begin() as conn:  # only the columns 0011 knows are written
        user_id = conn.execute(insert(User).values(identity="console:a", email="a@acme.test", created_at=T0)
                               .returning(User.id)).scalar_one()
        account_id = conn.execute(insert(Account).values(scope=f"user:{user_id}", name="Acme", name_key="acme",
                                                         created_by_id=user_id, created_at=T0)
                                  .returning(Account.id)).scalar_one()
        conn.execute(insert(Deal).values(account_id=account_id, owner_id=user_id, amount=1, currency="EUR",
                                         probability=10, stage="prospect", created_at=T0, updated_at=T0))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = conn.execute(select(User.email, User.crm_owner_id, Account.crm_id, Deal.crm_removed_at)
                            .join(Account, Account.created_by_id == User.id)
                            .join(Deal, Deal.account_id == Account.id)).all()
    engine.dispose()
    assert rows == [("a@acme.test", None, None, None)]
