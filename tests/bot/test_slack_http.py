"""The Slack adapter: signed requests to the coach's web app, Slack's Web API played by a stand-in.

Most tests run the web app in this process (bot/server.py's routes, the Bolt app, the worker jobs on threads)
on the test's runtime and clock. A few smoke tests run `salescoach serve` as a real process: signed HTTP end to
end with a worker process, a graceful shutdown, a worker process that dies, and Socket Mode.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from coach.clock import SetClock
from storage.models import FollowUp, ProcessedEvent, User, Visit
from tests.bot.slack_server import ServeProcess
from tests.bot.slack_standin import BOT_USER, SlackStandIn, dm_of
from tests.bot.web_app import WebApp
from tests.conftest import TEST_NOW

USER = "U0ALICE"


@pytest.fixture
def server(runtime: Runtime, slack: SlackStandIn) -> Iterator[WebApp]:
    app = WebApp(runtime, slack.url)
    yield app
    app.close()


def wait_for(predicate, timeout: float = 30.0):
    """Poll `predicate` until it gives something true; for a server in another process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def posts(slack: SlackStandIn, n: int) -> list:
    """Wait until at least n chat.postMessage calls arrived; return them all."""
    return wait_for(lambda: (calls := slack.of("chat.postMessage")) and len(calls) >= n and calls)


def text_of(call) -> str:
    return json.dumps(call.args.get("blocks", []), ensure_ascii=False) + call.args.get("text", "")


def find_element(message: dict, predicate) -> tuple[dict, dict]:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if predicate(element):
                return block, element
    raise AssertionError(f"no such element in {json.dumps(message)[:2000]}")


def button(label: str):
    return lambda e: e.get("type") == "button" and e["text"]["text"] == label


