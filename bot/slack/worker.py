"""The coach's Slack work, done after the acknowledgement, in worker processes.

The web process only verifies, stores (bot.slack.intake), acknowledges and hands each interaction over
as a small JSON-able job; a worker process runs the turn, renders Block Kit and calls the Web API, and
says whether the job is to be tried again because the database could not be reached. Acks never wait
behind coaching work, however busy the coach is. Workers run at a lower CPU priority, so under a
burst Slack's acks come first and the replies follow as soon as there is room.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.logs import configure_logging, request_id, settings_secrets
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack import render
from coach import replies
from coach.commands import split
from coach.dialog import Inbound
from coach.engine import Coach, Who
from coach.i18n import normalize_language, translator
from coach.identity import Identity
from coach.ports import StoreUnavailable
from coach.registry import is_public
from coach.replies import Reply

log = logging.getLogger(__name__)
HOME_REFRESH_DELAY = 2.0  # seconds: turns in quick succession share one App Home refresh
WORKER_NICENESS = 5


def web_client(token: str | None, base_url: str) -> WebClient:
    """A Web API client that honours 429 Retry-After and retries 5xx and connection errors."""
    return WebClient(token=token, base_url=base_url, retry_handlers=[
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=5),
        ServerErrorRetryHandler(max_retry_count=2),
    ])


@dataclass
class SlackWork:
    """Everything one worker needs; built once per worker process by `start_worker`, or from the web process's
    runtime by `use_runtime`."""

    runtime: Runtime
    coach: Coach
    client: WebClient
    known: set[str] = field(default_factory=set)  # identities seen here: no users.info look-up needed
    dms: dict[str, str] = field(default_factory=dict)  # user id → the id of the coach's DM with them
    home_pending: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # who is writing ----------------------------------------------------------------------
    def who(self, team: str | None, user: str) -> Who:
        identity = f"slack:{user}"
        language = timezone = email = None
        if identity not in self.known and not self.coach.knows(identity):
            try:  # first contact: the language, time zone and e-mail (users:read.email) of the Slack profile
                info = self.client.users_info(user=user, include_locale=True).get("user") or {}
                language, timezone = normalize_language(info.get("locale")), info.get("tz")
                email = (info.get("profile") or {}).get("email")
            except Exception:  # a profile we cannot read is no reason to refuse the user
                log.warning("users.info failed for a first-time user", exc_info=True)
        with self.lock:
            if len(self.known) < 100_000:
                self.known.add(identity)
        return Who(identity=identity, conversation_key=f"slack:{team or '-'}:{user}", language=language,
                   timezone=timezone, email=email)

    def dm_of(self, user: str) -> str | None:
        """The id of the coach's DM with `user` (None if Slack does not say); asked once per user and process."""
        dm = self.dms.get(user)
        if dm is None:
            try:
                dm = self.client.conversations_open(users=user)["channel"]["id"]
            except Exception:
                log.warning("conversations.open failed", exc_info=True)
                return None
            with self.lock:
                if len(self.dms) < 100_000:
                    self.dms[user] = dm
        return dm

    def language(self, who: Who) -> str:
        return self.coach.language_of(who.identity) or self.runtime.settings.coach_language

    def turn(self, who: Who, inbound: Inbound, event_id: str | None = None) -> Reply | None:
        """The coach's answer; None when Slack redelivered an event already handled."""
        reply = self.coach.handle(who, inbound, ("slack", event_id) if event_id else None)
        if reply is not None:
            self.refresh_home_soon(who)
        return reply

    def post(self, channel: str, reply: Reply, thread_ts: str | None = None) -> None:
        for message in render.render_message(reply, language=reply.language):
            self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False, **message)

    # App Home ----------------------------------------------------------------------------
    def refresh_home_soon(self, who: Who) -> None:
        with self.lock:
            if who.identity in self.home_pending:
                return
            self.home_pending.add(who.identity)

        def refresh() -> None:
            with self.lock:
                self.home_pending.discard(who.identity)
            self.publish_home(who)

        timer = threading.Timer(HOME_REFRESH_DELAY, refresh)
        timer.daemon = True
        timer.start()

    def publish_home(self, who: Who, event_id: str | None = None) -> None:
        try:
            home = self.coach.home(who, ("slack", event_id) if event_id else None)
            if home is None:  # a redelivered app_home_opened
                return
            self.client.views_publish(user_id=Identity.parse(who.identity).id,
                                      view=render.render_home(home.blocks, language=home.language))
        except StoreUnavailable:
            if event_id:  # the app_home_opened delivery is tried again
                raise
            log.warning("could not refresh App Home: the database cannot be reached")
        except Exception:
            log.warning("could not refresh App Home", exc_info=True)

    # jobs: one per kind of interaction -----------------------------------------------------
    def command(self, team: str | None, user: str, text: str, channel_name: str | None,
                response_url: str | None, event_id: str | None = None, channel: str | None = None) -> None:
        """The answer goes to the user's DM with the coach; typed anywhere else (a channel, a group DM, a DM with
        a colleague), the user also sees a pointer to it there, only to them."""
        who = self.who(team, user)
        reply = self.turn(who, Inbound(command=text.strip() or "help"), event_id)
        if reply is None:  # a replay of a command already answered
            return
        self.post(user, reply)  # a user id as channel: the DM
        if response_url and not (channel_name == "directmessage" and channel == self.dm_of(user)):
            t = translator(self.language(who))
            try:
                WebhookClient(response_url).send(text=t.gettext("I have answered you in our direct messages."),
                                                 response_type="ephemeral")
            except Exception:
                log.warning("could not answer on the slash command's response_url", exc_info=True)

    def message(self, event_id: str | None, team: str | None, user: str, channel: str, text: str,
                thread: str | None = None, files: int = 0) -> None:
        who = self.who(team, user)
        reply = self.turn(who, Inbound(text=text), event_id)
        if reply is None:
            return
        if files and not text.strip():  # a file alone: the engine answered as to an empty message
            t = translator(reply.language)
            reply = Reply(blocks=[replies.text(t.gettext("I do not read files, only what you type.")), *reply.blocks],
                          language=reply.language)
        self.post(channel, reply, thread_ts=thread)

    def mention(self, event_id: str | None, team: str | None, user: str, channel: str, text: str,
                thread: str) -> None:
        who = self.who(team, user)
        reply = self.turn(who, Inbound(text=text), event_id)
        if reply is None:
            return
        name, _args = split(text)
        if is_public(name):  # safe to answer in a channel thread; the rest is personal
            self.post(channel, reply, thread_ts=thread)
            return
        self.post(user, reply)
        t = translator(self.language(who))
        self.client.chat_postMessage(channel=channel, thread_ts=thread,
                                     text=t.gettext("I have answered you in our direct messages."))

    def home_opened(self, event_id: str | None, team: str | None, user: str) -> None:
        self.publish_home(self.who(team, user), event_id)

    def choice(self, team: str | None, user: str, value: str, scope: str | None, channel: str | None,
               message: dict | None, action_id: str, block_id: str | None, event_id: str | None = None) -> None:
        who = self.who(team, user)
        reply = self.turn(who, Inbound(action=value, scope=scope), event_id)
        if reply is None:  # a replay of a click already handled
            return
        if message and channel:
            label = render.chosen_label(message.get("blocks", []), action_id, value) or value
            self.client.chat_update(channel=channel, ts=message["ts"], text=message.get("text", ""),
                                    blocks=render.without_actions(message.get("blocks", []), f"✓ {label}",
                                                                  block_id=block_id))
        self.post(channel or user, reply, thread_ts=(message or {}).get("thread_ts"))

    def open_form(self, team: str | None, user: str, scope: str, channel: str | None, thread_ts: str | None,
                  trigger_id: str) -> None:
        who = self.who(team, user)
        form = self.coach.pending_form(who, scope)
        if form is None:  # the form was answered meanwhile: show where the conversation is now
            self.post(channel or user, self.turn(who, Inbound(text="")))
            return
        meta = json.dumps({"scope": form.scope, "channel": channel or user, "thread_ts": thread_ts})
        self.client.views_open(trigger_id=trigger_id, view=render.render_modal(form, meta, language=self.language(who)))

    def form_submitted(self, team: str | None, user: str, values: dict[str, Any], scope: str | None,
                       channel: str | None, thread_ts: str | None, event_id: str | None = None) -> None:
        who = self.who(team, user)
        reply = self.turn(who, Inbound(form=values, scope=scope), event_id)
        if reply is not None:  # None: this form was handled already (tried again after the database came back)
            self.post(channel or user, reply, thread_ts=thread_ts)


