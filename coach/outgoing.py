"""What a scheduled job hands to the outbox: one message for one recipient, to be sent once.

The jobs (reminders, the daily nudge, the team overview, the weekly digest) decide what to say, to whom and
when; `storage.outbox` keeps each message until `bot.delivery` has sent it. The dedupe key names the
occasion, like "slack:U0123:nudge:2026-11-24": producing the same occasion again (a second instance, a
rerun) adds nothing. A key about one user starts with their identity, so deleting the user finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coach.identity import Identity
from coach.replies import Reply

Kind = Literal["reminder", "nudge", "team-overview", "digest", "crm-notice"]
MAX_RETRY_DELAY = timedelta(hours=1)


class Outgoing(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    recipient: str = Field(max_length=300)  # "slack:U0123", "teams:<aad id>", or a team's channel "slack:C0123"
    reply: Reply
    thread: list[Reply] = Field(default_factory=list)  # after `reply`: in its Slack thread, as cards in Teams
    dedupe_key: str = Field(max_length=300)
    expires_at: datetime | None = None  # not delivered by then: dropped (yesterday's nudge, a digest a day late)


def platform(recipient: str) -> str:
    """The platform prefix of an identity or channel: "slack:", "teams:"."""
    return Identity.parse(recipient).platform + ":"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed send: 1, 2, 4 … minutes, at most an hour."""
    return min(MAX_RETRY_DELAY, timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)))


LEASE = timedelta(seconds=30)  # renewed while a send runs; a dead instance's message waits at most this long


@dataclass(frozen=True)
class Claimed:
    id: int
    message: Outgoing
    attempts: int  # this one included
