"""A database that a test takes away and brings back, as the coach sees an outage.

PostgreSQL is reached through a TCP proxy that the test cuts: open connections are reset and new ones are
accepted and reset at once (what a restarting server or a broken network looks like). An SQLite file's folder is
moved away, so no connection can be opened, and the runtime's pooled connections are closed.
"""

from __future__ import annotations

import shutil
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.runtime import Runtime
from bot.settings import Settings
from coach.clock import Clock


def _reset(sock: socket.socket) -> None:
    """Break the connection: the shutdown wakes the thread reading it (a close alone would not), and the close
    then resets it."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class DatabaseProxy:
    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self.target = (url.host or "127.0.0.1", url.port or 5432)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = url.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)
        self.up = True
        self.accepted = 0  # connections taken while up
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="db-proxy", daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            self.up = False
            for sock in self._open:
                _reset(sock)
            self._open.clear()

    def restore(self) -> None:
        with self._lock:
            self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            with self._lock:
                if not self.up:
                    _reset(client)
                    continue
                try:
                    server = socket.create_connection(self.target, timeout=5)
                except OSError:
                    _reset(client)
                    continue
                server.settimeout(None)
                self.accepted += 1
                self._open |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            for sock in (source, sink):
                if sock in self._open:
                    self._open.discard(sock)
                    _reset(sock)


@dataclass
class Outage:
    url: str  # the database as the coach reaches it
    runtime: Runtime  # on `url`, with the test's clock
    cut: Callable[[], None]
    restore: Callable[[], None]


@contextmanager
def database_outage(database_url: str, clock: Clock, folder: Path) -> Iterator[Outage]:
    """`database_url` (a fresh database, see tests/conftest.py) made cuttable; an SQLite file moves to `folder`."""
    if database_url.startswith("postgresql"):
        proxy = DatabaseProxy(database_url)
        runtime = Runtime.open(Settings(database_url=proxy.url), migrate=False, clock=clock)
        try:
            yield Outage(proxy.url, runtime, proxy.cut, proxy.restore)
        finally:
            proxy.close()
            runtime.engine.dispose()
        return
    live, away = folder / "db", folder / "db-away"
    live.mkdir(parents=True)
    shutil.move(make_url(database_url).database, live / "coach.db")
    url = f"sqlite:///{live / 'coach.db'}"
    runtime = Runtime.open(Settings(database_url=url), migrate=False, clock=clock)

    def cut() -> None:
        live.rename(away)
        runtime.engine.dispose()

    try:
        yield Outage(url, runtime, cut, lambda: away.rename(live))
    finally:
        runtime.engine.dispose()
