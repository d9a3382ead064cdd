"""Shared fixtures: a migrated database per test, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from bot.runtime import Runtime
from bot.settings import Settings
from coach.clock import SetClock
from storage.db import make_engine, normalize_url, upgrade
from storage.models import Base
from tests.db_outage import Outage, database_outage

PG_URL = os.environ.get("TEST_DATABASE_URL")
TEST_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Amsterdam: within working hours
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections anywhere but loopback fail the test (DNS lookups of other hosts included)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address, *args, **kwargs):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host in ("localhost", "::1") or host.startswith("127.")
                                          or self.family == socket.AF_UNIX):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str | None]:
    if not PG_URL:
        yield None
        return
    admin = create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"salescoach_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalize_url(PG_URL).rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path, _sqlite_template: str,
                 _pg_database: str | None) -> Iterator[str]:
    """A freshly migrated, empty database; every test that takes it runs on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "coach.db"
        shutil.copy(_sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    assert _pg_database
    engine = make_engine(_pg_database)
    tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield _pg_database


@pytest.fixture
def clock() -> SetClock:
    """The clock of the test's runtime: set to a Tuesday morning in Amsterdam; a test may set or advance it."""
    return SetClock(TEST_NOW)


@pytest.fixture
def runtime(database_url: str, clock: SetClock) -> Iterator[Runtime]:
    rt = Runtime.open(Settings(database_url=database_url), migrate=False, clock=clock)
    yield rt
    rt.engine.dispose()


@pytest.fixture
def outage(database_url: str, clock: SetClock, tmp_path) -> Iterator[Outage]:
    """The test's database with a runtime on it that the test can take away (`cut`) and bring back (`restore`)."""
    with database_outage(database_url, clock, tmp_path / "outage") as made:
        yield made
