"""Teams' signing keys while Microsoft's key endpoint hangs: a forged token must not hold up the server (issue 12,
item 3).

The coach's web app runs in this process as `salescoach serve` runs it: Slack, Teams and /healthz on one event
loop. Its key fetch is the real one, through a local proxy (HTTPS_PROXY for Microsoft's own metadata URL,
HTTP_PROXY for the stand-in's) that holds every connection without answering until the test moves it on. The
test talks to the app from its own threads over HTTP, so a frozen app shows as a request left unanswered.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from botframework.connector.auth import AuthenticationConstants, ChannelValidation, MicrosoftAppCredentials

from bot.msteams.openid_keys import BACKOFF, SigningKeys
from bot.runtime import Runtime
from coach.clock import SetClock
from tests.bot.slack_server import CoachServer, Response
from tests.bot.slack_standin import SlackStandIn
from tests.bot.teams_client import TENANT, TeamsUser, activity, post_activity
from tests.bot.teams_standin import TeamsStandIn
from tests.bot.test_teams_http import APP_ID, other_key, texts
from tests.bot.web_app import WebApp

ANSWER = 20  # seconds: a request not answered by then is stuck behind the key fetch
MICROSOFT = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
USER = TeamsUser(aad="00000000-0000-0000-0000-0000000000c1")


class HoldingProxy:
    """A forward proxy in front of a key endpoint that hangs: the only host here not named 127.0.0.1. It records
    each request for the key endpoint; while "hold" (the start) it answers those with nothing, and when the test
    moves on the held ones are closed unanswered and new ones closed unanswered ("drop") or, but for a CONNECT,
    passed on ("forward"). Requests for 127.0.0.1 (the stand-ins, the Slack SDK's way) are passed on at once."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.mode = "hold"
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, mode: str) -> None:
        with self._lock:
            self.mode = mode
        if mode != "hold":
            self._loop.call_soon_threadsafe(self._moved.set)

    def seen(self) -> list[str]:
        """The requests for the key endpoint so far."""
        with self._lock:
            return list(self.requests)

    def wait_for(self, n: int) -> list[str]:
        deadline = time.monotonic() + ANSWER
        while len(self.seen()) < n:
            assert time.monotonic() < deadline, f"expected {n} requests through the proxy, saw {self.seen()}"
            time.sleep(0.02)
        return self.seen()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            host = target.rsplit(":", 1)[0] if method == "CONNECT" else urlsplit(target).hostname
            if host == "127.0.0.1":
                mode = "forward"
            else:
                with self._lock:
                    self.requests.append(f"{method} {target}")
                    mode = self.mode
            if mode == "hold":
                await self._moved.wait()
            elif mode == "forward" and method != "CONNECT":
                writer.write(await _forwarded(method, target, head, reader))
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    def start(self) -> None:
        ready = threading.Event()

        async def main() -> None:  # asyncio.run ends the connections still open when it returns
            self._loop, self._moved, self._stopping = asyncio.get_running_loop(), asyncio.Event(), asyncio.Event()
            server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await self._stopping.wait()
            server.close()

        self._thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop(self) -> None:
        self.set("drop")
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)


HOP_BY_HOP = ("connection", "proxy-connection", "keep-alive", "proxy-authorization")


async def _forwarded(method: str, target: str, head: bytes, client: asyncio.StreamReader) -> bytes:
    """The target's whole answer to the request in `head` (absolute-form, as sent to a proxy) and its body."""
    fields = [(line.split(":", 1)[0].strip().lower(), line) for line in head.decode("latin-1").split("\r\n")[1:]
              if line]
    length = next((int(line.split(":", 1)[1]) for name, line in fields if name == "content-length"), 0)
    body = await client.readexactly(length)
    url = urlsplit(target)
    reader, writer = await asyncio.open_connection(url.hostname, url.port or 80)
    request = [f"{method} {url.path or '/'}{'?' + url.query if url.query else ''} HTTP/1.1",
               *(line for name, line in fields if name not in HOP_BY_HOP), "Connection: close", "", ""]
    writer.write("\r\n".join(request).encode("latin-1") + body)
    try:
        return await reader.read()
    finally:
        writer.close()


