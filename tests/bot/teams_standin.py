"""A local stand-in for the Bot Framework connector (Teams' REST API): records every call, can fail on cue.

Serves the v3 routes botframework-connector's ConnectorClient uses: send to a conversation, reply
to an activity, update and delete an activity, create a conversation. Run it alone with
`python -m tests.bot.teams_standin`; it prints its port.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web


@dataclass
class Call:
    verb: str  # "POST", "PUT", "DELETE", or e.g. "POST:429" for a call answered with a failure
    conversation_id: str
    activity_id: str | None
    activity: dict[str, Any]
    headers: dict[str, str]


@dataclass
class TeamsStandIn:
    calls: list[Call] = field(default_factory=list)
    port: int = 0
    _failures: list[tuple[int, float | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def of(self, verb: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.verb == verb]

    def activities(self) -> list[dict]:
        """Activities sent (POST) successfully, in order, each with the id the connector gave it."""
        with self._lock:
            return [c.activity for c in self.calls if c.verb == "POST"]

    def fail_next(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        """The next `times` sends or updates are answered with `status` (429 with Retry-After, 412, 502 …)."""
        with self._lock:
            self._failures.extend([(status, retry_after)] * times)

    def wait_for(self, n: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.activities()) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {n} activities, got {len(self.activities())}: {self.activities()}")
            time.sleep(0.05)
        return self.activities()

    async def _activity(self, request: web.Request) -> web.Response:
        conversation = unquote(request.match_info["conversation"])
        activity_id = request.match_info.get("activity")
        body = json.loads(await request.read() or b"{}")
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "content-type")}
        with self._lock:
            if self._failures and request.method in ("POST", "PUT"):
                status, retry_after = self._failures.pop(0)
                self.calls.append(Call(f"{request.method}:{status}", conversation, activity_id, body, headers))
                extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                return web.json_response({"error": {"code": "Throttled" if status == 429 else "Unavailable",
                                                    "message": "stand-in failure"}}, status=status, headers=extra)
            new_id = activity_id if request.method == "PUT" else f"activity-{next(self._ids)}"
            if request.method == "POST":
                body = {**body, "id": new_id}
            self.calls.append(Call(request.method, conversation, activity_id, body, headers))
        if request.method == "DELETE":
            return web.Response(status=200)
        return web.json_response({"id": new_id})

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read() or b"{}")
        with self._lock:
            conversation = f"a:created-{next(self._ids)}"
            self.calls.append(Call("CREATE", conversation, None, body, dict(request.headers)))
        return web.json_response({"id": conversation, "activityId": None})

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        for method in ("POST", "PUT", "DELETE"):
            app.router.add_route(method, "/v3/conversations/{conversation}/activities/{activity}", self._activity)
        return app

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            runner = web.AppRunner(self._app())
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", self.port)
            loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            self._runner = runner
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


if __name__ == "__main__":  # pragma: no cover
    standin = TeamsStandIn()
    standin.start()
    print(standin.port, flush=True)
    threading.Event().wait()
