"""The coach in Slack: slash command, direct messages, @-mentions, buttons, modals and App Home.

Every entry point becomes one engine call for the same stored conversation (one per user and
workspace). Slack gets its acknowledgement first; the turn runs after it, in a worker thread, and
its reply is posted, so no interaction waits on the database within Slack's three seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.slack import render
from coach.commands import split
from coach.dialog import Inbound
from coach.engine import Coach, Who
from coach.forms import FieldError, parse_field
from coach.i18n import normalize_language, translator
from coach.replies import Reply
from storage.deliveries import claim_delivery, known_user, user_language

log = logging.getLogger(__name__)
MENTION = re.compile(r"<@[A-Z0-9]+>")
HOME_REFRESH_DELAY = 2.0  # seconds
DB_THREADS = 2
PUBLIC_COMMANDS = {"help", "spin", "smart"}  # safe to answer in a channel thread; the rest is personal


class _NoBodies(logging.Filter):
    """Bolt logs the request body of a failed signature check; keep bodies out of our logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Invalid request signature detected"):
            record.msg, record.args = "Invalid request signature detected (request refused)", ()
        return True


def web_client(token: str | None, base_url: str) -> AsyncWebClient:
    """A Web API client that honours 429 Retry-After and retries 5xx and connection errors."""
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=[
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ])


