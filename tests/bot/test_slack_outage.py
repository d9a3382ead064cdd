"""Slack while the database is away: nothing is acknowledged that is not stored, nothing stored is lost.

In this process (bot/server.py's routes on the test's runtime and clock, worker threads) on both backends, and
with a real worker process for the pool. The end-to-end run of `salescoach serve` through an outage is in
test_slack_outage_serve.py.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack import worker
from bot.slack.intake import FIRST_RETRY, LEASE, job_executor
from coach.clock import SetClock
from storage.models import InboxItem, ProcessedEvent
from tests.bot.slack_server import SECRET
from tests.bot.slack_standin import SlackStandIn, dm_of
from tests.bot.test_slack_http import posts, text_of, wait_for
from tests.bot.web_app import WebApp
from tests.db_outage import Outage

USER = "U0ALICE"
TRY_AGAIN = "cannot reach my database"


@pytest.fixture
def server(outage: Outage, slack: SlackStandIn) -> Iterator[WebApp]:
    app = WebApp(outage.runtime, slack.url)
    yield app
    app.close()


def stored(runtime: Runtime, model=InboxItem) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_what_cannot_be_stored_is_not_acknowledged_and_an_event_is_answered_once_slack_retries(
        server: WebApp, slack: SlackStandIn, outage: Outage) -> None:
    outage.cut()
    assert server.dm(USER, "help", "EvOut1").status == 503  # Slack delivers it again
    command = server.slash(USER, "help")  # Slack never resends a command: the user is told to try again
    assert command.status == 200 and command.json()["response_type"] == "ephemeral"
    assert TRY_AGAIN in command.json()["text"]
    click = server.interaction({"type": "block_actions", "user": {"id": USER}, "trigger_id": "t",
                                "response_url": slack.response_url, "channel": {"id": "D0DM"},
                                "container": {"type": "message"}, "message": {"ts": "1.2", "blocks": []},
                                "actions": [{"type": "button", "action_id": "choice:1", "value": "1",
                                             "block_id": "prep.visit_type", "action_ts": "1"}]})
    assert click.status == 200
    [told] = wait_for(lambda: slack.of("response_url"))
    assert told.args["response_type"] == "ephemeral" and TRY_AGAIN in told.args["text"]
    modal = {"type": "modal", "callback_id": "coach_form", "private_metadata": json.dumps({"scope": "x"})}
    form = server.submit_view(USER, modal, {"outcome": {"value": {"type": "plain_text_input",
                                                                  "value": "They want a proposal"}}})
    assert form.status == 200 and TRY_AGAIN in form.json()["errors"]["outcome"]  # the modal stays open
    server.settle()
    assert slack.of("chat.postMessage") == []
    outage.restore()
    assert stored(outage.runtime) == 0  # nothing was kept of what was refused
    assert server.dm(USER, "help", "EvOut1", headers={"X-Slack-Retry-Num": "1",
                                                      "X-Slack-Retry-Reason": "http_error"}).status == 200
    server.settle()
    [answer] = slack.of("chat.postMessage")
    assert answer.args["channel"] == dm_of(USER) and "What I can do" in text_of(answer)
    assert stored(outage.runtime) == 0  # handled and forgotten


def test_a_turn_that_lost_the_database_after_the_ack_is_tried_again_and_answered_once(
        server: WebApp, slack: SlackStandIn, outage: Outage, clock: SetClock) -> None:
    """Acknowledged and stored, then the database went away before the turn ran: the item stays with this
    instance and is tried again once the database is back."""
    slack.hold["users.info"] = threading.Event()  # the first-contact look-up, between the ack and the turn
    assert server.dm(USER, "prep Acme", "EvLate1").status == 200
    wait_for(lambda: slack.of("users.info"))
    outage.cut()
    slack.hold["users.info"].set()
    server.settle()  # the turn failed; handing it back failed too: it stays here
    assert slack.of("chat.postMessage") == []
    outage.restore()
    assert stored(outage.runtime) == 1
    server.run(server.slack.intake.run_once())  # renews the lease; not yet due for another try
    server.settle()
    assert slack.of("chat.postMessage") == []
    clock.advance(FIRST_RETRY)
    server.run(server.slack.intake.run_once())
    server.settle()
    [answer] = slack.of("chat.postMessage")
    assert "What kind of visit" in text_of(answer)
    assert stored(outage.runtime) == 0 and stored(outage.runtime, ProcessedEvent) == 1
    server.run(server.slack.intake.run_once())  # nothing left to try
    server.settle()
    assert len(slack.of("chat.postMessage")) == 1


def test_what_an_instance_that_died_had_taken_is_taken_over_once_its_lease_ran_out(
        runtime: Runtime, slack: SlackStandIn, clock: SetClock) -> None:
    now = clock()
    runtime.inbox("slack").add([("message", {"event_id": "EvDead1", "team": "T0TEAM", "user": USER,
                                             "channel": dm_of(USER), "text": "help"}, "EvDead1")],
                               now, "an-instance-that-died", now + LEASE)
    server = WebApp(runtime, slack.url)
    try:
        server.run(server.slack.intake.run_once())
        server.settle()
        assert slack.of("chat.postMessage") == []  # its lease still holds
        clock.advance(LEASE + timedelta(seconds=1))
        server.run(server.slack.intake.run_once())
        server.settle()
        [answer] = slack.of("chat.postMessage")
        assert "What I can do" in text_of(answer)
        assert stored(runtime) == 0
    finally:
        server.close()


def test_a_worker_process_started_while_the_database_is_away_keeps_working(
        outage: Outage, slack: SlackStandIn) -> None:
    """The worker pool died when its process started during an outage: the initializer's database check failed,
    and a pool whose initializer fails is broken for good."""
    settings = Settings(database_url=outage.url, slack_api_url=slack.url, slack_bot_token="xoxb-test",
                        slack_signing_secret=SECRET, coach_workers=1)
    pool = job_executor(dataclasses.replace(outage.runtime, settings=settings))
    job = {"event_id": "EvPool1", "team": "T0TEAM", "user": USER, "channel": dm_of(USER), "text": "help"}
    try:
        outage.cut()
        assert pool.submit(worker.run, "message", job).result(60) == worker.RETRY
        outage.restore()
        assert pool.submit(worker.run, "message", job).result(60) == worker.DONE
    finally:
        pool.shutdown()
    assert "What I can do" in text_of(posts(slack, 1)[0])
