"""The coach in Slack: slash command, direct messages, @-mentions, buttons, modals and App Home.

Every entry point becomes one engine call for the same stored conversation (one per user and
workspace). This web side verifies, stores and acknowledges within Slack's three seconds and hands the
interaction to `bot.slack.worker` as a job: in worker processes (`COACH_WORKERS`, default 1), or in
threads of this process with `COACH_WORKERS=0` (see `bot.slack.intake`). What cannot be stored is not
acknowledged: Slack delivers an event again after a 5xx; a slash command, click or form it never resends, so
the user is told to try again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.logs import request_id
from bot.runtime import Runtime
from bot.slack import render
from bot.slack.intake import Intake
from coach.engine import Coach, Who
from coach.i18n import translator
from coach.ports import StoreUnavailable

log = logging.getLogger(__name__)
# DM messages a person wrote: plain, with a file, or a thread reply also sent to the conversation. Not answered:
# edits and deletions (message_changed, message_deleted), joins, a thread's bookkeeping, apps' posts.
WRITTEN = frozenset({None, "file_share", "thread_broadcast"})
MAX_ERROR = 150  # what Slack shows of a modal field's error message
_handed: ContextVar[list[tuple[str, dict[str, Any], str]]] = ContextVar("slack_handed")  # this delivery's jobs


class _NoBodies(logging.Filter):
    """Bolt logs the request body of a failed signature check; keep bodies out of our logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Invalid request signature detected"):
            record.msg, record.args = "Invalid request signature detected (request refused)", ()
        return True


