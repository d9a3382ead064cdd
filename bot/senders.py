"""Proactive delivery per platform: how a reminder or digest reaches a user outside any conversation turn.

A `Sender` sends one reply. A `DigestSender` sends a digest: its summary first, then the details, which
Slack puts in the summary's thread and Teams sends as follow-up cards; images in a reply go to Slack as
file uploads (Block Kit takes no image bytes) and into the Teams card itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.reminders import Sender
from bot.runtime import Runtime
from bot.slack import render as slack_render
from coach.replies import Image, Reply

log = logging.getLogger(__name__)


class Unreachable(Exception):
    """The platform has no way to reach this user yet (in Teams: they never talked to the coach)."""


DigestSender = Callable[[str, Reply, list[Reply]], Awaitable[None]]
MAX_ALT_TEXT = 1000  # Slack's limit for a file's alt_txt


def slack_web_client(token: str | None, base_url: str) -> AsyncWebClient:
    """A Web API client that honours 429 Retry-After and retries 5xx and connection errors."""
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=[
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ])


def slack_sender(client: AsyncWebClient) -> Sender:
    async def send(identity: str, reply: Reply) -> None:
        user = identity.split(":", 1)[1]  # a user id as channel: the app's DM with them
        for message in slack_render.render_message(reply, language=reply.language):
            await client.chat_postMessage(channel=user, unfurl_links=False, **message)

    return send


def slack_digest_sender(client: AsyncWebClient) -> DigestSender:
    async def send(identity: str, summary: Reply, details: list[Reply]) -> None:
        opened = await client.conversations_open(users=identity.split(":", 1)[1])
        channel = opened["channel"]["id"]  # the DM's own id: file uploads need it, a user id will not do
        thread = None
        for message in slack_render.render_message(summary, language=summary.language):
            posted = await client.chat_postMessage(channel=channel, unfurl_links=False, **message)
            thread = thread or posted["ts"]
        async def chart() -> None:
            for picture in (b for b in summary.blocks if isinstance(b, Image)):
                await client.files_upload_v2(channel=channel, content=picture.png(), filename="forecast.png",
                                             title=picture.title, alt_txt=picture.alt[:MAX_ALT_TEXT])

        async def rest() -> None:
            for detail in details:
                for message in slack_render.render_message(detail, language=detail.language):
                    await client.chat_postMessage(channel=channel, thread_ts=thread, unfurl_links=False, **message)

        await _after_summary(chart(), "chart")  # e.g. a workspace that has not granted files:write yet
        await _after_summary(rest(), "details")

    return send


async def _after_summary(rest: Awaitable[None], what: str) -> None:
    """Once a digest's summary is out, a failure is logged, not raised: a retry would send the summary twice."""
    try:
        await rest
    except Exception as exc:
        error = getattr(getattr(exc, "response", None), "get", lambda _key: None)("error")  # Slack's error code
        log.warning("a digest's summary was sent, its %s failed: %s %s", what, type(exc).__name__, error or "")


def proactive_digest_sender(send: Sender) -> DigestSender:
    """A digest as one message after another on a platform without threads for it (Teams: follow-up cards)."""
    async def send_digest(identity: str, summary: Reply, details: list[Reply]) -> None:
        await send(identity, summary)

        async def rest() -> None:
            for detail in details:
                await send(identity, detail)

        await _after_summary(rest(), "details")

    return send_digest


def _teams(runtime: Runtime, teams=None):
    """The running TeamsCoach, or one made for sending when Teams is configured here; None without Teams."""
    if teams is None and not runtime.settings.teams_missing():
        from bot.teams.app import TeamsCoach

        teams = TeamsCoach(runtime, runtime.coach())
    return teams


def _platforms(runtime: Runtime, teams=None) -> tuple[AsyncWebClient | None, object | None]:
    """The Slack Web API client and the TeamsCoach for the platforms configured here (None where not)."""
    settings = runtime.settings
    slack = slack_web_client(settings.slack_bot_token, settings.slack_api_url) if settings.slack_bot_token else None
    return slack, _teams(runtime, teams)


def platform_senders(runtime: Runtime, teams=None) -> dict[str, Sender]:
    """Senders for the platforms configured here; `teams` is a running bot.teams.app.TeamsCoach, if any."""
    slack, teams = _platforms(runtime, teams)
    return {**({"slack:": slack_sender(slack)} if slack else {}),
            **({"teams:": teams.send_proactive} if teams else {})}


def digest_senders(runtime: Runtime, teams=None) -> dict[str, DigestSender]:
    """Digest senders for the platforms configured here, like `platform_senders`."""
    slack, teams = _platforms(runtime, teams)
    return {**({"slack:": slack_digest_sender(slack)} if slack else {}),
            **({"teams:": proactive_digest_sender(teams.send_proactive)} if teams else {})}