_work: SlackWork | None = None  # this process's worker, set by use_runtime


def start_worker(settings: Settings) -> None:
    """Initializer of a worker process: lower priority than the acks, logging of its own, and the database and
    the Web API client opened once."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    configure_logging(settings_secrets(settings))
    use_runtime(Runtime.open(settings, migrate=False, check=False))  # the database may be away: turns are retried


def use_runtime(runtime: Runtime) -> None:
    """Do Slack work on `runtime`: a worker process's own, or the web process's for worker threads
    (`COACH_WORKERS=0`), whose turns and stored timestamps then read that process's one clock."""
    global _work
    settings = runtime.settings
    _work = SlackWork(runtime, runtime.coach(), web_client(settings.slack_bot_token, settings.slack_api_url))


JOBS = frozenset({"command", "message", "mention", "home_opened", "choice", "open_form", "form_submitted"})
DONE, RETRY = "done", "retry"


def run(job: str, payload: dict[str, Any], request: str = "-") -> str:
    """Do one job in this worker, logging under the request id of the delivery it came from; failures are logged
    here, where the traceback is. DONE: handled (or failed for a reason other than the database); RETRY: the
    database could not be reached, so the job is to be tried again."""
    if job not in JOBS:
        raise ValueError(f"unknown Slack job {job!r}")
    token = request_id.set(request)
    try:
        getattr(_work, job)(**payload)
    except StoreUnavailable as exc:
        log.warning("Slack job %r could not reach the database (%s); it is tried again", job, exc)
        return RETRY
    except Exception:
        log.exception("Slack job %r failed", job)
    finally:
        request_id.reset(token)
    return DONE
