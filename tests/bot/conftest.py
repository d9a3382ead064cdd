"""Fixtures shared by the adapter tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.bot.slack_standin import SlackStandIn
from tests.bot.teams_standin import TeamsStandIn


@pytest.fixture
def connector() -> Iterator[TeamsStandIn]:
    """A running stand-in of the Bot Framework connector that records every call."""
    standin = TeamsStandIn()
    standin.start()
    yield standin
    standin.stop()


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    """A running stand-in of Slack's Web API that records every call."""
    standin = SlackStandIn()
    standin.start()
    yield standin
    standin.stop()
