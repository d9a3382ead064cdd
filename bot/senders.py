"""Proactive delivery per platform: how a reminder or digest reaches a user outside any conversation turn."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.reminders import Sender
from bot.runtime import Runtime
from bot.slack import render as slack_render
from coach.replies import Reply


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


def platform_senders(runtime: Runtime, teams=None) -> dict[str, Sender]:
    """Senders for the platforms configured here; `teams` is a running bot.teams.app.TeamsCoach, if any."""
    settings = runtime.settings
    senders: dict[str, Sender] = {}
    if settings.slack_bot_token:
        senders["slack:"] = slack_sender(slack_web_client(settings.slack_bot_token, settings.slack_api_url))
    if teams is None and not settings.teams_missing():
        from bot.teams.app import TeamsCoach

        teams = TeamsCoach(runtime, runtime.coach())
    if teams is not None:
        senders["teams:"] = teams.send_proactive
    return senders
