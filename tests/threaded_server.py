"""An aiohttp application served on loopback from a thread of its own: how the stand-ins of Slack's, HubSpot's and
Salesforce's APIs run beside the code under test, which calls them over real HTTP."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Callable

from aiohttp import web


class ThreadedServer:
    """Serves the application `make_app` builds (in the server's own thread and loop) on 127.0.0.1. `port` 0 takes a
    free one; after `stop`, `start` serves on the same port again (an API that was away comes back)."""

    def __init__(self, make_app: Callable[[], web.Application], *, port: int = 0,
                 ssl_context: ssl.SSLContext | None = None, access_log: bool = True) -> None:
        self.make_app, self.port, self.ssl_context, self.access_log = make_app, port, ssl_context, access_log
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            runner = web.AppRunner(self.make_app(), **({} if self.access_log else {"access_log": None}))
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", self.port, ssl_context=self.ssl_context)
            loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            self.loop = loop
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self.port

    def stop(self) -> None:
        """Stops serving: a request now finds nothing listening. Stopping a stopped server does nothing."""
        if self._thread is None or not self._thread.is_alive():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
