"""`salescoach serve` sweeps reminders on a schedule: after downtime, overdue ones arrive once, marked late.
The servers' clocks start at the test's moment (COACH_CLOCK)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select

from bot.runtime import Runtime
from coach.clock import SetClock
from coach.identity import Identity
from coach.outgoing import LEASE
from storage.models import FollowUp, OutboxMessage
from storage.sales_teams import add_member, create_team
from storage.store import SqlStore
from tests.bot.cli_runner import run, run_process
from tests.bot.slack_server import ServeProcess
from tests.bot.slack_standin import SlackStandIn


def seed_overdue(runtime: Runtime, reps: int, per_rep: int) -> None:
    with runtime.sessions() as s:
        create_team(s, "Round the clock", working_hours="always")
        for r in range(reps):
            add_member(s, "Round the clock", f"slack:U0REP{r:03d}")
        s.commit()
        store = SqlStore(s)
        for r in range(reps):
            rep = store.ensure_user(f"slack:U0REP{r:03d}", None, "en", "Europe/Amsterdam")
            account = store.get_or_create_account(rep, f"Account {r}")
            for i in range(per_rep):
                store.add_followup(rep, account.id, f"Call {i}", runtime.clock() - timedelta(hours=3, minutes=i))
        store.commit()


def reminded(runtime: Runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.reminded_at.is_not(None)))


def outbox_states(runtime: Runtime) -> list[str]:
    with runtime.sessions() as s:
        return list(s.scalars(select(OutboxMessage.state)))


def serve(runtime: Runtime, slack: SlackStandIn, clock: SetClock) -> ServeProcess:
    return ServeProcess(runtime.settings.database_url, slack.url, scheduler=True,
                        extra_env={"COACH_CLOCK": clock().isoformat()})


def test_two_servers_starting_after_downtime_deliver_each_overdue_reminder_once_late(
        runtime: Runtime, clock: SetClock) -> None:
    seed_overdue(runtime, reps=30, per_rep=2)
    slack = SlackStandIn()
    slack.start()
    servers = [serve(runtime, slack, clock) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while outbox_states(runtime).count("sent") < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        for server in servers:  # a sweep under way finishes first: any duplicate would have been posted by now
            server.stop()
        slack.stop()
    assert [server.proc.returncode for server in servers] == [0, 0], [server.log() for server in servers]
    posts = slack.of("chat.postMessage")
    assert sorted(p.args["channel"] for p in posts) == [f"U0REP{r:03d}" for r in range(30)]
    assert all("(late)" in str(p.args["blocks"]) and "Sent late" in str(p.args["blocks"]) for p in posts)
    assert reminded(runtime) == 60


def test_run_once_delivers_due_reminders_from_the_command_line(runtime: Runtime, database_url: str,
                                                                clock: SetClock) -> None:
    seed_overdue(runtime, reps=2, per_rep=1)
    slack = SlackStandIn()
    slack.start()
    try:
        env = {"SLACK_API_URL": slack.url, "SLACK_BOT_TOKEN": "xoxb-test"}
        first = run_process(["reminders", "run-once"], database_url, env=env, clock=clock)  # as cron runs it
        assert first.returncode == 0, first.stderr
        assert "2 sent, 0 failed" in first.stdout
        again = run(["reminders", "run-once"], database_url, env=env, clock=clock)
        assert again.returncode == 0, again.stderr
        assert "0 sent" in again.stdout and len(slack.of("chat.postMessage")) == 2
        nothing = run(["reminders", "run-once"], database_url, clock=clock)
        assert nothing.returncode == 2 and "no platform is configured" in nothing.stderr
    finally:
        slack.stop()


def test_shutdown_mid_sweep_leaves_no_reminder_claimed_but_unsent(runtime: Runtime, clock: SetClock) -> None:
    """SIGTERM while Slack throttles the delivery: the process exits cleanly; the send under way finishes, every
    reminder is either delivered or waiting in the outbox, none is stuck in a claim."""
    seed_overdue(runtime, reps=6, per_rep=1)
    slack = SlackStandIn()
    slack.rate_limit_next["chat.postMessage"] = 2  # each 429 asks for a one-second wait
    slack.start()
    server = serve(runtime, slack, clock)
    try:
        deadline = time.monotonic() + 30
        while not slack.of("chat.postMessage:429") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert slack.of("chat.postMessage:429"), "the sweep never started"
    finally:
        server.stop()
        slack.stop()
    assert server.proc.returncode == 0, server.log()
    states = outbox_states(runtime)
    assert "sending" not in states and len(states) == 6  # nothing left claimed, nothing lost
    delivered = {p.args["channel"] for p in slack.of("chat.postMessage")}
    assert len(delivered) == states.count("sent") >= 1  # sent ⇔ recorded


def test_an_instance_killed_mid_delivery_delays_only_its_message_in_flight(runtime: Runtime, clock: SetClock) -> None:
    """kill -9 while reminders go out: a second instance sends the rest at once; the one message the dead instance
    had in flight waits out its 30-second lease and is then sent, so it alone can arrive twice; none is lost."""
    seed_overdue(runtime, reps=12, per_rep=1)
    slack = SlackStandIn(latency=0.3)  # each post takes a while, so the kill lands during one
    slack.start()
    started = time.monotonic()
    try:
        first = serve(runtime, slack, clock)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # a few sent, and one claimed: its post is under way
            states = outbox_states(runtime)
            if states.count("sent") >= 3 and "sending" in states:
                break
            time.sleep(0.02)
        first.proc.kill()  # SIGKILL: no clean-up of any kind
        first.proc.wait(10)
        first.stop()
        with runtime.sessions() as s:
            in_flight = s.execute(select(OutboxMessage.recipient, OutboxMessage.lease_until)
                                  .where(OutboxMessage.state == "sending")).all()
        assert len(in_flight) == 1, in_flight  # the dead instance held exactly its one message in flight
        recipient, lease_until = in_flight[0]
        elapsed = timedelta(seconds=time.monotonic() - started)
        assert lease_until.replace(tzinfo=None) <= (clock() + elapsed + LEASE).replace(tzinfo=None)

        second = ServeProcess(runtime.settings.database_url, slack.url, scheduler=True,
                              clock=clock() + timedelta(seconds=time.monotonic() - started))
        try:  # the others go out now, without waiting for the dead instance's lease
            deadline = time.monotonic() + 60
            while outbox_states(runtime).count("sent") < 11 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            second.stop()
        assert sorted(outbox_states(runtime)) == ["sending"] + ["sent"] * 11

        later = clock() + timedelta(seconds=time.monotonic() - started) + LEASE  # past the dead instance's lease
        third = ServeProcess(runtime.settings.database_url, slack.url, scheduler=True, clock=later)
        try:
            deadline = time.monotonic() + 60
            while outbox_states(runtime).count("sent") < 12 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            third.stop()
    finally:
        slack.stop()
    assert outbox_states(runtime) == ["sent"] * 12 and reminded(runtime) == 12
    channels = [p.args["channel"] for p in slack.of("chat.postMessage")]
    assert sorted(set(channels)) == [f"U0REP{r:03d}" for r in range(12)]  # none lost
    twice = [c for c in set(channels) if channels.count(c) > 1]
    assert twice in ([], [Identity.parse(recipient).id])  # only the one in flight at the kill, if at all
