"""Two `salescoach serve` processes on one PostgreSQL: any instance takes the next message of a
conversation, and 1,000 due reminders are delivered exactly once between them. Their clocks start at the
test's moment (COACH_CLOCK)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from bot.runtime import Runtime
from coach.clock import SetClock
from storage.models import Account, FollowUp, OutboxMessage, User
from storage.sales_teams import create_team
from tests.bot.slack_server import ServeProcess
from tests.bot.slack_standin import SlackStandIn

REPS, EACH = 250, 4


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("several instances share a PostgreSQL database (TEST_DATABASE_URL)")
    return database_url


def seed_due_reminders(rt: Runtime) -> list[int]:
    due = rt.clock() - timedelta(minutes=5)
    with rt.sessions.begin() as s:
        team = create_team(s, "Round the clock", working_hours="always")
        s.execute(insert(User), [{"identity": f"slack:U0R{r:04d}", "language": "en", "role": "rep",
                                  "team_id": team.id} for r in range(REPS)])
        users = s.execute(select(User.id, User.identity).where(User.identity.like("slack:U0R%"))).all()
        s.execute(insert(Account), [{"scope": f"team:{team.id}", "name": f"Account {uid}", "name_key": f"account {uid}",
                                     "team_id": team.id, "created_by_id": uid} for uid, _ in users])
        accounts = dict(s.execute(select(Account.created_by_id, Account.id)).all())
        s.execute(insert(FollowUp), [{"owner_id": uid, "account_id": accounts[uid], "action": f"Call {i}",
                                      "due_at": due, "status": "open"} for uid, _ in users for i in range(EACH)])
    with rt.sessions() as s:
        return list(s.scalars(select(FollowUp.id)))


def test_conversations_continue_across_instances(postgres_url: str, clock: SetClock) -> None:
    slack = SlackStandIn()
    slack.start()
    a, b = (ServeProcess(postgres_url, slack.url, extra_env={"COACH_WORKERS": "1", "COACH_CLOCK": clock().isoformat()})
            for _ in range(2))
    try:
        steps = [(a, "prep Acme", "What kind of visit"), (b, "1", "1/10"), (a, "done", "2/10"), (b, "back", "1/10"),
                 (a, "skip", "2/10"), (b, "cancel", "")]
        for n, (server, message, expect) in enumerate(steps):
            before = len(slack.of("chat.postMessage"))
            response = server.slash("U0ALT", message) if n == 0 else server.dm("U0ALT", message, f"EvAlt{n}")
            assert response.status == 200
            deadline = time.monotonic() + 20
            while len(slack.of("chat.postMessage")) <= before and time.monotonic() < deadline:
                time.sleep(0.05)
            reply = str(slack.of("chat.postMessage")[before].args)
            assert expect in reply, (message, reply[:400])
    finally:
        a.stop()
        b.stop()
        slack.stop()


def test_a_thousand_due_reminders_are_delivered_exactly_once_between_two_instances(
        postgres_url: str, runtime: Runtime, clock: SetClock) -> None:
    ids = seed_due_reminders(runtime)
    assert len(ids) == REPS * EACH == 1000
    slack = SlackStandIn(latency=0.05)  # each sends one at a time, so the second starts before all is sent
    slack.start()
    servers = [ServeProcess(postgres_url, slack.url, scheduler=True, extra_env={"COACH_CLOCK": clock().isoformat()})
               for _ in range(2)]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with runtime.sessions() as s:
                if s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "sent")) \
                        == REPS:
                    break
            time.sleep(0.1)
    finally:
        for server in servers:  # a sweep under way finishes first: any duplicate would have been posted by now
            server.stop()
        slack.stop()
    assert [server.proc.returncode for server in servers] == [0, 0], [server.log() for server in servers]
    posts = slack.of("chat.postMessage")
    mentioned = [int(m) for p in posts for m in re.findall(r"#(\d+) Account", str(p.args.get("blocks")))]
    assert sorted(mentioned) == sorted(ids)  # every reminder once: none lost, none twice
    assert len(posts) == REPS  # grouped: one message per rep
    logs = [server.log() for server in servers]
    assert all("reminders:" in log for log in logs), "both instances took part"
