"""Proactive delivery per platform: how an outbox message reaches a user outside any conversation turn.

A `Sender` sends one message: its reply, then the replies of its thread (a digest's details), which Slack
puts in the reply's thread and Teams sends as follow-up cards. Images in a reply go to Slack as file
uploads (Block Kit takes no image bytes) and into the Teams card itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.slack import render as slack_render
from coach.identity import Identity
from coach.outgoing import Outgoing
from coach.replies import Image, Reply

log = logging.getLogger(__name__)
Sender = Callable[[Outgoing], Awaitable[None]]
MAX_ALT_TEXT = 1000  # Slack's limit for a file's alt_txt


class Unreachable(Exception):
    """The platform has no way to reach this user yet (in Teams: they never talked to the coach)."""


def slack_web_client(token: str | None, base_url: str) -> AsyncWebClient:
    """A Web API client that honours 429 Retry-After and retries 5xx and connection errors."""
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=[
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ])


def slack_sender(client: AsyncWebClient) -> Sender:
    async def send(message: Outgoing) -> None:
        target = Identity.parse(message.recipient).id
        pictures = [b for b in message.reply.blocks if isinstance(b, Image)]
        channel = target  # a user id as channel: the app's DM with them
        if (message.thread or pictures) and target.startswith(("U", "W")):
            opened = await client.conversations_open(users=target)
            channel = opened["channel"]["id"]  # the DM's own id: file uploads need it, a user id will not do
        thread = None
        for part in slack_render.render_message(message.reply, language=message.reply.language):
            try:
                posted = await client.chat_postMessage(channel=channel, unfurl_links=False, **part)
            except SlackApiError as exc:
                if exc.response.get("error") == "not_in_channel":  # a team's channel the bot was not invited to
                    log.error("Slack channel %s: not_in_channel, the coach cannot post the %s there until it is "
                              "invited (in the channel: /invite @coach, or the name you gave the app); it is tried "
                              "again", channel, message.kind)
                raise
            thread = thread or posted["ts"]

        async def chart() -> None:
            for picture in pictures:
                await client.files_upload_v2(channel=channel, content=picture.png(), filename="forecast.png",
                                             title=picture.title, alt_txt=picture.alt[:MAX_ALT_TEXT])

        async def rest() -> None:
            for detail in message.thread:
                for part in slack_render.render_message(detail, language=detail.language):
                    await client.chat_postMessage(channel=channel, thread_ts=thread, unfurl_links=False, **part)

        if pictures:
            await _after_first(chart(), "image")  # e.g. a workspace that has not granted files:write yet
        if message.thread:
            await _after_first(rest(), "thread")

    return send


async def _after_first(rest: Awaitable[None], what: str) -> None:
    """Once a message's reply is out, a failure of the rest is logged, not raised: a retry would send the reply
    twice."""
    try:
        await rest
    except Exception as exc:
        error = getattr(getattr(exc, "response", None), "get", lambda _key: None)("error")  # Slack's error code
        log.warning("a message's reply was sent, its %s failed: %s %s", what, type(exc).__name__, error or "")


def proactive_sender(send: Callable[[str, Reply], Awaitable[None]]) -> Sender:
    """Messages for a platform that sends one reply at a time (Teams): the thread as follow-up cards."""
    async def send_message(message: Outgoing) -> None:
        await send(message.recipient, message.reply)

        async def rest() -> None:
            for detail in message.thread:
                await send(message.recipient, detail)

        if message.thread:
            await _after_first(rest(), "thread")

    return send_message


def platform_senders(runtime: Runtime, teams=None) -> dict[str, Sender]:
    """Senders for the platforms configured here; `teams` is a running bot.msteams.app.TeamsCoach, if any (one is
    made for sending when Teams is configured)."""
    settings = runtime.settings
    if teams is None and not settings.teams_missing():
        from bot.msteams.app import TeamsCoach

        teams = TeamsCoach(runtime, runtime.coach())
    senders: dict[str, Sender] = {}
    if settings.slack_bot_token:
        senders["slack:"] = slack_sender(slack_web_client(settings.slack_bot_token, settings.slack_api_url))
    if teams is not None:
        senders["teams:"] = proactive_sender(teams.send_proactive)
    return senders