class _StoredFirst(AsyncApp):
    """Bolt, answering Slack (over HTTP and in Socket Mode) only once what its listeners handed over is stored."""

    def __init__(self, take: Callable[[AsyncBoltRequest, Callable], Awaitable[BoltResponse]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._take = take

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        return await self._take(req, super().async_dispatch)


class SlackCoach:
    def __init__(self, runtime: Runtime, coach: Coach) -> None:
        self.runtime = runtime
        self.coach = coach
        settings = runtime.settings
        logger = logging.getLogger("salescoach.slack_bolt")
        logger.addFilter(_NoBodies())
        # The token alone: given a client too, Bolt also reads SLACK_BOT_TOKEN from the environment and warns
        # that this token goes unused. Its constructor takes no base URL, so the client it made is pointed at ours.
        self.app = _StoredFirst(
            self.take,
            token=settings.slack_bot_token,
            signing_secret=settings.slack_signing_secret or "socket-mode-does-not-sign",
            logger=logger,
            request_verification_enabled=False,  # `handle_http` checks the signature first; Socket Mode signs nothing
            process_before_response=True,  # the listeners only hand over (`submit`); the answer waits for `take`
        )
        self.app.client.base_url = settings.slack_api_url
        self.verifier = None if settings.slack_app_token else SignatureVerifier(settings.slack_signing_secret or "")
        self.intake = Intake(runtime)
        self._telling: set[asyncio.Task] = set()
        self._register()

    async def handle_http(self, request: web.Request) -> web.Response:
        """POST /slack/events: the signature is checked before anything reads the body (401 otherwise, as Bolt
        answers); a signed body that cannot be read is answered 400; then Bolt dispatches it."""
        body = await request.read()
        if self.verifier is not None:
            timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
            signature = request.headers.get("X-Slack-Signature", "")
            if not (timestamp.isdecimal() and self.verifier.is_valid(body, timestamp, signature)):
                log.info("Invalid request signature detected (request refused)")
                return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except Exception as exc:  # signed, yet not a body Slack sends
            log.warning("a signed Slack request could not be read: %s", type(exc).__name__)
            return web.json_response({"error": "malformed request"}, status=400)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def start(self, _app=None) -> None:
        await self.intake.start()

    async def stop(self, _app=None) -> None:
        """Jobs already handed over finish before the process exits."""
        await self.intake.stop()

    def submit(self, job: str, **payload: Any) -> None:
        """Hand one job of this delivery to the workers; it is stored before Slack gets its answer (`take`)."""
        _handed.get().append((job, payload, request_id.get()))

    async def take(self, request: AsyncBoltRequest, dispatch: Callable) -> BoltResponse:
        """Bolt's listeners run and `submit` their jobs; Slack's answer (the acknowledgement) goes out once those
        are stored, and says so when they could not be."""
        handed: list[tuple[str, dict[str, Any], str]] = []
        reset = _handed.set(handed)
        try:
            response = await dispatch(request)
        finally:
            _handed.reset(reset)
        if not handed or response.status != 200 or await self.intake.record(handed):
            return response
        return self._not_stored(request.body)

    def _not_stored(self, body: dict) -> BoltResponse:
        """An event is refused so that Slack delivers it again. A slash command, click or form Slack never resends:
        it gets its usual 200 and the user is told, in the coach's default language (the user's own is in the
        database), to try again."""
        if body.get("type") == "event_callback":
            return BoltResponse(status=503, body={"error": "the coach cannot store this event now; deliver it again"})
        message = self._try_again()
        if "command" in body:
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": message})
        fields = list(((body.get("view") or {}).get("state") or {}).get("values") or {})
        if body.get("type") == "view_submission" and fields:  # the modal stays open with what was typed
            return BoltResponse(status=200, body={"response_action": "errors", "errors": {fields[0]: message}})
        if body.get("type") == "block_actions":
            task = asyncio.ensure_future(self._tell(body, message))
            self._telling.add(task)
            task.add_done_callback(self._telling.discard)
        return BoltResponse(status=200, body="")

    def _try_again(self) -> str:
        return translator(self.runtime.settings.coach_language).gettext(
            "Sorry, I cannot reach my database right now, so this did not get through. Please try again in a minute.")

    async def _tell(self, body: dict, message: str) -> None:
        """Say `message` where the click was: next to the clicked message, or in the DM for one in App Home."""
        try:
            if body.get("response_url"):
                await AsyncWebhookClient(body["response_url"]).send(text=message, response_type="ephemeral",
                                                                    replace_original=False)
            else:
                await self.app.client.chat_postMessage(channel=body["user"]["id"], text=message)
        except Exception as exc:
            log.warning("could not tell the user to try again: %s", type(exc).__name__)

    def _who(self, team: str | None, user: str) -> Who:
        return Who(identity=f"slack:{user}", conversation_key=f"slack:{team or '-'}:{user}")

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

    async def on_command(self, ack, command: dict, request: AsyncBoltRequest) -> None:
        await ack()
        self.submit("command", team=command.get("team_id"), user=command["user_id"], text=command.get("text", ""),
                    channel_name=command.get("channel_name"), response_url=command.get("response_url"),
                    event_id=replay_key(request), channel=command.get("channel_id"))

    async def on_message(self, body: dict, event: dict) -> None:
        """A message in the user's DM with the coach; one in a thread is answered in that thread."""
        if (event.get("channel_type") != "im" or event.get("subtype") not in WRITTEN or event.get("bot_id")
                or not event.get("user")):
            return
        self.submit("message", event_id=body.get("event_id"), team=body.get("team_id"), user=event["user"],
                    channel=event["channel"], text=event.get("text", ""), thread=event.get("thread_ts"),
                    files=len(event.get("files") or ()))

    async def on_mention(self, body: dict, event: dict, context: AsyncBoltContext) -> None:
        self.submit("mention", event_id=body.get("event_id"), team=body.get("team_id"), user=event["user"],
                    channel=event["channel"], text=said_to(event.get("text", ""), context.bot_user_id),
                    thread=event.get("thread_ts") or event["ts"])

    async def on_home_opened(self, body: dict, event: dict) -> None:
        if event.get("tab") == "home":
            self.submit("home_opened", event_id=body.get("event_id"), team=body.get("team_id"), user=event["user"])

    async def on_choice(self, ack, body: dict, action: dict, request: AsyncBoltRequest) -> None:
        await ack()
        channel, message = self._where(body)
        self.submit("choice", team=(body.get("team") or {}).get("id"), user=body["user"]["id"],
                    value=(action.get("selected_option") or {}).get("value") or action.get("value", ""),
                    scope=render.scope_of_block(action.get("block_id", "")), channel=channel, message=message,
                    action_id=action["action_id"], block_id=action.get("block_id"), event_id=replay_key(request))

    @staticmethod
    def _where(body: dict) -> tuple[str | None, dict | None]:
        """Where the clicked message lives: a chat message, or None for App Home."""
        if body.get("container", {}).get("type") == "view":
            return None, None
        return (body.get("channel") or {}).get("id"), body.get("message")

    async def on_open_form(self, ack, body: dict, action: dict) -> None:
        await ack()
        channel, message = self._where(body)
        self.submit("open_form", team=(body.get("team") or {}).get("id"), user=body["user"]["id"],
                    scope=action.get("value", ""), channel=channel, thread_ts=(message or {}).get("thread_ts"),
                    trigger_id=body["trigger_id"])

    async def on_form_submitted(self, ack, body: dict, view: dict, request: AsyncBoltRequest) -> None:
        meta: dict[str, Any] = json.loads(view.get("private_metadata") or "{}")
        values = render.read_submission(view)
        team, user = (body.get("team") or {}).get("id"), body["user"]["id"]
        errors = await asyncio.to_thread(self._form_errors, self._who(team, user), meta.get("scope", ""), values)
        if errors:  # shown next to the fields; the modal stays open
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        self.submit("form_submitted", team=team, user=user, values=values, scope=meta.get("scope"),
                    channel=meta.get("channel"), thread_ts=meta.get("thread_ts"), event_id=replay_key(request))

    def _form_errors(self, who: Who, scope: str, values: dict) -> dict[str, str]:
        try:
            errors = self.coach.form_errors(who, scope, values)
        except StoreUnavailable:  # the modal stays open with what was typed
            errors = dict.fromkeys(list(values)[:1], self._try_again())
        return {name: message[:MAX_ERROR] for name, message in errors.items()}


def said_to(text: str, coach: str) -> str:
    """What an @-mention says to the coach (user id `coach`): the words after its mention (the last one), else
    the words before it; "help" for a bare mention. Other users' mentions are words like any other."""
    *before, after = re.split(rf"<@{re.escape(coach)}(?:\|[^>]*)?>", text)
    return after.lstrip(" :,").strip() or " ".join(before).strip(" :,") or "help"


def replay_key(request: AsyncBoltRequest) -> str:
    """What identifies one signed request: Slack sends a slash command, a click or a form once, with no event id,
    so the same timestamp and body again is a replay (within the five minutes a signature is accepted)."""
    timestamp = (request.headers.get("x-slack-request-timestamp") or [""])[0]
    return "request:" + hashlib.sha256(f"{timestamp}:{request.raw_body}".encode()).hexdigest()
