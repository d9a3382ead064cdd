"""Issue 13, items 1, 2 and 5: the debrief asks about the visit's goal and internal objectives and keeps what
was learned on the account; the next preparation starts from it; follow-ups are replaced and closed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from coach import account_memory
from coach.i18n import translator
from storage.models import Account, AccountFact, Deal, FollowUp, Visit
from tests.coach.chat_helper import Chat


@pytest.fixture
def chat(runtime: Runtime, clock) -> Chat:
    return Chat(runtime.coach(clock=clock))


def prepare(chat: Chat, account: str = "Acme", objectives: str = "lev, afl. contr., DMU, vk%") -> str:
    chat.send(f"prep {account}")
    chat.send("1")  # a first visit
    chat.send("skip the rest")
    chat.send(objectives)
    chat.send("use this")
    chat.send("At the end of the visit I know who decides and when their contract ends, and we have a "
              "follow-up appointment")
    chat.send("How many sites do you have?")
    out = chat.send("done")
    assert "Call plan" in out
    return chat.send("tomorrow")


def debrief_open(chat: Chat, account: str = "Acme", deal: str = "1", follow_up: str = "next tuesday") -> str:
    chat.send(f"debrief {account}")
    chat.send(deal)
    chat.click("Still open")
    return chat.submit({"outcome": "Eva wants a demo first", "title": "Scanners", "stage": "prospect",
                        "amount": "18000", "probability": "30", "decision_date": "2027-03-15",
                        "dmu_known": "yes", "next_step": "Demo at their site", "follow_up": follow_up})


def facts(runtime: Runtime) -> dict:
    with runtime.sessions() as s:
        return {f.key: f.value for f in s.scalars(select(AccountFact))}


def test_the_debrief_ticks_off_goal_and_objectives_and_keeps_what_was_learned(chat: Chat, runtime: Runtime) -> None:
    prepare(chat)
    out = debrief_open(chat)
    assert "Your goal for this visit was:" in out and "Did you reach it?" in out
    out = chat.click("Partly")
    assert "What did you find out?" in out and "lev — Current supplier" in out
    out = chat.send("Jungheinrich")
    assert "afl. contr." in out
    chat.send("31-03-2027")
    out = chat.send("Eva de Vries, Tom Bakker")
    assert "Saved: Acme" in out
    assert facts(runtime) == {"current_supplier": "Jungheinrich", "contract_end": "2027-03-31",
                              "decision_makers": ["Eva de Vries", "Tom Bakker"]}
    with runtime.sessions() as s:
        debrief = s.scalars(select(Visit)).one().debrief
        assert debrief["goal_result"] == "partly" and debrief["result"] == "open"
        assert debrief["objectives"] == {"supplier": True, "contract_end": True, "dmu": True, "chance": True}
        assert s.scalars(select(Account)).one().status == "prospect"  # contact made: no longer a suspect


def test_objectives_left_empty_are_ticked_not_reached_and_nothing_is_stored(chat: Chat, runtime: Runtime) -> None:
    prepare(chat, objectives="lev, A/B/C")
    debrief_open(chat)
    chat.click("Skip")  # the goal
    chat.send("skip")
    out = chat.send("B")
    assert "Saved: Acme" in out
    assert facts(runtime) == {}
    with runtime.sessions() as s:
        assert s.scalars(select(Visit)).one().debrief["objectives"] == {"supplier": False, "account_class": True}
        assert s.scalars(select(Visit)).one().debrief["goal_result"] is None
        assert s.scalars(select(Account)).one().abc_class == "B"


def test_the_next_preparation_starts_from_what_the_debrief_learned(chat: Chat, runtime: Runtime) -> None:
    prepare(chat)
    debrief_open(chat)
    chat.click("Reached")
    chat.send("Jungheinrich")
    chat.send("31-03-2027")
    chat.send("Eva de Vries")
    out = chat.send("prep Acme")
    assert "What I know about Acme" in out
    assert "Current supplier: Jungheinrich" in out and "31 Mar 2027" in out and "Who decides: Eva de Vries" in out
    assert "Status: prospect" in out
    assert "Goal: At the end of the visit" in out and "(reached)" in out
    assert "Outcome: Eva wants a demo first" in out and "Agreed: Demo at their site" in out
    assert "Scanners" in out and "Demo at their site" in out  # the open deal and its follow-up
    chat.send("1")
    out = chat.send("skip the rest")
    suggested = chat.form().fields[0].initial
    assert "supplier" not in suggested and "contract_end" not in suggested and "dmu" not in suggested
    assert "naw" in suggested
    chat.send("keep")
    chat.send("use this")
    out = chat.send("At the end of the visit I know their volumes and we have a follow-up appointment")
    assert "Is Jungheinrich still your supplier until March 2027?" in out
    assert "Are Eva de Vries still the ones who decide" in out
    assert "Which supplier" not in out and "Who else" not in out


def test_known_facts_become_confirmations_in_dutch(runtime: Runtime, clock) -> None:
    chat = Chat(runtime.coach(clock=clock), user="sanne", language="nl")
    prepare_nl = ["voorbereiding Bakkerij", "1", "rest overslaan", "lev", "gebruik deze",
                  "Aan het eind van het bezoek weet ik wie beslist en hebben we een vervolgafspraak",
                  "Hoeveel ovens heeft u?", "klaar", "morgen"]
    for line in prepare_nl:
        chat.send(line)
    chat.send("nabespreking Bakkerij")
    chat.send("1")
    chat.click("open")
    chat.submit({"outcome": "Goed gesprek", "stage": "prospect", "amount": "24000", "probability": "40",
                 "decision_date": "2027-03-15", "dmu_known": "no"})
    chat.click("reached")
    chat.send("Rademaker")
    out = chat.send("voorbereiding Bakkerij")
    assert "Huidige leverancier: Rademaker" in out, out
    for line in ["1", "rest overslaan", "zelfde", "gebruik deze"]:
        chat.send(line)
    out = chat.send("Aan het eind van het bezoek ken ik hun volumes en hebben we een vervolgafspraak")
    assert "Is Rademaker nog steeds uw leverancier?" in out, out


def test_a_new_debrief_replaces_the_deals_earlier_follow_ups(chat: Chat, runtime: Runtime) -> None:
    debrief_open(chat, deal="A new deal", follow_up="next tuesday")
    out = debrief_open(chat, deal="1", follow_up="15-12")
    assert "1 earlier follow-up is closed: this debrief replaces it." in out
    with runtime.sessions() as s:
        rows = s.scalars(select(FollowUp).order_by(FollowUp.id)).all()
        assert [(f.status, f.due_at.date().isoformat()) for f in rows] == [("done", "2026-12-01"),
                                                                            ("open", "2026-12-15")]


def test_a_debrief_without_a_follow_up_date_keeps_the_earlier_one(chat: Chat, runtime: Runtime) -> None:
    debrief_open(chat, deal="A new deal", follow_up="next tuesday")
    out = debrief_open(chat, deal="1", follow_up="")
    assert "earlier follow-up" not in out
    with runtime.sessions() as s:
        assert [f.status for f in s.scalars(select(FollowUp))] == ["open"]


def test_a_won_debrief_is_short_and_closes_the_follow_ups(chat: Chat, runtime: Runtime) -> None:
    debrief_open(chat, deal="A new deal")
    chat.send("debrief Acme")
    chat.send("1")
    out = chat.click("Won")
    form = chat.form()
    names = [f.name for f in form.fields]
    assert "probability" not in names and "decision_date" not in names and "dmu_known" not in names
    assert "stage" not in names
    out = chat.submit({"outcome": "Signed for 40 scanners", "title": "Scanners", "amount": "18000"})
    assert "Saved: Acme" in out and "1 earlier follow-up is closed" in out
    with runtime.sessions() as s:
        deal = s.scalars(select(Deal)).one()
        assert (deal.stage, deal.probability, deal.decision_date.isoformat()) == ("won", 100, "2027-03-15")
        assert [f.status for f in s.scalars(select(FollowUp))] == ["done"]
        assert s.scalars(select(Account)).one().status == "customer"


def test_a_lost_debrief_asks_the_reason_and_the_competitor_and_keeps_them(chat: Chat, runtime: Runtime) -> None:
    debrief_open(chat, deal="A new deal")
    chat.send("debrief Acme")
    chat.send("1")
    chat.click("Lost")
    assert "Chance of the order" not in chat.last.plain()
    answers = ["They chose a cheaper offer", "Scanners", "18000", "skip", "Too expensive for this year",
               "Zebra", "skip", "skip"]
    for answer in answers:
        out = chat.send(answer)
    assert "Saved: Acme" in out
    assert facts(runtime) == {"lost_reason": "Too expensive for this year", "lost_to": "Zebra"}
    with runtime.sessions() as s:
        assert s.scalars(select(Deal)).one().probability == 0
        assert [f.status for f in s.scalars(select(FollowUp))] == ["done"]


def test_follow_ups_tied_to_no_deal_are_replaced_only_as_the_rep_chooses(chat: Chat, runtime: Runtime) -> None:
    with runtime.unit_of_work() as uow:
        user = uow.store.ensure_user("console:alice", "alice", None, None)
        account = uow.store.get_or_create_account(user, "Acme")
        for action in ("Call Eva", "Send brochure"):
            uow.store.add_followup(user, account.id, action, datetime(2026, 11, 30, 9, tzinfo=UTC))
        uow.commit()
    out = debrief_open(chat, deal="A new deal")
    assert "belong to no deal" in out
    assert [o.label for o in chat.form().fields[0].options] == ["30 Nov — Call Eva", "30 Nov — Send brochure"]
    out = chat.send("2")
    assert "Saved: Acme" in out and "1 earlier follow-up is closed" in out
    with runtime.sessions() as s:
        assert {f.action: f.status for f in s.scalars(select(FollowUp))} == {
            "Call Eva": "open", "Send brochure": "done", "Demo at their site": "open"}


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Are Eva de Vries and Lars Berg still the ones who decide on this?"),
    ("nl", "Piet Jansen en Anna Smit"),
])
def test_several_decision_makers_read_as_a_list_in_the_users_language(lang: str, expected: str) -> None:
    names = ["Eva de Vries", "Lars Berg"] if lang == "en" else ["Piet Jansen", "Anna Smit"]
    asked = account_memory.confirmations({"decision_makers": names}, translator(lang), date(2026, 12, 1))
    assert len(asked) == 1 and expected in asked[0]
