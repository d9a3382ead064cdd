"""Issue 13, item 3: `followups` lists the rep's own accounts overdue a visit by their class's contact norm, in
English and Dutch, after the follow-ups."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.runtime import Runtime
from coach.clock import SetClock
from coach.i18n import translator
from coach.replies import Bullets, Heading
from storage.models import Team, Visit
from storage.sales_teams import add_member, create_team, update_team
from storage.store import SqlStore
from tests.coach.chat_helper import Chat
from tests.coach.test_account_memory import prepare
from tests.coach.test_digest import assert_fits
from tests.conftest import TEST_NOW

TODAY = TEST_NOW.date()


def day(value: date, language: str = "en") -> str:
    return translator(language).date(value, "d MMM yyyy")


def seed_accounts(runtime: Runtime, owner: str, accounts: dict[str, tuple[str, str, int | None]]) -> None:
    """North's accounts of `owner`, by name: (class, status, days since the last visit, or None: never visited,
    the class given 100 days ago)."""
    with runtime.sessions.begin() as s:
        if s.scalar(select(Team.id).where(Team.name == "North")) is None:
            create_team(s, "North")
        add_member(s, "North", owner)
        store = SqlStore(s)
        user = store.user(owner)
        for name, (cls, status, days) in accounts.items():
            account = store.get_or_create_account(user, name)
            store.learn(user, account.id, {}, None, TEST_NOW - timedelta(days=100), status=status, abc_class=cls)
            if days is not None:
                s.add(Visit(account_id=account.id, owner_id=user.id, visit_type="aftersales", status="debriefed",
                            planned_on=TODAY - timedelta(days=days)))


def test_followups_lists_the_reps_own_accounts_due_a_visit_most_overdue_first(runtime: Runtime, clock) -> None:
    seed_accounts(runtime, "console:alice", {
        "Acme": ("A", "customer", 70), "Globex": ("A", "prospect", None), "Fresh": ("A", "customer", 60),
        "Bakery": ("C", "customer", 300), "Brewery": ("B", "customer", 300), "Gone": ("A", "dead", 300),
        "Former": ("A", "ex-customer", 300), "Lead": ("A", "suspect", None)})
    seed_accounts(runtime, "console:bob", {"Initech": ("A", "customer", 200)})
    chat = Chat(runtime.coach(clock=clock), "alice")
    out = chat.send("followups")
    assert "You have no open follow-ups" in out
    assert "Accounts due a visit" in out
    assert "2 of your accounts are overdue a visit by their class's contact norm." in out
    [listed] = [b for b in chat.last.blocks if isinstance(b, Bullets)]
    assert listed.plain().splitlines() == [
        "• Globex — class A, 6 visits a year: not visited yet, 40 days overdue",
        f"• Acme — class A, 6 visits a year: last visit {day(TODAY - timedelta(days=70))}, 10 days overdue"]
    assert "Plan one with “plan Globex next tuesday”." in out
    assert "Initech" not in out  # Bob's
    assert "Accounts due a visit" not in Chat(runtime.coach(clock=clock), "carol").send("followups")


def test_the_section_follows_the_follow_ups_and_keeps_to_the_teams_norm(runtime: Runtime, clock: SetClock) -> None:
    seed_accounts(runtime, "console:alice", {"Acme": ("B", "customer", 40)})
    chat = Chat(runtime.coach(clock=clock), "alice")
    chat.send("plan Acme next friday")
    assert "Accounts due a visit" not in chat.send("followups")  # B has no norm yet
    with runtime.sessions.begin() as s:
        update_team(s, "North", norms={"B": 12})
    out = chat.send("followups")
    headings = [b.text for b in chat.last.blocks if isinstance(b, Heading)]
    assert headings == ["Your follow-ups", "Accounts due a visit"]
    assert "Acme — class B, 12 visits a year: last visit" in out and "10 days overdue; visit planned for Fri" in out
    assert "Plan one with" not in out  # its only account due a visit has one planned


def test_a_visit_prepared_and_debriefed_in_chat_restarts_the_count(runtime: Runtime, clock: SetClock) -> None:
    chat = Chat(runtime.coach(clock=clock), "alice")
    prepare(chat, objectives="A/B/C")
    chat.send("debrief Acme")
    chat.send("A new deal")
    chat.click("Still open")
    chat.submit({"outcome": "Good talk", "stage": "prospect", "amount": "5000", "probability": "30",
                 "decision_date": "2027-03-15", "dmu_known": "no"})
    chat.click("Skip")  # the goal
    assert "Saved: Acme" in chat.send("A")  # the class learned: an A-account, and a prospect now
    clock.advance(timedelta(days=60))
    assert "Accounts due a visit" not in chat.send("followups")
    clock.advance(timedelta(days=1))
    out = chat.send("followups")
    assert f"Acme — class A, 6 visits a year: last visit {day(TODAY)}, 1 day overdue" in out
    prepare(chat)  # the next visit, prepared today
    assert "Accounts due a visit" not in chat.send("followups")


def test_in_dutch(runtime: Runtime, clock) -> None:
    seed_accounts(runtime, "console:sanne", {"Bakkerij": ("A", "customer", 61), "Molen": ("A", "prospect", None)})
    chat = Chat(runtime.coach(clock=clock), "sanne")
    chat.send("lang nl")
    out = chat.send("opvolging")
    last_visit = day(TODAY - timedelta(days=61), "nl")
    assert "Klanten die aan een bezoek toe zijn" in out
    assert "2 van je klanten zijn volgens de contactnorm van hun klasse te lang niet bezocht." in out
    assert "Molen — klasse A, 6 bezoeken per jaar: nog niet bezocht, 40 dagen over tijd" in out
    assert f"Bakkerij — klasse A, 6 bezoeken per jaar: laatste bezoek {last_visit}, 1 dag over tijd" in out
    assert "Plan een bezoek met “plan Molen volgende week dinsdag”." in out
    chat.send("plan Molen volgende week dinsdag")
    out = chat.send("opvolging")
    assert "nog niet bezocht, 40 dagen over tijd; bezoek gepland op di 1 dec" in out  # overdue until it is made
    assert "plan Bakkerij volgende week dinsdag" in out  # the tip names an account with no visit planned


def test_a_long_listing_fits_one_slack_message_and_one_teams_card(runtime: Runtime, clock) -> None:
    long = "W" * 190
    seed_accounts(runtime, "console:alice", {f"{long} Nr{n:02d}": ("A", "customer", 100 + n) for n in range(14)})
    chat = Chat(runtime.coach(clock=clock), "alice")
    for n in range(12):
        chat.send(f"plan {long} Nr{n:02d} next friday")
    out = chat.send("followups")
    assert "…and 4 more." in out and out.count("visits a year") == 10  # ten named, the rest counted
    assert out.count("visit planned for") == 10  # all as overdue (a class given 100 days ago): the first by name
    assert out.endswith(f"“plan {long} Nr12 next tuesday”.")  # the first with no visit planned, if not shown
    assert_fits(chat.last)


def test_a_visit_debriefed_without_a_preparation_counts_too(runtime: Runtime, clock) -> None:
    seed_accounts(runtime, "console:alice", {"Acme": ("A", "customer", 70)})
    chat = Chat(runtime.coach(clock=clock), "alice")
    assert "Acme — class A" in chat.send("followups")
    chat.send("debrief Acme")
    chat.send("A new deal")
    chat.click("Still open")
    out = chat.submit({"outcome": "They liked the demo", "stage": "prospect", "amount": "5000", "probability": "30",
                       "decision_date": "2027-03-15", "dmu_known": "no"})
    assert "Saved: Acme" in out
    assert "Accounts due a visit" not in chat.send("followups")
    with runtime.sessions() as s:
        made = s.scalars(select(Visit).where(Visit.status == "debriefed", Visit.planned_on.is_(None))).one()
        assert (made.visit_type, made.debrief["outcome"], made.debriefed_at) == ("unknown", "They liked the demo",
                                                                                TEST_NOW)
    assert "Outcome: They liked the demo" in chat.send("prep Acme")  # what I know: the last visit's outcome