class SlackCoach:
    def __init__(self, runtime: Runtime, coach: Coach) -> None:
        self.runtime = runtime
        self.coach = coach
        settings = runtime.settings
        logger = logging.getLogger("salescoach.slack_bolt")
        logger.addFilter(_NoBodies())
        self.app = AsyncApp(
            client=web_client(settings.slack_bot_token, settings.slack_api_url),
            signing_secret=settings.slack_signing_secret or "socket-mode-does-not-sign",
            logger=logger,
            request_verification_enabled=not settings.slack_app_token,
        )
        self._background: set[asyncio.Task] = set()
        self._known: set[str] = set()  # identities seen by this process: no users.info look-up needed
        self._home_pending: set[str] = set()
        self._executor = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="coach-db")
        self._register()

    async def _db(self, fn, *args):
        """Run blocking database work off the event loop, on a small pool: few threads keep the GIL calm."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def open_http_session(self, _app=None) -> None:
        """One pooled HTTP session for all Web API calls (slack_sdk otherwise opens one per call)."""
        self.app.client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def close_http_session(self, _app=None) -> None:
        if self.app.client.session is not None:
            await self.app.client.session.close()

    # who is writing ----------------------------------------------------------------------
    async def who(self, client: AsyncWebClient, team: str | None, user: str) -> Who:
        identity = f"slack:{user}"
        language = timezone = None
        if identity not in self._known and not await self._db(known_user, self.runtime.sessions, identity):
            try:  # first contact: take the language and time zone from the Slack profile
                info = (await client.users_info(user=user, include_locale=True)).get("user") or {}
                language, timezone = normalize_language(info.get("locale")), info.get("tz")
            except Exception:  # a profile we cannot read is no reason to refuse the user
                log.warning("users.info failed for a first-time user", exc_info=True)
        if len(self._known) < 100_000:
            self._known.add(identity)
        return Who(identity=identity, conversation_key=f"slack:{team or '-'}:{user}", language=language,
                   timezone=timezone)

    async def turn(self, who: Who, inbound: Inbound) -> Reply:
        reply = await self._db(self.coach.handle, who, inbound)
        self.refresh_home_soon(who)
        return reply

    def refresh_home_soon(self, who: Who) -> None:
        """Republish the user's App Home shortly after a turn; turns in quick succession share one refresh."""
        if who.identity in self._home_pending:
            return
        self._home_pending.add(who.identity)

        async def refresh() -> None:
            await asyncio.sleep(HOME_REFRESH_DELAY)
            self._home_pending.discard(who.identity)
            await self.publish_home(who)

        self._later(refresh())

    def _later(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def post(self, client: AsyncWebClient, channel: str, reply: Reply, thread_ts: str | None = None) -> None:
        for message in render.render_message(reply, language=reply.language):
            await client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False, **message)

    async def publish_home(self, who: Who) -> None:
        try:
            home = await self._db(self.coach.home, who)
            await self.app.client.views_publish(user_id=who.identity.split(":", 1)[1],
                                                view=render.render_home(home.blocks, language=home.language))
        except Exception:
            log.warning("could not refresh App Home", exc_info=True)

    # listeners ---------------------------------------------------------------------------
    def _register(self) -> None:
        app = self.app
        app.command(re.compile(r"^/coach"))(self.on_command)
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        app.event("app_home_opened")(self.on_home_opened)
        app.action(re.compile(r"^choice:"))(self.on_choice)
        app.action("open_form")(self.on_open_form)
        app.view("coach_form")(self.on_form_submitted)

    async def on_command(self, ack, command: dict, client: AsyncWebClient, respond) -> None:
        await ack()
        who = await self.who(client, command.get("team_id"), command["user_id"])
        reply = await self.turn(who, Inbound(command=command.get("text", "").strip() or "help"))
        await self.post(client, command["user_id"], reply)  # a user id as channel: the app's DM
        if command.get("channel_name") != "directmessage":
            t = translator(await self._db(self._language, who))
            await respond(text=t.gettext("I have answered you in our direct messages."), response_type="ephemeral")

    def _language(self, who: Who) -> str:
        return user_language(self.runtime.sessions, who.identity) or self.runtime.settings.coach_language

    async def _first_delivery(self, body: dict) -> bool:
        event_id = body.get("event_id")
        return not event_id or await self._db(claim_delivery, self.runtime.sessions, "slack", event_id)

    async def on_message(self, body: dict, event: dict, client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if not await self._first_delivery(body):
            return
        who = await self.who(client, body.get("team_id"), event["user"])
        reply = await self.turn(who, Inbound(text=event.get("text", "")))
        await self.post(client, event["channel"], reply)

    async def on_mention(self, body: dict, event: dict, client: AsyncWebClient) -> None:
        if not await self._first_delivery(body):
            return
        message = MENTION.sub("", event.get("text", "")).strip() or "help"
        who = await self.who(client, body.get("team_id"), event["user"])
        reply = await self.turn(who, Inbound(text=message))
        thread = event.get("thread_ts") or event["ts"]
        name, _args = split(message)
        if name in PUBLIC_COMMANDS:
            await self.post(client, event["channel"], reply, thread_ts=thread)
            return
        await self.post(client, event["user"], reply)
        t = translator(await self._db(self._language, who))
        await client.chat_postMessage(channel=event["channel"], thread_ts=thread,
                                      text=t.gettext("I have answered you in our direct messages."))

    async def on_home_opened(self, body: dict, event: dict, client: AsyncWebClient) -> None:
        if event.get("tab") != "home" or not await self._first_delivery(body):
            return
        await self.publish_home(await self.who(client, body.get("team_id"), event["user"]))

    async def on_choice(self, ack, body: dict, action: dict, client: AsyncWebClient) -> None:
        await ack()
        value = (action.get("selected_option") or {}).get("value") or action.get("value", "")
        scope = render.scope_of_block(action.get("block_id", ""))
        who = await self.who(client, (body.get("team") or {}).get("id"), body["user"]["id"])
        channel, message = self._where(body)
        if message and channel:
            label = render.chosen_label(message.get("blocks", []), action["action_id"], value) or value
            await client.chat_update(channel=channel, ts=message["ts"], text=message.get("text", ""),
                                     blocks=render.without_actions(message.get("blocks", []), f"✓ {label}",
                                                                   block_id=action.get("block_id")))
        reply = await self.turn(who, Inbound(action=value, scope=scope))
        await self.post(client, channel or body["user"]["id"], reply,
                        thread_ts=(message or {}).get("thread_ts"))

    @staticmethod
    def _where(body: dict) -> tuple[str | None, dict | None]:
        """Where the clicked message lives: a chat message, or None for App Home."""
        if body.get("container", {}).get("type") == "view":
            return None, None
        return (body.get("channel") or {}).get("id"), body.get("message")

    async def on_open_form(self, ack, body: dict, action: dict, client: AsyncWebClient) -> None:
        await ack()
        who = await self.who(client, (body.get("team") or {}).get("id"), body["user"]["id"])
        form = await self._db(self.coach.pending_form, who, action.get("value", ""))
        channel, message = self._where(body)
        if form is None:  # the form was answered meanwhile: show where the conversation is now
            await self.post(client, channel or body["user"]["id"], await self.turn(who, Inbound(text="")))
            return
        meta = json.dumps({"scope": form.scope, "channel": channel or body["user"]["id"],
                           "thread_ts": (message or {}).get("thread_ts")})
        language = await self._db(self._language, who)
        await client.views_open(trigger_id=body["trigger_id"], view=render.render_modal(form, meta, language=language))

    async def on_form_submitted(self, ack, body: dict, view: dict, client: AsyncWebClient) -> None:
        meta: dict[str, Any] = json.loads(view.get("private_metadata") or "{}")
        values = render.read_submission(view)
        who = await self.who(client, (body.get("team") or {}).get("id"), body["user"]["id"])
        form = await self._db(self.coach.pending_form, who, meta.get("scope", ""))
        if form is not None:
            errors = self._field_errors(form, values, await self._db(self._language, who))
            if errors:
                await ack(response_action="errors", errors=errors)
                return
        await ack()
        reply = await self.turn(who, Inbound(form=values, scope=meta.get("scope")))
        await self.post(client, meta.get("channel") or body["user"]["id"], reply, thread_ts=meta.get("thread_ts"))

    @staticmethod
    def _field_errors(form, values: dict, language: str) -> dict[str, str]:
        from datetime import date

        errors = {}
        for field in form.fields:
            try:
                parse_field(field, values.get(field.name), translator(language), date.today())
            except FieldError as exc:
                errors[field.name] = str(exc)[:150]
        return errors
