"""`salescoach serve` with a worker process through a PostgreSQL outage (the database behind a proxy the test cuts):
DMs, a mention and a slash command during it, and a DM whose turn ran into it, are each answered exactly once when
the database is back, and the worker pool still works.

The outage lasts COACH_TEST_OUTAGE_SECONDS (default 5); the issue's case is COACH_TEST_OUTAGE_SECONDS=30.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from storage.models import InboxItem
from tests.bot.slack_server import Response, ServeProcess
from tests.bot.slack_standin import BOT_USER, SlackStandIn, dm_of
from tests.bot.test_slack_http import text_of, wait_for
from tests.conftest import TEST_NOW
from tests.db_outage import DatabaseProxy

OUTAGE_SECONDS = float(os.environ.get("COACH_TEST_OUTAGE_SECONDS", "5"))
SLACK_RETRIES_EVERY = 0.5  # seconds between Slack's deliveries of an event it got a 5xx for (Slack waits longer)


class SlackDelivers:
    """Slack's side of the Events API: an event answered with an error is delivered again, with its retry number."""

    def __init__(self, events: dict[str, Callable[[dict], Response]]) -> None:
        self.events = events
        self.tries = dict.fromkeys(events, 0)
        self.refused = set(events)

    def again(self) -> set[str]:
        """Deliver every refused event once more; the ones refused still."""
        for key in sorted(self.refused):
            retry = {"X-Slack-Retry-Num": str(self.tries[key]), "X-Slack-Retry-Reason": "http_error"} \
                if self.tries[key] else {}
            self.tries[key] += 1
            status = self.events[key](retry).status
            assert status in (200, 503), status
            if status == 200:
                self.refused.discard(key)
        return self.refused


def test_messages_during_a_database_outage_are_answered_exactly_once_when_it_is_back(
        database_url: str, runtime: Runtime, slack: SlackStandIn) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the outage is a PostgreSQL server going away (TEST_DATABASE_URL)")
    proxy = DatabaseProxy(database_url)
    slack.hold["users.info"] = threading.Event()  # holds the first turn between its ack and its database work
    server = ServeProcess(proxy.url, slack.url, extra_env={"COACH_WORKERS": "1"}, clock=TEST_NOW)
    try:
        assert server.dm("U0LATE", "prep Acme", "EvLate").status == 200  # acknowledged and stored …
        wait_for(lambda: slack.of("users.info"), 60)
        proxy.cut()
        slack.hold["users.info"].set()  # … and its turn runs into the outage

        events = {f"EvDm{n}": (lambda retry, n=n: server.dm(f"U0DM{n}", "help", f"EvDm{n}", headers=retry))
                  for n in range(3)}
        events["EvMention"] = lambda retry: server.event(
            {"type": "app_mention", "channel": "C0SALES", "user": "U0MEN", "text": f"<@{BOT_USER}> help", "ts": "5.5"},
            "EvMention", headers=retry)
        slack_side = SlackDelivers(events)
        assert slack_side.again() == set(events)  # none acknowledged while nothing can be stored
        command = server.slash("U0CMD", "help")  # never resent by Slack: its user is asked to try again
        assert command.status == 200 and "cannot reach my database" in command.json()["text"]
        outage_ends = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < outage_ends:
            assert slack_side.again() == set(events)
            time.sleep(SLACK_RETRIES_EVERY)

        proxy.restore()
        wait_for(lambda: not slack_side.again(), 60)
        assert server.slash("U0CMD", "help").status == 200  # the user tried again
        expected = {dm_of("U0LATE"), *(dm_of(f"U0DM{n}") for n in range(3)), "C0SALES", "U0CMD"}
        wait_for(lambda: {p.args["channel"] for p in slack.of("chat.postMessage")} >= expected, 90)
        assert server.dm("U0AFTER", "help", "EvAfter").status == 200  # the worker pool still works
        wait_for(lambda: any(p.args["channel"] == dm_of("U0AFTER") for p in slack.of("chat.postMessage")), 60)
    finally:
        server.stop()
        proxy.close()
    log = server.log()
    assert server.proc.returncode == 0, log
    answers = slack.of("chat.postMessage")
    assert Counter(p.args["channel"] for p in answers) == Counter(expected | {dm_of("U0AFTER")})  # each exactly once
    assert "What kind of visit" in text_of(next(p for p in answers if p.args["channel"] == dm_of("U0LATE")))
    assert next(p for p in answers if p.args["channel"] == "C0SALES").args["thread_ts"] == "5.5"
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(InboxItem)) == 0  # nothing left to be sent later
    assert "could not reach the database" in log and "BrokenProcessPool" not in log and "died" not in log