class Direct(CoachServer):
    """The web app over HTTP from the calling thread, never through a proxy, each request with a deadline."""

    def __init__(self, app: WebApp) -> None:
        self.host, self.port = app.client.host, app.client.port

    def get(self, path: str) -> Response:
        return self._request("GET", path)

    def post(self, path: str, data: bytes, headers: dict[str, str]) -> Response:
        return self._request("POST", path, data, headers)

    def _request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None) -> Response:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=ANSWER)
        try:
            connection.request(method, path, body=data, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.read().decode(), dict(response.getheaders()))
        finally:
            connection.close()


@pytest.fixture
def proxy() -> Iterator[HoldingProxy]:
    held = HoldingProxy()
    held.start()
    yield held
    held.stop()


def serve_behind(proxy: HoldingProxy | None, metadata_url: str | None, runtime: Runtime, slack: SlackStandIn,
                 monkeypatch: pytest.MonkeyPatch, timeout: float = 3 * ANSWER) -> WebApp:
    """The app with an app id, its tokens checked against the keys behind `metadata_url` (None: Microsoft's),
    fetched through `proxy` (if any) with `timeout`. By default only the proxy ends a fetch it holds."""
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", metadata_url)
    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", lambda self, force_refresh=False: "coach-token")
    app = WebApp(runtime, slack.url, microsoft_app_id=APP_ID, microsoft_app_password="app-password-value",
                 microsoft_app_tenant_id=TENANT)
    app.teams.keys = SigningKeys(app.runtime.clock, timeout=timeout)
    if proxy is not None:  # the stand-ins at 127.0.0.1 are reached directly, but by the Slack SDK (it ignores NO_PROXY)
        for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(name, raising=False)
        scheme = urlsplit(metadata_url or MICROSOFT).scheme
        monkeypatch.setenv("HTTPS_PROXY" if scheme == "https" else "HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    return app


def through_proxy(connector: TeamsStandIn) -> str:
    """The stand-in's metadata URL by a name the proxy is not bypassed for."""
    return connector.openid_url.replace("//127.0.0.1:", "//localhost:")


def first_request(metadata_url: str | None) -> str:
    url = urlsplit(metadata_url or MICROSOFT)
    return f"CONNECT {url.hostname}:443" if url.scheme == "https" else f"GET {url.geturl()}"


def refused(response: Response) -> bool:
    return response.status == 401 and response.json() == {"error": "unauthorized"}


def not_taken(response: Response) -> bool:
    """No keys to check the token with: neither accepted nor called forged; the sender is to try again."""
    return response.status == 503 and response.headers.get("Retry-After") == "30"


@pytest.mark.parametrize("where", ["microsoft-https", "stand-in-http"])
def test_a_forged_token_while_the_key_endpoint_hangs_holds_up_nothing_else(
        where: str, proxy: HoldingProxy, runtime: Runtime, slack: SlackStandIn, connector: TeamsStandIn,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    metadata_url = None if where == "microsoft-https" else through_proxy(connector)
    app = serve_behind(proxy, metadata_url, runtime, slack, monkeypatch)
    direct = Direct(app)
    pool = ThreadPoolExecutor(2)
    try:
        first = pool.submit(post_activity, direct, activity(USER, connector.url, text="help"),
                            connector.token(APP_ID, key=other_key()))
        assert proxy.wait_for(1) == [first_request(metadata_url)]  # its key fetch hangs at the proxy
        assert direct.get("/healthz").status == 200
        assert direct.slash("U0KEYS", "help").status == 200  # Slack's ack
        second = pool.submit(post_activity, direct, activity(USER, connector.url, text="help"),
                             connector.token(APP_ID, key=other_key()))
        assert not first.done()  # still waiting for the keys
        proxy.set("drop")
        assert not_taken(first.result(ANSWER)) and not_taken(second.result(ANSWER))
        valid = post_activity(direct, activity(USER, connector.url, text="help"), connector.token(APP_ID))
        assert not_taken(valid)  # within the backoff after the failure: at once, without a fetch
        assert proxy.seen() == [first_request(metadata_url)]  # one fetch for all three
    finally:
        proxy.set("drop")
        pool.shutdown()
        app.close()
    assert connector.calls == []
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert [(r.name, r.levelname) for r in problems] == [("bot.msteams.openid_keys", "WARNING")], caplog.text
    assert "Teams requests are refused, next try in 30 s" in problems[0].getMessage()


def test_after_failed_fetches_the_keys_are_tried_again_with_a_growing_backoff_and_then_kept(
        proxy: HoldingProxy, runtime: Runtime, slack: SlackStandIn, connector: TeamsStandIn, clock: SetClock,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    app = serve_behind(proxy, through_proxy(connector), runtime, slack, monkeypatch)
    direct = Direct(app)

    def forged() -> Response:
        return post_activity(direct, activity(USER, connector.url, text="help"),
                             connector.token(APP_ID, key=other_key()))

    try:
        proxy.set("drop")  # the key endpoint is down
        assert not_taken(forged()) and len(proxy.seen()) == 1
        clock.advance(BACKOFF - timedelta(seconds=1))
        assert not_taken(forged()) and len(proxy.seen()) == 1
        clock.advance(timedelta(seconds=2))
        assert not_taken(forged()) and len(proxy.seen()) == 2  # tried again, failed again: now twice as long
        clock.advance(BACKOFF + timedelta(seconds=1))
        assert not_taken(forged()) and len(proxy.seen()) == 2
        proxy.set("forward")  # it is back
        clock.advance(BACKOFF)
        answered = post_activity(direct, activity(USER, connector.url, text="help"), connector.token(APP_ID))
        assert answered.status in (200, 201), answered.body
        assert len(proxy.seen()) == 3 and "What I can do" in texts(connector.activities())
        failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert [m[m.index("next try"):] for m in failures] == ["next try in 30 s", "next try in 60 s"]
        caplog.clear()
        assert refused(forged()) and len(proxy.seen()) == 3  # checked against the keys kept
        proxy.set("drop")  # gone again when they are a day old: they stay in use
        clock.advance(timedelta(days=1, seconds=1))
        answered = post_activity(direct, activity(USER, connector.url, text="help"), connector.token(APP_ID))
        assert answered.status in (200, 201) and len(proxy.seen()) == 4
    finally:
        app.close()
    refusal, failure = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert refusal.name == "bot.msteams.app" and refusal.exc_info is None
    assert "the keys fetched before stay in use, next try in 30 s" in failure.getMessage()


def test_a_fetch_the_proxy_never_answers_ends_at_the_timeout(
        proxy: HoldingProxy, runtime: Runtime, slack: SlackStandIn, connector: TeamsStandIn,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    app = serve_behind(proxy, None, runtime, slack, monkeypatch, timeout=0.5)
    try:
        response = post_activity(Direct(app), activity(USER, connector.url, text="help"),
                                 connector.token(APP_ID, key=other_key()))
        assert not_taken(response)
        assert proxy.wait_for(1) == [first_request(None)] and proxy.mode == "hold"  # the proxy never let go: we did
    finally:
        app.close()
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warning.name == "bot.msteams.openid_keys" and "Timeout" in warning.getMessage()


def test_keys_are_kept_and_fetched_again_on_the_librarys_schedule(
        runtime: Runtime, slack: SlackStandIn, connector: TeamsStandIn, clock: SetClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Fetched again when a day old, and for a key id not among them at most once an hour (by the coach's clock)."""
    app = serve_behind(None, connector.openid_url, runtime, slack, monkeypatch)
    direct = Direct(app)

    def post(token: str) -> Response:
        return post_activity(direct, activity(USER, connector.url, text="help"), token)

    try:
        assert post(connector.token(APP_ID)).status in (200, 201) and connector.key_fetches == 1
        assert refused(post(connector.token(APP_ID, key_id="rotated-in"))) and connector.key_fetches == 1
        clock.advance(timedelta(hours=1, seconds=1))
        assert refused(post(connector.token(APP_ID, key_id="rotated-in"))) and connector.key_fetches == 2
        assert refused(post(connector.token(APP_ID, key_id="rotated-in"))) and connector.key_fetches == 2
        assert post(connector.token(APP_ID)).status in (200, 201) and connector.key_fetches == 2
        clock.advance(timedelta(days=1, seconds=1))
        assert post(connector.token(APP_ID)).status in (200, 201) and connector.key_fetches == 3
    finally:
        app.close()
