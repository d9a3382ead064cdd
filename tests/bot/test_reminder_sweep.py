"""The reminder sweep: grouped per rep, in their language, late ones flagged, failures retried, never lost; and
the daily nudge and weekly team overview. The jobs fill the outbox, the delivery loop sends."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery import Delivered, DeliveryLoop
from bot.reminder_job import ReminderSweep
from bot.runtime import Runtime
from coach.clock import SetClock
from coach.outgoing import Outgoing
from coach.replies import Choices, Reply
from storage import outbox
from storage.models import FollowUp
from storage.store import SqlStore

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # a Tuesday: 15:00 in Amsterdam, 09:00 in New York
PLATFORMS = ("slack:", "teams:")


def seed(runtime: Runtime) -> None:
    with runtime.sessions() as s:
        store = SqlStore(s)
        anna = store.ensure_user("slack:UANNA", "Anna", "nl", "Europe/Amsterdam")
        ben = store.ensure_user("teams:ben-aad", "Ben", "en", "America/New_York")
        for rep, name in ((anna, "Bakkerij De Vries"), (ben, "Acme")):
            account = store.get_or_create_account(rep, name)
            store.add_followup(rep, account.id, "Send the quote", NOW - timedelta(minutes=2))
            store.add_followup(rep, account.id, "Call the buyer", NOW - timedelta(days=2))  # missed while down
        store.add_followup(anna, store.get_or_create_account(anna, "Later BV").id, "Visit", NOW + timedelta(days=1))
        store.commit()


def recorder(sent: list[tuple[str, Reply]], fail_for: set[str] | None = None):
    async def send(message: Outgoing) -> None:
        if message.recipient in (fail_for or set()):
            raise ConnectionError("platform down")
        sent.append((message.recipient, message.reply))

    return send


def deliver(runtime: Runtime, senders: dict, clock) -> Delivered:
    return asyncio.run(DeliveryLoop(runtime, senders, clock=clock).run_once())


def test_due_reminders_arrive_once_per_rep_grouped_in_their_language(runtime: Runtime) -> None:
    seed(runtime)
    sent: list[tuple[str, Reply]] = []
    send = recorder(sent)
    sweep = ReminderSweep(runtime, PLATFORMS, clock=SetClock(NOW))
    assert asyncio.run(sweep.run_once()).messages == 2
    result = deliver(runtime, {"slack:": send, "teams:": send}, SetClock(NOW))
    assert (len(result.sent), len(result.failed)) == (2, 0)
    assert sorted(identity for identity, _ in sent) == ["slack:UANNA", "teams:ben-aad"]
    anna = dict(sent)["slack:UANNA"].plain()
    assert "Er staan 2 follow-ups klaar" in anna and "Bakkerij De Vries" in anna and "Later BV" not in anna
    assert "te laat" in anna.lower()  # Dutch, and the one missed two days ago is flagged late
    ben = dict(sent)["teams:ben-aad"]
    assert "(late)" in ben.plain() and ben.plain().count("(late)") == 1
    labels = {c.label for b in ben.blocks if isinstance(b, Choices) for c in b.options}
    assert {"Done", "Snooze 1 hour", "Tomorrow", "Next week", "Log debrief"} <= labels
    assert asyncio.run(sweep.run_once()).messages == 0  # delivered once, not again
    assert deliver(runtime, {"slack:": send, "teams:": send}, SetClock(NOW)).sent == []


def test_a_platform_failure_mid_batch_loses_nothing(runtime: Runtime) -> None:
    seed(runtime)
    sent: list[tuple[str, Reply]] = []
    clock = SetClock(NOW)
    asyncio.run(ReminderSweep(runtime, PLATFORMS, clock=clock).run_once())
    flaky = {"slack:": recorder(sent), "teams:": recorder(sent, {"teams:ben-aad"})}
    assert (len(deliver(runtime, flaky, clock).sent), len(deliver(runtime, flaky, clock).failed)) == (1, 0)
    assert [identity for identity, _ in sent] == ["slack:UANNA"]
    healthy = {"slack:": recorder(sent), "teams:": recorder(sent)}
    assert deliver(runtime, healthy, clock).sent == []  # backing off after the failure
    clock.set(NOW + timedelta(minutes=5))
    assert len(deliver(runtime, healthy, clock).sent) == 1
    assert [identity for identity, _ in sent] == ["slack:UANNA", "teams:ben-aad"]
    with runtime.sessions() as s:
        assert all(f.reminded_at is not None for f in s.scalars(select(FollowUp).where(FollowUp.due_at <= NOW)))


def test_a_sweep_cancelled_mid_batch_hands_its_claims_back(runtime: Runtime) -> None:
    seed(runtime)
    sent: list[tuple[str, Reply]] = []

    async def hang(message: Outgoing) -> None:
        await asyncio.sleep(3600)

    async def cancel_midway() -> None:
        await ReminderSweep(runtime, PLATFORMS, clock=SetClock(NOW)).run_once()
        task = asyncio.create_task(DeliveryLoop(runtime, {"slack:": recorder(sent), "teams:": hang},
                                                clock=SetClock(NOW)).run_once())
        while not sent:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(cancel_midway())
    again = deliver(runtime, {"slack:": recorder(sent), "teams:": recorder(sent)}, SetClock(NOW))
    assert [m.recipient for m in again.sent] == ["teams:ben-aad"]  # at once: not stuck behind a lease


def test_a_loop_cancelled_while_it_claims_hands_the_claim_back(runtime: Runtime,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim runs in a thread and completes even when the loop is cancelled meanwhile: the message it
    took is handed back at once, not left to wait out its lease."""
    seed(runtime)
    asyncio.run(ReminderSweep(runtime, PLATFORMS, clock=SetClock(NOW)).run_once())
    sent: list[tuple[str, Reply]] = []
    senders = {"slack:": recorder(sent), "teams:": recorder(sent)}
    claiming, go_on = threading.Event(), threading.Event()
    real_claim = outbox.claim

    def slow_claim(*args, **kwargs):
        claiming.set()
        go_on.wait(10)
        return real_claim(*args, **kwargs)

    async def cancel_while_claiming() -> None:
        task = asyncio.create_task(DeliveryLoop(runtime, senders, clock=SetClock(NOW)).run_once())
        while not claiming.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.sleep(0)  # the cancellation reaches the loop while its claim is still running
        go_on.set()
        await asyncio.gather(task, return_exceptions=True)

    monkeypatch.setattr(outbox, "claim", slow_claim)
    asyncio.run(cancel_while_claiming())
    monkeypatch.undo()
    assert sent == []
    assert len(deliver(runtime, senders, SetClock(NOW)).sent) == 2  # both at once: none waits out a lease


