"""The dialog engine end to end on a real database: flows, global words, state, concurrency."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from bot.settings import Settings
from coach.dialog import Inbound
from coach.engine import Who
from storage.models import Account, Deal, DialogState, FollowUp, ProcessedEvent, Visit
from storage.store import SqlStore
from tests.coach.chat_helper import Chat, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def chat(runtime: Runtime, clock: Clock) -> Chat:
    return Chat(runtime.coach(clock=clock))


def count(runtime: Runtime, model) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def prepare(chat: Chat, account: str = "Acme") -> str:
    """A whole preparation by typed text only; returns the last reply."""
    assert "What kind of visit" in chat.send(f"prep {account}")
    out = chat.send("1")
    assert "needs-oriented" in out and "1/10" in out
    chat.send("done")
    chat.send("skip")
    out = chat.send("Checked their website: 120 staff, three sites")  # a note ticks the step off
    assert "4/10" in out
    out = chat.send("skip the rest")
    assert "Checklist: 2 of 10 ready." in out and "Internal objective" in out
    out = chat.send("keep")
    assert "External objective" in out
    out = chat.send("use this")
    assert "goal for this visit" in out
    out = chat.send("Get the order signed today")
    assert "Not SMART yet" in out
    out = chat.send("At the end of the visit I know who decides and when their contract ends, "
                    "and we have a follow-up appointment")
    assert "SMART" in out and "SPIN questions" in out
    out = chat.send("How many sites do you have?")
    assert "Situation" in out
    out = chat.send("What does it cost you when a delivery is late?")
    assert "Implication" in out
    out = chat.send("done")
    assert "Call plan: Acme" in out
    return out


def test_full_preparation_stores_visit_and_call_plan(chat: Chat, runtime: Runtime) -> None:
    out = prepare(chat)
    assert "When is the visit?" in out
    out = chat.send("tomorrow")
    assert "remind you to debrief" in out
    with runtime.sessions() as s:
        visit = s.scalars(select(Visit)).one()
        assert visit.account.name == "Acme" and visit.visit_type == "first"
        assert visit.call_plan["internal"] and visit.call_plan["questions"]["situation"]
        assert visit.preparation["checklist"]["online"] == "done"
        reminder = s.scalars(select(FollowUp)).one()
        assert reminder.visit_id == visit.id and reminder.action.startswith("Debrief the visit")
        # tomorrow 17:00 in Amsterdam is 16:00 UTC in November
        assert reminder.due_at == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def test_debrief_updates_deal_closes_reminder_and_sets_follow_up(chat: Chat, runtime: Runtime) -> None:
    prepare(chat)
    chat.send("tomorrow")
    out = chat.send("debrief Acme")
    assert "which deal" in out
    out = chat.send("1")  # the only option: a new deal
    assert "Where does the deal stand" in out
    out = chat.send("1")  # still open
    assert "How did it go?" in out
    for answer in ["Good talk, they want a proposal", "Packaging line", "quote", "4.630,50", "skip", "60",
                   "15-12", "yes", "Send the quote"]:
        out = chat.send(answer)
    out = chat.send("next tuesday")
    assert "Quote check" in out or "quote" in out.lower()
    chat.send("yes")
    out = chat.send("yes")
    assert "Did you reach it?" in out  # the prepared goal, then its internal objectives: all skippable
    out = chat.send("skip")
    for _ in range(5):
        chat.send("skip")
    out = chat.send("skip")
    assert "All five quote criteria hold" in out, out
    assert "Saved: Acme" in out
    with runtime.sessions() as s:
        deal = s.scalars(select(Deal)).one()
        assert (deal.stage, str(deal.amount), deal.probability) == ("quote", "4630.50", 60)
        assert deal.quote_sent_on is not None and deal.dmu_known is True
        visit = s.scalars(select(Visit)).one()
        assert visit.status == "debriefed" and visit.debrief["outcome"].startswith("Good talk")
        rows = {f.action: f for f in s.scalars(select(FollowUp))}
        assert rows["Debrief the visit to Acme"].status == "done"
        assert rows["Send the quote"].status == "open"
        assert rows["Send the quote"].due_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_quote_check_names_missing_criteria(chat: Chat) -> None:
    chat.send("debrief Beta")
    chat.send("1")
    chat.send("still open")
    for answer in ["They asked for a price", "-", "quote", "10000", "-", "20", "in 6 months", "no", "-", "-"]:
        out = chat.send(answer)
    chat.send("yes")
    out = chat.send("no")
    assert "not all criteria hold" in out
    assert "budget" in out and "35–40%" in out and "who decides" in out and "acceptable term" in out


def test_debrief_form_submitted_whole_with_errors_then_fixed(chat: Chat, runtime: Runtime) -> None:
    chat.send("debrief Gamma")
    chat.send("1")
    chat.click("Still open")
    values = {"outcome": "ok", "stage": "prospect", "amount": "abc", "probability": "150",
              "decision_date": "someday", "dmu_known": "no"}
    out = chat.submit(values)
    assert "Please check the form" in out
    assert "not a number" in out and "between 0 and 100" in out and "as a date" in out
    assert count(runtime, Deal) == 0
    out = chat.submit({**values, "amount": "1.000", "probability": "25", "decision_date": "2027-02-01"})
    assert "Saved: Gamma" in out
    with runtime.sessions() as s:
        assert str(s.scalars(select(Deal)).one().amount) == "1000.00"


def test_back_cancel_and_help_work_at_every_step(chat: Chat) -> None:
    chat.send("prep Acme")
    chat.send("2")
    assert "2/10" in chat.send("done")
    assert "1/10" in chat.send("back")
    out = chat.send("help")
    assert "What I can do" in out and "Back to where we were" in out and "1/10" in out
    assert "Stopped" in chat.send("cancel")
    assert "nothing to cancel" in chat.send("cancel")


def test_unknown_input_gets_a_menu_and_stale_buttons_are_refused(chat: Chat) -> None:
    out = chat.send("blabla")
    assert "did not understand" in out
    chat.send("prep Acme")
    first = chat.last
    chat.click("first")
    chat.last = first
    out = chat.click("first")
    assert "already answered" in out and "1/10" in out


def test_invalid_step_input_reprompts(chat: Chat) -> None:
    chat.send("prep Acme")
    out = chat.send("a tuesday kind of visit")
    assert "Please pick the kind of visit" in out and "What kind of visit" in out


def test_unfinished_preparation_is_offered_again(chat: Chat, clock: Clock) -> None:
    chat.send("prep Acme")
    chat.send("1")
    out = chat.send("/smart Know the DMU")  # in a free-text step, commands take a slash
    assert "kind of visit" in out
    assert "Not SMART yet" in chat.send("1")
    out = chat.send("finish")
    assert "unfinished preparation for Acme" in out
    out = chat.click("continue")
    assert "1/10" in out
    clock.advance(hours=5)
    out = chat.send("done")
    assert "Welcome back" in out and "preparation for Acme" in out
    assert "1/10" in chat.click("Continue")


def test_state_survives_a_restart(database_url: str, clock: Clock) -> None:
    first = Runtime.open(Settings(database_url=database_url), migrate=False, clock=clock)
    Chat(first.coach()).send("prep Acme")
    first.engine.dispose()
    second = Runtime.open(Settings(database_url=database_url), migrate=False, clock=clock)
    out = Chat(second.coach()).send("1")
    assert "needs-oriented" in out


def test_concurrent_save_loses_and_turn_is_retried(runtime: Runtime, clock: Clock) -> None:
    chat = Chat(runtime.coach(clock=clock))
    chat.send("prep Acme")
    with runtime.sessions() as s:
        key = s.scalars(select(DialogState.conversation_key)).one()
        version = s.scalars(select(DialogState.version)).one()
    from storage.store import SqlStore

    with runtime.sessions() as s:
        store = SqlStore(s)
        user = store.ensure_user("console:alice", None, None, None)
        assert store.save_dialog(key, user, {"active": None}, version) is True
        assert store.save_dialog(key, user, {"active": None}, version) is False  # stale version
        s.commit()


def test_follow_ups_done_snooze_reschedule_and_other_users_ids(runtime: Runtime, clock: Clock) -> None:
    alice, bob = Chat(runtime.coach(clock=clock), "alice"), Chat(runtime.coach(clock=clock), "bob")
    prepare(alice)
    alice.send("tomorrow")
    with runtime.sessions() as s:
        fid = s.scalars(select(FollowUp.id)).one()
    out = alice.send("followups")
    assert f"#{fid} Acme" in out
    assert "You have no open follow-up" in bob.send(f"done {fid}")
    assert "You have no open follow-up" in bob.send(f"snooze {fid} 1w")
    assert "Snoozed" in alice.send(f"snooze {fid} 2d")
    assert "Moved" in alice.send(f"reschedule {fid} 15-03")
    assert "To which day" in alice.send(f"reschedule {fid} yesterday-ish")
    alice.send("followups")
    assert "Done:" in alice.click(f"cmd:done {fid}")  # the button carries the same command
    assert "no open follow-ups" in alice.send("followups")


def test_pipeline_shows_weighted_forecast(chat: Chat) -> None:
    assert "no open deals" in chat.send("pipeline")
    chat.send("debrief Acme")
    chat.send("1")
    chat.send("1")
    chat.submit({"outcome": "ok", "stage": "prospect", "amount": "10000", "probability": "40",
                 "decision_date": "2027-01-15", "dmu_known": "no"})
    out = chat.send("pipeline")
    assert "January 2027" in out and "€4,000.00" in out


def test_language_switch(chat: Chat, runtime: Runtime) -> None:
    out = chat.send("lang nl")
    assert "Nederlands" in out
    assert "Wat ik" in chat.send("help")
    assert "English" in chat.send("taal en")


def test_idle_text_without_anything_active(chat: Chat) -> None:
    assert chat.coach.handle(chat.who, Inbound(text="   ")).plain()


def test_every_reply_validates(chat: Chat) -> None:
    from coach.replies import Reply

    prepare(chat)
    assert Reply.model_validate_json(chat.last.model_dump_json()) == chat.last


def test_away_until_holds_reminders_and_away_off_ends_it(chat: Chat, runtime: Runtime) -> None:
    from datetime import date

    from storage.models import User

    def away_until() -> date | None:
        with runtime.sessions() as s:
            return s.scalar(select(User.away_until).where(User.identity == "console:alice"))

    assert "Until when" in chat.send("away")
    assert "Until when" in chat.send("away until last year")
    assert "up to and including Fri 4 Dec" in chat.send("away until 4 december")
    assert away_until() == date(2026, 12, 4)
    assert "Welcome back" in chat.send("away off")
    assert away_until() is None
    chat.send("lang nl")
    assert "tot en met vr 27 nov" in chat.send("afwezig tot vrijdag")
    assert away_until() == date(2026, 11, 27)


def test_pick_a_date_moves_a_follow_up_through_a_date_form(chat: Chat, runtime: Runtime) -> None:
    from storage.store import SqlStore

    with runtime.sessions() as s:
        store = SqlStore(s)
        user = store.ensure_user("console:alice", "alice", None, None)
        followup = store.add_followup(user, store.get_or_create_account(user, "Acme").id, "Call the buyer",
                                      datetime(2026, 11, 24, 9, tzinfo=UTC))
        store.commit()
    chat.send("help")
    chat.last = chat.coach.handle(chat.who, Inbound(action=f"cmd:reschedule {followup.id}", scope="cmd"))
    assert "When should #" in chat.last.plain() and "Call the buyer" in chat.last.plain()
    assert "“New date” cannot be in the past" in chat.submit({"day": "2026-11-01"})
    assert "Moved #" in chat.submit({"day": "2026-12-15"})
    with runtime.sessions() as s:
        assert s.get(FollowUp, followup.id).due_at.date().isoformat() == "2026-12-15"
    assert "Moved #" in chat.send(f"reschedule {followup.id} 20-12")  # typed with a day: at once, no form
    assert "no open follow-up #999" in chat.send("reschedule 999")


def test_a_planned_visit_gets_a_preparation_offer_the_working_day_before_and_a_debrief_request(
        chat: Chat, runtime: Runtime, clock: Clock) -> None:
    # Tuesday 24 November 2026, 10:00 in Amsterdam; the visit is next Monday: the offer comes on Friday 08:00.
    out = chat.send("plan Acme Logistics next monday")
    assert "Planned: your visit to Acme Logistics on Mon 30 Nov" in out and "Fri 27 Nov 08:00" in out
    with runtime.sessions() as s:
        rows = {f.kind: f for f in s.scalars(select(FollowUp))}
        assert rows["prep"].due_at == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
        assert rows["debrief"].due_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
        visit = s.scalar(select(Visit))
        assert (visit.status, visit.planned_on.isoformat()) == ("planned", "2026-11-30")
    assert "Which customer, and when?" in chat.send("plan Acme")
    assert "has passed" in chat.send("plan Acme 01-01-2020")
    out = prepare(chat, "Acme Logistics")  # the preparation fills the planned visit, no second visit
    assert "Good luck on Mon 30 Nov! I will ask for the debrief that afternoon." in out
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 1
        assert s.scalar(select(Visit.status)) == "prepared"
        assert {f.kind: f.status for f in s.scalars(select(FollowUp))} == {"prep": "done", "debrief": "open"}


def test_reminder_buttons_follow_the_kind_of_follow_up() -> None:
    from coach.reminder_policy import ReminderItem, reminder_reply

    due = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)

    def labels(kind: str) -> list[str]:
        reply = reminder_reply([ReminderItem(7, "Acme", "x", due, kind)], "en", "Europe/Amsterdam", due)
        return [o.label for b in reply.blocks if hasattr(b, "options") for o in b.options]

    assert labels("prep")[0] == "Prepare now" and "Log debrief" not in labels("prep")
    assert labels("debrief")[0] == "Log debrief"
    assert labels("action")[0] == "Done" and {"Pick a date", "Log debrief", "Snooze 1 hour"} <= set(labels("action"))


def test_a_debrief_with_a_follow_up_date_offers_to_plan_that_visit(chat: Chat, runtime: Runtime) -> None:
    chat.send("debrief Acme")
    chat.click("A new deal")
    chat.click("Still open")
    chat.submit({"outcome": "Good talk", "stage": "prospect", "amount": "1000", "probability": "20",
                 "decision_date": "2027-03-15", "dmu_known": "yes", "next_step": "Demo at their site",
                 "follow_up": "2026-12-08"})
    assert "Planned: your visit to Acme on Tue 8 Dec" in chat.click("Plan a visit on Tue 8 Dec")
    with runtime.sessions() as s:
        assert s.scalar(select(Visit.planned_on).where(Visit.status == "planned")).isoformat() == "2026-12-08"


def test_a_turn_run_again_after_losing_its_race_still_answers_and_records_its_event_once(
        runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """The event id is recorded in the turn's own transaction: when the turn loses the race for its
    conversation and is rolled back, the re-run must not find its own event 'already handled'."""
    coach = runtime.coach()
    who = Who(identity="slack:URACE", conversation_key="slack:T1:URACE")
    assert coach.handle(who, Inbound(text="help")) is not None  # a known user: no write before the event
    real_save, lost = SqlStore.save_dialog, []

    def loses_once(self, *args, **kwargs):
        if not lost:
            lost.append(True)
            return False  # another writer saved this conversation first
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(SqlStore, "save_dialog", loses_once)
    reply = coach.handle(who, Inbound(text="prep Acme"), ("slack", "EvRace1"))
    assert lost and reply is not None and "Acme" in reply.plain()
    assert coach.handle(who, Inbound(text="prep Acme"), ("slack", "EvRace1")) is None  # Slack's retry: once only
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


@pytest.mark.parametrize("message", ["prep " + "A" * 250, "debrief " + "B" * 250, "spin practice " + "D" * 250,
                                     "plan " + "C" * 250 + " tomorrow", "prep A" + "\u0301" * 3000])
def test_an_account_name_too_long_is_refused_with_its_limit_and_nothing_is_stored(chat: Chat, runtime: Runtime,
                                                                                  message: str) -> None:
    out = chat.send(message)
    assert "too long" in out and "200" in out and "went wrong" not in out
    assert count(runtime, Account) == 0


def test_bidi_overrides_are_stripped_from_what_users_type(chat: Chat, runtime: Runtime) -> None:
    chat.send("prep \u202eemcA\u202c Corp")
    with runtime.sessions() as s:
        assert s.scalars(select(Account.name)).all() == ["emcA Corp"]  # shown as typed, not reversed to "Acme"
