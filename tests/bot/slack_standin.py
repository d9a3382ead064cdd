"""A local stand-in for Slack's Web API: answers like Slack, records every call, can answer 429 once.

It also takes what an app posts to a slash command's `response_url` (recorded as calls of "response_url")."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web

from tests.threaded_server import ThreadedServer


@dataclass
class Call:
    method: str
    args: dict[str, Any]


BOT_USER = "U0COACH"  # the coach's own user id, as auth.test tells the app


def dm_of(user: str) -> str:
    """The id of the coach's DM with `user`: a D… id, not the user's U… id."""
    return "D" + user[1:]


@dataclass
class SlackStandIn:
    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict] = field(default_factory=dict)  # user id -> {"locale": "nl-NL", "tz": ...}
    rate_limit_next: dict[str, int] = field(default_factory=dict)  # method -> how many 429s to answer
    port: int = 0
    socket_envelopes: list[dict] = field(default_factory=list)  # sent to a Socket Mode client on connect
    socket_acks: list[dict] = field(default_factory=list)  # what the client sent back
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id -> the bytes posted to its upload URL
    errors: dict[str, str] = field(default_factory=dict)  # method -> the error Slack answers it with (ok: false)
    latency: float = 0.0  # seconds each call takes to answer, as over a real network
    hold: dict[str, threading.Event] = field(default_factory=dict)  # method -> answered once the event is set

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ts = 1000

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def response_url(self) -> str:
        """A slash command's response_url, as Slack hands one out with each command."""
        return f"http://127.0.0.1:{self.port}/respond/T0TEAM/1/hook"

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.latency:
            await asyncio.sleep(self.latency)
        raw = await request.read()
        if request.method == "GET":
            args = dict(request.query)
        elif request.content_type == "application/json":
            args = json.loads(raw or b"{}")
        else:
            args = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        args = {**request.query, **args}  # slack_sdk sends some arguments (`params`) in the query string
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        with self._lock:
            if self.rate_limit_next.get(method, 0) > 0:
                self.rate_limit_next[method] -= 1
                self.calls.append(Call(method + ":429", args))
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": "1"})
            if method in self.errors:
                self.calls.append(Call(method + ":error", args))
                return web.json_response({"ok": False, "error": self.errors[method]})
            self.calls.append(Call(method, args))
            self._ts += 1
            ts = f"{self._ts}.000100"
        if method in self.hold:
            await asyncio.to_thread(self.hold[method].wait, 60)
        if method == "apps.connections.open":
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"})
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": BOT_USER, "user": "coach", "bot_id": "B0COACH",
                                      "team_id": "T0TEAM", "team": "Test", "url": "https://test.slack.com/"})
        if method == "users.info":
            profile = self.users.get(args.get("user", ""), {})
            return web.json_response({"ok": True, "user": {"id": args.get("user"), "locale": profile.get(
                "locale", "en-US"), "tz": profile.get("tz", "Europe/Amsterdam"),
                "profile": {key: profile[key] for key in ("email", "real_name") if key in profile}}})
        if method in ("chat.postMessage", "chat.update"):
            return web.json_response({"ok": True, "channel": args.get("channel"), "ts": args.get("ts", ts)})
        if method == "conversations.open":  # a DM's id is not the user's id: D… for U…
            return web.json_response({"ok": True, "channel": {"id": dm_of(args.get("users", ""))}})
        if method == "files.getUploadURLExternal":
            file_id = f"F{ts.replace('.', '')}"
            return web.json_response({"ok": True, "file_id": file_id,
                                      "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"})
        if method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            return web.json_response({"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]})
        return web.json_response({"ok": True})

    async def _respond(self, request: web.Request) -> web.Response:
        """A slash command's response_url: Slack answers a JSON post with a plain "ok"."""
        args = json.loads(await request.read() or b"{}")
        with self._lock:
            self.calls.append(Call("response_url", args))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL files.getUploadURLExternal hands out: keeps the bytes, answers as Slack does."""
        data = await request.read()
        with self._lock:
            self.uploads[request.match_info["file_id"]] = data
        return web.Response(text=f"OK - {len(data)}")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Slack's Socket Mode end: say hello, deliver the queued envelopes, record the acks."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "stand-in"}})
        with self._lock:
            envelopes, self.socket_envelopes = self.socket_envelopes, []
        for envelope in envelopes:
            await ws.send_json(envelope)
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                with self._lock:
                    self.socket_acks.append(json.loads(message.data))
        return ws

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_get("/api/{method}", self._handle)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/respond/{path:.*}", self._respond)
        return app

    def start(self) -> None:
        self._server = ThreadedServer(self._app)
        self.port = self._server.start()

    def stop(self) -> None:
        self._server.stop()


def main() -> None:
    """Run the stand-in as its own process (bench/slack_ack.py): prints its port, then serves until killed.

    GET /_count/<method> answers how many calls of that method arrived."""
    standin = SlackStandIn()

    async def count(request: web.Request) -> web.Response:
        return web.json_response({"count": len(standin.of(request.match_info["method"]))})

    async def run() -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", standin._handle)
        app.router.add_get("/api/{method}", standin._handle)
        app.router.add_get("/_count/{method}", count)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(site._server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main()
