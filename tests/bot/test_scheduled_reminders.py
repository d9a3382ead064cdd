"""`salescoach serve` sweeps reminders on a schedule: after downtime, overdue ones arrive once, marked late."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.runtime import Runtime
from bot.settings import Settings
from storage.models import FollowUp, OutboxMessage
from storage.store import SqlStore
from storage.teams import add_member, create_team
from tests.bot.slack_server import ROOT, ServeProcess
from tests.bot.slack_standin import SlackStandIn


def seed_overdue(database_url: str, reps: int, per_rep: int) -> None:
    rt = Runtime.open(Settings(database_url=database_url))
    with rt.sessions() as s:
        create_team(s, "Round the clock", working_hours="always")  # so the test passes at night too
        for r in range(reps):
            add_member(s, "Round the clock", f"slack:U0REP{r:03d}")
        s.commit()
        store = SqlStore(s)
        for r in range(reps):
            rep = store.ensure_user(f"slack:U0REP{r:03d}", None, "en", "Europe/Amsterdam")
            account = store.get_or_create_account(rep, f"Account {r}")
            for i in range(per_rep):
                store.add_followup(rep, account.id, f"Call {i}", datetime.now(UTC) - timedelta(hours=3, minutes=i))
        store.commit()
    rt.engine.dispose()


def reminded(database_url: str) -> int:
    rt = Runtime.open(Settings(database_url=database_url), migrate=False)
    with rt.sessions() as s:
        n = s.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.reminded_at.is_not(None)))
    rt.engine.dispose()
    return n


def outbox_states(database_url: str) -> list[str]:
    rt = Runtime.open(Settings(database_url=database_url), migrate=False)
    with rt.sessions() as s:
        states = list(s.scalars(select(OutboxMessage.state)))
    rt.engine.dispose()
    return states


def test_two_servers_starting_after_downtime_deliver_each_overdue_reminder_once_late(database_url: str) -> None:
    seed_overdue(database_url, reps=30, per_rep=2)
    slack = SlackStandIn()
    slack.start()
    servers = [ServeProcess(database_url, slack.url, scheduler=True) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while outbox_states(database_url).count("sent") < 30 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # room for a duplicate to show up, if there were one
        posts = slack.of("chat.postMessage")
        assert sorted(p.args["channel"] for p in posts) == [f"U0REP{r:03d}" for r in range(30)]
        assert all("(late)" in str(p.args["blocks"]) and "Sent late" in str(p.args["blocks"]) for p in posts)
        assert reminded(database_url) == 60
    finally:
        for server in servers:
            server.stop()
        slack.stop()


def test_run_once_delivers_due_reminders_from_the_command_line(database_url: str) -> None:
    seed_overdue(database_url, reps=2, per_rep=1)
    slack = SlackStandIn()
    slack.start()
    try:
        env = {"DATABASE_URL": database_url, "SLACK_API_URL": slack.url, "SLACK_BOT_TOKEN": "xoxb-test",
               "PATH": "/usr/bin:/bin"}
        run = [sys.executable, "-m", "bot.cli", "reminders", "run-once"]
        first = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert first.returncode == 0, first.stderr
        assert "2 sent, 0 failed" in first.stdout
        again = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert "0 sent" in again.stdout and len(slack.of("chat.postMessage")) == 2
        nothing = subprocess.run(run, cwd=ROOT, env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
                                 capture_output=True, text=True, timeout=60)
        assert nothing.returncode == 2 and "no platform is configured" in nothing.stderr
    finally:
        slack.stop()


def test_shutdown_mid_sweep_leaves_no_reminder_claimed_but_unsent(database_url: str) -> None:
    """SIGTERM while Slack throttles the delivery: the process exits cleanly; the send under way finishes, every
    reminder is either delivered or waiting in the outbox, none is stuck in a claim."""
    seed_overdue(database_url, reps=6, per_rep=1)
    slack = SlackStandIn()
    slack.rate_limit_next["chat.postMessage"] = 2  # each 429 asks for a one-second wait
    slack.start()
    server = ServeProcess(database_url, slack.url, scheduler=True)
    try:
        deadline = time.monotonic() + 30
        while not slack.of("chat.postMessage:429") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert slack.of("chat.postMessage:429"), "the sweep never started"
    finally:
        server.stop()
        slack.stop()
    assert server.proc.returncode == 0, server.log()
    states = outbox_states(database_url)
    assert "sending" not in states and len(states) == 6  # nothing left claimed, nothing lost
    delivered = {p.args["channel"] for p in slack.of("chat.postMessage")}
    assert len(delivered) == states.count("sent") >= 1  # sent ⇔ recorded