def count(runtime: Runtime, model) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_health(server: WebApp) -> None:
    response = server.get("/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "current"}


def test_forged_or_stale_requests_are_refused_and_do_nothing(server: WebApp, slack: SlackStandIn, runtime: Runtime,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    assert server.slash(USER, "help SECRET-BODY-MARKER", secret="wrong").status == 401
    assert server.slash(USER, "help", timestamp=int(time.time()) - 6 * 60).status == 401
    server.settle()
    assert slack.calls == [] and count(runtime, User) == 0
    assert "Invalid request signature detected (request refused)" in caplog.text  # Bolt did log the refusal …
    assert "SECRET-BODY-MARKER" not in caplog.text  # … without the body


def test_slash_command_answers_in_the_dm_in_the_users_language(server: WebApp, slack: SlackStandIn) -> None:
    slack.users[USER] = {"locale": "nl-NL", "tz": "Europe/Amsterdam"}
    assert server.slash(USER, "help", channel="C0SALES", channel_name="sales").status == 200
    server.settle()
    [post] = slack.of("chat.postMessage")
    assert post.args["channel"] == USER and "Wat ik kan doen" in text_of(post)
    assert slack.of("users.info")[0].args["user"] == USER


def test_the_slack_profiles_email_becomes_the_users_so_the_crm_sync_can_match_their_owner(
        server: WebApp, slack: SlackStandIn, runtime: Runtime) -> None:
    """Issue 14: users.info gives the e-mail with the users:read.email scope; a link set by hand is kept."""
    slack.users[USER] = {"locale": "en-GB", "email": "Anna.de.Vries@example.com"}
    slack.users["U0SET"] = {"email": "a.profile@example.com"}
    with runtime.sessions.begin() as s:
        s.add(User(identity="slack:U0SET", email="linked.by.hand@example.com"))
    assert server.dm(USER, "help", "EvMail1").status == 200
    assert server.dm("U0SET", "help", "EvMail2").status == 200
    server.settle()
    with runtime.sessions() as s:
        emails = dict(s.execute(select(User.identity, User.email)).all())
    assert emails == {f"slack:{USER}": "Anna.de.Vries@example.com", "slack:U0SET": "linked.by.hand@example.com"}


def test_retried_event_is_handled_once(server: WebApp, slack: SlackStandIn, runtime: Runtime) -> None:
    assert server.dm(USER, "help", "Ev001").status == 200
    assert server.dm(USER, "help", "Ev001", headers={"X-Slack-Retry-Num": "1",
                                                     "X-Slack-Retry-Reason": "http_timeout"}).status == 200
    server.settle()
    assert len(slack.of("chat.postMessage")) == 1
    assert count(runtime, ProcessedEvent) == 1


def test_slack_work_reads_the_servers_clock(server: WebApp, runtime: Runtime, clock: SetClock) -> None:
    """The worker threads (COACH_WORKERS=0) work on the web process's runtime: one clock for the whole process."""
    clock.set(TEST_NOW.replace(year=2031))
    assert server.dm(USER, "help", "Ev003").status == 200
    server.settle()
    with runtime.sessions() as s:
        assert s.scalar(select(ProcessedEvent.received_at)) == TEST_NOW.replace(year=2031)


def test_rate_limited_post_is_retried_and_arrives_once(server: WebApp, slack: SlackStandIn) -> None:
    slack.rate_limit_next["chat.postMessage"] = 1
    assert server.dm(USER, "help", "Ev002").status == 200
    server.settle()
    assert len(slack.of("chat.postMessage:429")) == 1 and len(slack.of("chat.postMessage")) == 1


def test_user_text_cannot_ping_the_channel(server: WebApp, slack: SlackStandIn) -> None:
    server.slash(USER, "prep <!channel> <@U0BOSS> & co")
    server.settle()
    [post] = slack.of("chat.postMessage")
    parsed = [post.args["text"], *mrkdwn_texts(post.args["blocks"])]  # plain_text is never parsed by Slack
    assert not any("<!channel>" in t or "<@U0BOSS>" in t for t in parsed)
    assert any("&lt;!channel&gt;" in t for t in parsed)


def mrkdwn_texts(node) -> list[str]:
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" else []
        return own + [t for value in node.values() for t in mrkdwn_texts(value)]
    return []


def test_mention_answers_help_in_a_thread_and_personal_coaching_in_a_dm(server: WebApp, slack: SlackStandIn) -> None:
    server.event({"type": "app_mention", "channel": "C0SALES", "user": USER, "text": f"<@{BOT_USER}> help",
                  "ts": "111.222"}, "Ev010")
    server.settle()
    [first] = slack.of("chat.postMessage")
    assert first.args["channel"] == "C0SALES" and first.args["thread_ts"] == "111.222"
    server.event({"type": "app_mention", "channel": "C0SALES", "user": USER, "text": f"<@{BOT_USER}> pipeline",
                  "ts": "111.333"}, "Ev011")
    server.settle()
    calls = slack.of("chat.postMessage")
    assert len(calls) == 3 and {c.args["channel"] for c in calls[1:]} == {USER, "C0SALES"}


def test_app_home_is_published(server: WebApp, slack: SlackStandIn) -> None:
    server.event({"type": "app_home_opened", "user": USER, "channel": "D0DM", "tab": "home"}, "Ev020")
    server.settle()
    [call] = slack.of("views.publish")
    assert call.args["user_id"] == USER and call.args["view"]["type"] == "home"


def test_bolt_is_given_the_token_once_and_talks_to_the_configured_api(runtime: Runtime, slack: SlackStandIn,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    """SLACK_BOT_TOKEN in the environment, as a deployment sets it: Bolt does not warn that a token goes unused,
    and its own calls (auth.test) go to SLACK_API_URL."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    caplog.set_level(logging.WARNING)
    app = WebApp(runtime, slack.url)
    try:
        assert app.dm(USER, "help", "Ev030").status == 200
        app.settle()
    finally:
        app.close()
    assert "will be unused" not in caplog.text
    assert slack.of("auth.test") and slack.of("chat.postMessage")


def test_without_slack_settings_the_endpoint_says_what_is_missing(runtime: Runtime) -> None:
    app = WebApp(runtime, slack_bot_token=None, slack_signing_secret=None)
    try:
        response = app.slash(USER, "help")
        assert response.status == 503
        assert response.json()["missing_settings"] == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
        assert app.get("/healthz").status == 200
    finally:
        app.close()


def test_full_round_trip_prep_call_plan_debrief_follow_up(server: WebApp, slack: SlackStandIn,
                                                          runtime: Runtime) -> None:
    def last_post() -> dict:
        call = slack.of("chat.postMessage")[-1]
        return {"ts": "9.1", "text": call.args.get("text", ""), "blocks": call.args.get("blocks", [])}

    def step(action, expect: str) -> dict:
        before = len(slack.of("chat.postMessage"))
        assert action().status == 200
        server.settle()
        assert len(slack.of("chat.postMessage")) > before
        assert expect in text_of(slack.of("chat.postMessage")[-1]), text_of(slack.of("chat.postMessage")[-1])
        return last_post()

    def click(message: dict, label: str, expect: str) -> dict:
        block, element = find_element(message, button(label))
        return step(lambda: server.click(USER, message, block, element, USER), expect)

    def open_and_submit(message: dict, values: dict, expect: str) -> dict:
        opened = len(slack.of("views.open"))
        block, element = find_element(message, lambda e: e["action_id"] == "open_form")
        assert server.click(USER, message, block, element, USER).status == 200
        server.settle()
        assert len(slack.of("views.open")) == opened + 1
        view = slack.of("views.open")[-1].args["view"]
        state = {}
        for block in view["blocks"]:
            name = block["block_id"]
            if name in values:
                kind = block["element"]["type"]
                raw = values[name]
                state[name] = {"value": (
                    {"type": kind, "selected_date": raw} if kind == "datepicker" else
                    {"type": kind, "selected_option": {"value": raw}} if kind == "static_select" else
                    {"type": kind, "selected_options": [{"value": v} for v in raw]}
                    if kind == "multi_static_select" else {"type": kind, "value": raw})}
        return step(lambda: server.submit_view(USER, view, state), expect)

    msg = step(lambda: server.slash(USER, "prep Acme"), "What kind of visit")
    msg = click(msg, "First / orientation visit", "1/10")
    msg = click(msg, "Skip the rest", "Internal objective")
    msg = open_and_submit(msg, {"items": ["dmu", "contract_end"]}, "External objective")
    msg = click(msg, "Use this", "goal for this visit")
    msg = step(lambda: server.dm(USER, "At the end of the visit I know who decides and when their contract "
                                       "ends, and we have a follow-up appointment", "Ev100"), "SPIN")
    msg = step(lambda: server.dm(USER, "What does a late delivery cost you?", "Ev101"), "Implication")
    msg = click(msg, "Done", "Call plan: Acme")
    msg = click(msg, "Tomorrow", "remind you to debrief")
    assert count(runtime, Visit) == 1
    with runtime.sessions() as s:  # "tomorrow" is the day after the server's today, not the wall clock's
        [debrief_due] = s.scalars(select(FollowUp.due_at)).all()
    assert debrief_due.astimezone(ZoneInfo("Europe/Amsterdam")).date() == date(2026, 11, 25)
    msg = step(lambda: server.slash(USER, "debrief Acme"), "which deal")
    msg = click(msg, "A new deal", "Where does the deal stand")
    msg = click(msg, "Still open", "Debrief")
    msg = open_and_submit(msg, {"outcome": "They want a proposal", "stage": "hot prospect", "amount": "4.630,50",
                                "probability": "40", "decision_date": "2027-03-15", "dmu_known": "yes",
                                "next_step": "Send the proposal", "follow_up": "2027-01-05"}, "Did you reach it?")
    msg = click(msg, "Reached", "What did you find out?")  # the internal objectives chosen in the preparation
    msg = open_and_submit(msg, {}, "Saved: Acme")
    msg = step(lambda: server.slash(USER, "followups"), "Send the proposal")
    click(msg, "Done", "Done: Send the proposal")
    assert count(runtime, FollowUp) == 2  # the debrief reminder (closed by the debrief) and this one
    updates = slack.of("chat.update")  # every clicked message lost its buttons: no stale choices remain
    assert updates and all(b["type"] != "actions" for u in updates for b in u.args["blocks"])


# Smoke tests: `salescoach serve` as a real process ---------------------------------------------------------

def test_signed_http_end_to_end_with_a_worker_process(database_url: str, slack: SlackStandIn) -> None:
    proc = ServeProcess(database_url, slack.url, clock=TEST_NOW)
    try:
        assert proc.get("/healthz").json()["database"] == "ok"
        assert proc.slash(USER, "help SECRET-BODY-MARKER", secret="wrong").status == 401
        assert proc.slash(USER, "help", channel="C0SALES", channel_name="sales").status == 200
        [post] = posts(slack, 1)
        assert post.args["channel"] == USER and "What I can do" in text_of(post)
        log = proc.log()
        assert "Slack: HTTP on /slack/events" in log
        assert "Teams: off (missing MicrosoftAppId, MicrosoftAppPassword)" in log
        assert "Invalid request signature detected (request refused)" in log and "SECRET-BODY-MARKER" not in log
        assert "will be unused" not in log  # Bolt is given the token once (SLACK_BOT_TOKEN is in the environment)
    finally:
        proc.stop()


def test_work_acked_before_a_shutdown_is_still_done(database_url: str, slack: SlackStandIn) -> None:
    """SIGTERM right after the acks: the workers finish every turn and post before the server exits."""
    proc = ServeProcess(database_url, slack.url, clock=TEST_NOW)
    for n in range(20):
        assert proc.slash(f"U0SHUT{n:02d}", "help").status == 200
    proc.stop()
    assert proc.proc.returncode == 0, proc.log()
    replies = slack.of("chat.postMessage")
    assert sorted(p.args["channel"] for p in replies) == [f"U0SHUT{n:02d}" for n in range(20)]
    assert all("What I can do" in text_of(p) for p in replies)


def test_socket_mode_takes_a_slash_command_without_a_public_url(database_url: str, slack: SlackStandIn) -> None:
    """With SLACK_APP_TOKEN the server connects out (apps.connections.open, then a websocket)."""
    slack.socket_envelopes.append({
        "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
        "payload": {"command": "/coach", "text": "help", "user_id": USER, "team_id": "T0TEAM",
                    "channel_id": dm_of(USER), "channel_name": "directmessage", "trigger_id": "t",
                    "response_url": "http://127.0.0.1:9/respond"}})
    proc = ServeProcess(database_url, slack.url, clock=TEST_NOW,
                        extra_env={"SLACK_APP_TOKEN": "xapp-test", "SLACK_SIGNING_SECRET": "", "COACH_WORKERS": "0"})
    try:
        [post] = posts(slack, 1)
        assert post.args["channel"] == USER and "What I can do" in text_of(post)
        wait_for(lambda: any(ack.get("envelope_id") == "env-1" for ack in slack.socket_acks))
        assert slack.of("apps.connections.open")
        assert "Slack: Socket Mode" in proc.log()
    finally:
        proc.stop()


def test_a_worker_process_that_died_is_replaced_and_the_coach_keeps_answering(database_url: str,
                                                                               slack: SlackStandIn) -> None:
    server = ServeProcess(database_url, slack.url, clock=TEST_NOW)
    try:
        assert server.slash(USER, "help").status == 200
        posts(slack, 1)
        children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text().split()
        workers = [int(c) for c in children if "multiprocessing.spawn" in Path(f"/proc/{c}/cmdline").read_bytes()
                   .decode(errors="replace")]
        assert len(workers) == 1, children
        os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
        # The pool reaps a dead worker only after marking itself broken: once it is gone, the pool knows.
        wait_for(lambda: not Path(f"/proc/{workers[0]}").exists())
        assert server.slash(USER, "help").status == 200
        try:
            answered = posts(slack, 2)
        except AssertionError:  # what the server said is what tells why
            raise AssertionError("no answer from the new worker; the server's log:\n" + server.log()) from None
        assert "What I can do" in text_of(answered[-1])
        assert "the Slack worker process died; starting a new one" in server.log()
    finally:
        server.stop()


def test_the_signature_is_checked_before_the_body_is_read(server: WebApp, slack: SlackStandIn, runtime: Runtime,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    form = "application/x-www-form-urlencoded"
    unsigned = server.post("/slack/events", b"payload=%7Bnot-json", {"Content-Type": form})
    bad_timestamp = server.post("/slack/events", b"payload=%7Bnot-json", {
        "Content-Type": form, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"})
    assert (unsigned.status, bad_timestamp.status) == (401, 401)
    assert server.post_signed(b"payload=%7Bnot-json", form).status == 400  # signed, but not what Slack sends
    assert server.post_signed(b"{not json", "application/json").status == 400
    server.settle()
    assert slack.calls == [] and count(runtime, User) == 0
    assert "Traceback" not in caplog.text


def test_a_replayed_slash_command_or_click_is_handled_once(server: WebApp, slack: SlackStandIn) -> None:
    """Slack sends a command or a click once; the same signed request again (within the five minutes its
    signature holds) is a replay, answered 200 and otherwise ignored."""
    sent_at = int(time.time())  # Slack's protocol: signatures are checked against the wall clock
    for _ in range(3):
        assert server.slash(USER, "prep Acme", timestamp=sent_at, trigger_id="t-replayed").status == 200
    server.settle()
    [question] = slack.of("chat.postMessage")
    assert "What kind of visit" in text_of(question)
    message = {"ts": "1700000000.000100", "blocks": question.args["blocks"], "text": question.args.get("text", "")}
    block = next(b for b in message["blocks"] if b.get("type") == "actions")
    for _ in range(3):
        assert server.click(USER, message, block, block["elements"][0], USER, timestamp=sent_at,
                            trigger_id="t-clicked").status == 200
    server.settle()
    posts = slack.of("chat.postMessage")
    assert len(posts) == 2 and "1/10" in text_of(posts[1])  # one answer to the click, not three
    assert len(slack.of("chat.update")) == 1