def test_reminders_wait_for_working_hours_in_the_reps_time_zone(runtime: Runtime) -> None:
    seed(runtime)
    sent: list[tuple[str, Reply]] = []
    clock = SetClock(datetime(2026, 11, 24, 12, 30, tzinfo=UTC))  # 13:30 in Amsterdam, 07:30 in New York
    sweep = ReminderSweep(runtime, PLATFORMS, clock=clock)
    senders = {"slack:": recorder(sent), "teams:": recorder(sent)}
    result = asyncio.run(sweep.run_once())
    # due so far: the follow-up each rep missed two days ago; Ben's waits for 08:00 in New York
    assert (result.messages, result.deferred) == (1, 1)
    assert len(deliver(runtime, senders, clock).sent) == 1 and [i for i, _ in sent] == ["slack:UANNA"]
    clock.set(datetime(2026, 11, 24, 12, 59, tzinfo=UTC))
    assert asyncio.run(sweep.run_once()).messages == 0  # still before 08:00 in New York
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
    assert asyncio.run(sweep.run_once()).messages == 1
    assert len(deliver(runtime, senders, clock).sent) == 1 and [i for i, _ in sent] == ["slack:UANNA", "teams:ben-aad"]


def test_the_daily_nudge_lists_overdue_follow_ups_once_a_day_per_rep(runtime: Runtime) -> None:
    from bot.nudge_jobs import NudgeSweep

    seed(runtime)  # each rep has one follow-up two days overdue and one just due
    sent: list[tuple[str, Reply]] = []
    clock = SetClock(NOW)
    nudges = NudgeSweep(runtime, PLATFORMS, clock=clock)
    others = NudgeSweep(runtime, PLATFORMS, clock=clock)  # a second instance
    assert asyncio.run(nudges.run_once()) == 2 and asyncio.run(others.run_once()) == 0
    assert len(deliver(runtime, {"slack:": recorder(sent), "teams:": recorder(sent)}, clock).sent) == 2
    anna = dict(sent)["slack:UANNA"].plain()
    assert "1 follow-up is over tijd" in anna and "open sinds zo 22 nov" in anna
    assert "Call the buyer" in anna and "Send the quote" not in anna  # only what is more than a day late
    clock.set(NOW + timedelta(hours=3))
    assert asyncio.run(nudges.run_once()) == 0  # once a day
    clock.set(NOW + timedelta(days=1))
    assert asyncio.run(others.run_once()) == 2  # the next day again, still overdue


