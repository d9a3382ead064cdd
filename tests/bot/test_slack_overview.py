"""The weekly team overview in a Slack channel the coach was not invited to: the log says to invite it, and once
it is in, the overview goes out at the next try."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import DeliveryLoop
from bot.nudge_jobs import TeamOverview
from bot.runtime import Runtime
from bot.senders import slack_sender, slack_web_client
from coach.clock import SetClock
from storage.sales_teams import add_member, create_team, update_team
from storage.store import SqlStore
from tests.bot.slack_standin import SlackStandIn

WEEK_START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Amsterdam: the team's week begins


def test_an_overview_for_a_channel_without_the_coach_says_to_invite_it(runtime: Runtime, slack: SlackStandIn,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    with runtime.sessions() as s:
        create_team(s, "North")
        update_team(s, "North", channel="slack:C0SALES")
        add_member(s, "North", "slack:U0ANNA")
        s.commit()
        store = SqlStore(s)
        anna = store.ensure_user("slack:U0ANNA", "Anna", "en", "Europe/Amsterdam")
        store.add_followup(anna, store.get_or_create_account(anna, "Acme").id, "Call", WEEK_START - timedelta(days=3))
        store.commit()
    clock = SetClock(WEEK_START)
    assert asyncio.run(TeamOverview(runtime, ("slack:",), clock=clock).run_once()) == 1
    deliver = DeliveryLoop(runtime, {"slack:": slack_sender(slack_web_client("xoxb-test", slack.url))}, clock=clock)

    slack.errors["chat.postMessage"] = "not_in_channel"
    caplog.set_level(logging.WARNING)
    assert len(asyncio.run(deliver.run_once()).failed) == 1
    [hint] = [r.getMessage() for r in caplog.records if "not_in_channel" in r.getMessage()]
    assert "C0SALES" in hint and "/invite @coach" in hint

    del slack.errors["chat.postMessage"]  # invited
    clock.set(WEEK_START + timedelta(minutes=5))
    assert len(asyncio.run(deliver.run_once()).sent) == 1
    [post] = slack.of("chat.postMessage")
    assert post.args["channel"] == "C0SALES" and "1 follow-up" in post.args["text"]
