"""The coach's web app in this process: `bot/server.py`'s routes, Bolt app, Slack worker threads and Teams
adapter, on an event loop of its own, driven over HTTP by aiohttp's TestClient.

It runs on the test's runtime, so on the test's clock: what it does depends on the moment the test sets,
never on when the test runs. Slack's request signatures and Bot Framework tokens are protocol and are
checked against the wall clock, as in production.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import slack_bolt
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime import Runtime
from bot.server import build_web_app
from bot.settings import Settings
from tests.bot.slack_server import SECRET, CoachServer, Response

T = TypeVar("T")
BOLT = os.path.dirname(slack_bolt.__file__) + os.sep
TIMEOUT = 60  # seconds: a request or a settle that takes longer has hung


class WebApp(CoachServer):
    """`build_web_app` as `salescoach serve` composes it (without the scheduler and Socket Mode), on `runtime`'s
    database and clock. `settings` are Settings fields; by default Slack over HTTP with the stand-in at
    `slack_api_url` and worker threads (COACH_WORKERS=0), and Teams off."""

    def __init__(self, runtime: Runtime, slack_api_url: str = "http://127.0.0.1:9/api/", **settings: Any) -> None:
        values: dict[str, Any] = {
            "database_url": runtime.settings.database_url, "slack_api_url": slack_api_url,
            "slack_bot_token": "xoxb-test", "slack_signing_secret": SECRET, "slack_app_token": None,
            "coach_workers": 0, "microsoft_app_id": None, "microsoft_app_password": None,
            "microsoft_app_tenant_id": None, "teams_allowed_tenants": None, "teams_allow_unauthenticated": False}
        self.runtime = dataclasses.replace(runtime, settings=Settings(**{**values, **settings}))
        self.slack = self.teams = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="web-app-loop", daemon=True)
        self._threads_before = set(threading.enumerate())
        self._thread.start()
        try:
            self.run(self._start())
        except BaseException:
            self._end_loop()
            raise

    async def _start(self) -> None:
        from bot.slack.app import SlackCoach

        runtime, settings = self.runtime, self.runtime.settings
        coach = runtime.coach()
        self.slack = None if settings.slack_missing() else SlackCoach(runtime, coach)
        if not settings.teams_missing():
            from bot.msteams.app import TeamsCoach

            self.teams = TeamsCoach(runtime, coach)
        app = build_web_app(runtime, self.slack, self.teams)
        if self.slack is not None:  # as serve() does
            app.on_startup.append(self.slack.start)
            app.on_cleanup.append(self.slack.stop)
        self.client = TestClient(TestServer(app, host="127.0.0.1"))
        await self.client.start_server()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the app's event loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(TIMEOUT)

    # HTTP ------------------------------------------------------------------------------------
    def get(self, path: str) -> Response:
        return self.run(self._request("GET", path))

    def post(self, path: str, data: bytes, headers: dict[str, str]) -> Response:
        return self.run(self._request("POST", path, data=data, headers=headers))

    async def _request(self, method: str, path: str, **kw: Any) -> Response:
        response = await self.client.request(method, path, **kw)
        try:
            return Response(response.status, await response.text())
        finally:
            response.release()

    # Slack's work after the ack ----------------------------------------------------------------
    def settle(self) -> None:
        """Wait until every Slack interaction acked so far has been worked off: Bolt's listeners have run (they
        run after the ack) and the worker threads have done every job handed to them."""
        self.run(self._settle())

    async def _settle(self) -> None:
        await _bolt_listeners()
        if self.slack is not None:  # stop waits for the jobs already handed over; start takes new ones again
            await self.slack.stop()
            await self.slack.start()

    def close(self) -> None:
        try:
            self.run(_bolt_listeners())
            self.run(self.client.close())  # on_cleanup: the Slack jobs handed over are finished
        finally:
            self._end_loop()
            for timer in set(threading.enumerate()) - self._threads_before:
                if isinstance(timer, threading.Timer):  # an App Home refresh still waiting: not this test's
                    timer.cancel()
                    timer.join(TIMEOUT)

    def _end_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(TIMEOUT)
        self._loop.close()


async def _bolt_listeners() -> None:
    """Wait for the listener tasks Bolt started after acknowledging (and any they start in turn)."""
    while running := [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and _from_bolt(t)]:
        await asyncio.wait(running)


def _from_bolt(task: asyncio.Task) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and code.co_filename.startswith(BOLT)
