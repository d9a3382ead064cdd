"""Who sees what: a rep reaches only their own deals and follow-ups, a manager their own team's; ids
typed, button payloads forged and commands all end in a clear refusal and change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from coach.dialog import Inbound
from coach.records import DealChanges
from storage.models import Deal, FollowUp
from storage.sales_teams import add_member, create_team
from storage.store import SqlStore
from tests.coach.chat_helper import Chat, Clock

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(runtime: Runtime) -> dict[str, int]:
    """North: manager Maria, reps Alice and Bob. South: rep Carol. Each rep has a deal and a follow-up."""
    with runtime.sessions() as s:
        create_team(s, "North")
        create_team(s, "South")
        add_member(s, "North", "console:maria", "manager")
        add_member(s, "North", "console:alice")
        add_member(s, "North", "console:bob")
        add_member(s, "South", "console:carol")
        s.commit()
        store = SqlStore(s)
        ids: dict[str, int] = {}
        for rep in ("alice", "bob", "carol"):
            user = store.ensure_user(f"console:{rep}", rep.title(), None, None)
            account = store.get_or_create_account(user, f"{rep.title()} Account")
            deal = store.save_deal(user, DealChanges(
                account_id=account.id, title=f"{rep} deal", amount=Decimal("1000"), units=None, probability=40,
                stage="prospect", decision_date=date(2027, 1, 31), dmu_known=True, next_step=None), date(2026, 11, 1))
            ids[f"{rep}_deal"] = deal.id
            due = NOW + timedelta(days=1)
            ids[f"{rep}_followup"] = store.add_followup(user, account.id, f"Call {rep}'s buyer", due,
                                                        deal_id=deal.id).id
        store.commit()
    return ids


def chat_as(runtime: Runtime, user: str) -> Chat:
    return Chat(runtime.coach(clock=Clock(NOW)), user=user)


def followup(runtime: Runtime, followup_id: int) -> FollowUp:
    with runtime.sessions() as s:
        return s.get(FollowUp, followup_id)


@pytest.mark.parametrize("intruder", ["bob", "carol", "maria"])  # same team, other team, the manager
@pytest.mark.parametrize("attempt", ["done {id}", "snooze {id} tomorrow", "reschedule {id} next friday"])
def test_nobody_changes_another_reps_follow_up_by_typed_id(runtime: Runtime, world: dict, intruder: str,
                                                           attempt: str) -> None:
    target = world["alice_followup"]
    before = followup(runtime, target)
    reply = chat_as(runtime, intruder).send(attempt.format(id=target))
    assert f"You have no open follow-up #{target}" in reply
    after = followup(runtime, target)
    assert (after.status, after.due_at) == (before.status, before.due_at)


@pytest.mark.parametrize("payload", ["cmd:done {id}", "cmd:snooze {id} 1w", "cmd:reschedule {id} 15-01"])
def test_forged_button_payloads_are_refused(runtime: Runtime, world: dict, payload: str) -> None:
    target = world["alice_followup"]
    carol = chat_as(runtime, "carol")
    carol.send("help")
    reply = carol.coach.handle(carol.who, Inbound(action=payload.format(id=target), scope="cmd")).plain()
    assert f"You have no open follow-up #{target}" in reply
    assert followup(runtime, target).status == "open"


def test_a_forged_deal_choice_in_a_debrief_is_refused(runtime: Runtime, world: dict) -> None:
    bob = chat_as(runtime, "bob")
    assert "which deal" in bob.send("debrief Alice Account")  # a team account: visible, Alice's deal is not
    scope = next(b.scope for b in bob.last.blocks if getattr(b, "scope", "").startswith("debrief"))
    reply = bob.coach.handle(bob.who, Inbound(action=f"deal:{world['alice_deal']}", scope=scope)).plain()
    assert "Please pick one of the deals" in reply
    assert "alice deal" not in bob.send("help")


def test_another_teams_account_is_not_reached_by_name(runtime: Runtime, world: dict) -> None:
    carol = chat_as(runtime, "carol")
    reply = carol.send("debrief Alice Account")
    assert "alice deal" not in reply  # Carol gets an account of her own team of that name, nothing of North's
    with runtime.sessions() as s:
        alice_deal = s.get(Deal, world["alice_deal"])
        assert alice_deal.owner.identity == "console:alice"


def test_reps_see_only_their_own_pipeline_and_follow_ups(runtime: Runtime, world: dict) -> None:
    bob = chat_as(runtime, "bob")
    assert "bob deal" in bob.send("pipeline") and "alice deal" not in bob.last.plain()
    assert "Call bob's buyer" in bob.send("followups") and "alice" not in bob.last.plain()
    assert "Only a team's manager" in bob.send("pipeline team")


def test_a_manager_sees_their_own_team_and_no_other(runtime: Runtime, world: dict) -> None:
    reply = chat_as(runtime, "maria").send("pipeline team")
    assert "Team pipeline" in reply and "Alice" in reply and "Bob" in reply and "Carol" not in reply
    assert "1 open deal, weighted €400.00" in reply
    assert "Only a team's manager" in chat_as(runtime, "carol").send("pipeline team")


def test_only_a_manager_gets_the_digest_in_chat_and_only_of_their_own_team(runtime: Runtime, world: dict) -> None:
    maria = chat_as(runtime, "maria")
    reply = maria.send("digest")
    assert "Weekly pipeline digest: North" in reply and "€800.00" in reply  # Alice's and Bob's 40% of 1000
    assert "Alice" in reply and "Bob" in reply and "Carol" not in reply
    assert "Wekelijks pijplijnoverzicht: North" in (maria.send("lang nl"), maria.send("weekoverzicht"))[1]
    for rep in ("bob", "carol"):
        assert "Only a team's manager gets the team's weekly digest" in chat_as(runtime, rep).send("digest")


def test_the_store_itself_enforces_ownership(runtime: Runtime, world: dict) -> None:
    with runtime.sessions() as s:
        store = SqlStore(s)
        carol = store.ensure_user("console:carol", None, None, None)
        assert store.deal(carol, world["alice_deal"]) is None
        assert store.followup(carol, world["alice_followup"]) is None
        assert store.complete_followup(carol, world["alice_followup"], NOW) is False
        assert store.reschedule_followup(carol, world["alice_followup"], NOW) is False
        assert store.team_open_deals(carol) is None
        assert store.team_digest(carol, NOW) is None
        maria = store.ensure_user("console:maria", None, None, None)
        assert {d.id for _owner, d in store.team_open_deals(maria)} == {world["alice_deal"], world["bob_deal"]}
        numbers, _previous = store.team_digest(maria, NOW)
        assert numbers.team == "North" and {rep.name for rep in numbers.reps} == {"console:maria", "Alice", "Bob"}
        assert s.scalar(select(FollowUp.status).where(FollowUp.id == world["alice_followup"])) == "open"