def test_a_failed_nudge_is_retried_by_the_next_run(runtime: Runtime) -> None:
    from bot.nudge_jobs import NudgeSweep

    seed(runtime)
    sent: list[tuple[str, Reply]] = []
    clock = SetClock(NOW)
    assert asyncio.run(NudgeSweep(runtime, PLATFORMS, clock=clock).run_once()) == 2
    broken = {"slack:": recorder(sent, {"slack:UANNA"}), "teams:": recorder(sent)}
    assert len(deliver(runtime, broken, clock).sent) == 1
    assert asyncio.run(NudgeSweep(runtime, PLATFORMS, clock=clock).run_once()) == 0  # produced today already
    clock.set(NOW + timedelta(minutes=1))  # the failed one's backoff
    healthy = {"slack:": recorder(sent), "teams:": recorder(sent)}
    assert len(deliver(runtime, healthy, clock).sent) == 1 and [i for i, _ in sent] == ["teams:ben-aad", "slack:UANNA"]


def test_a_team_channel_gets_the_weekly_overview_once_at_the_start_of_its_week(runtime: Runtime) -> None:
    from bot.nudge_jobs import TeamOverview
    from storage.sales_teams import add_member, create_team, update_team

    with runtime.sessions() as s:
        create_team(s, "North", country="NL")
        update_team(s, "North", channel="slack:C0SALES")
        for rep in ("slack:UANNA", "slack:UKEES"):
            add_member(s, "North", rep)
        s.commit()
        store = SqlStore(s)
        for rep, late in (("slack:UANNA", 3), ("slack:UKEES", 1)):
            user = store.ensure_user(rep, rep[7:].title(), None, None)
            account = store.get_or_create_account(user, f"Account {rep}")
            for i in range(late):
                store.add_followup(user, account.id, f"Call {i}", datetime(2027, 3, 20, 9, tzinfo=UTC))
        store.commit()
    sent: list[tuple[str, Reply]] = []
    clock = SetClock(datetime(2027, 3, 29, 9, 0, tzinfo=UTC))  # Easter Monday: a Dutch public holiday
    overview = TeamOverview(runtime, ("slack:",), clock=clock)
    assert asyncio.run(overview.run_once()) == 0
    clock.set(datetime(2027, 3, 30, 6, 30, tzinfo=UTC))  # Tuesday 08:30 in Amsterdam: the week's first moment
    assert asyncio.run(overview.run_once()) == 1
    assert asyncio.run(TeamOverview(runtime, ("slack:",), clock=clock).run_once()) == 0
    assert len(deliver(runtime, {"slack:": recorder(sent)}, clock).sent) == 1
    [(channel, reply)] = sent
    assert channel == "slack:C0SALES"
    text = reply.plain()
    assert "4 follow-ups are overdue in the team." in text
    assert text.index("Anna") < text.index("Kees") and "3 overdue" in text
    clock.set(datetime(2027, 4, 5, 7, 0, tzinfo=UTC))  # the next Monday
    assert asyncio.run(overview.run_once()) == 1
