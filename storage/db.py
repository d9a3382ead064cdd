"""Database engine, sessions and schema migration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from coach.clock import WALL, Clock
from coach.ports import StoreBusy, StoreUnavailable

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("salescoach", appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'salescoach.db'}"


def normalize_url(url: str) -> str:
    """Accept the common `postgres://` / `postgresql://` spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# Errors that mean "someone else is writing": the caller may simply run the unit of work again.
_TRANSIENT = ("database is locked", "could not serialize access", "deadlock detected")


def _as_port_error(context) -> StoreBusy | StoreUnavailable | None:
    """The errors the store's callers act on, as the ports name them: StoreBusy (someone else is writing) and
    StoreUnavailable (no connection could be made, or it broke). A failed pre-ping is left to the pool, which
    then connects anew."""
    message = str(context.original_exception).lower()
    if any(marker in message for marker in _TRANSIENT):
        return StoreBusy(message)
    if not context.is_pre_ping and (context.is_disconnect or context.connection is None):
        reason = str(context.original_exception).strip().splitlines()
        return StoreUnavailable(reason[0] if reason else type(context.original_exception).__name__)
    return None


def make_engine(url: str) -> Engine:
    engine = _create(normalize_url(url))
    event.listen(engine, "handle_error", _as_port_error)
    return engine


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url and url != "sqlite://":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # libpq waits for a connection as long as the network lets it: bounded, a lost database is reported in seconds
    connect = {} if "connect_timeout" in url else {"connect_timeout": 10}
    return create_engine(url, pool_pre_ping=True, connect_args=connect)


def make_sessionmaker(engine: Engine, clock: Clock = WALL) -> sessionmaker[Session]:
    """Sessions whose stored timestamps (column defaults, `models.clock_of`) come from `clock`."""
    return sessionmaker(engine.execution_options(clock=clock), expire_on_commit=False)


# Alembic is imported where it is used: worker processes never migrate and need not carry it.


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema to `revision` (the newest by default)."""
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def pending_migrations(engine: Engine) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(engine))
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current != set(script.get_heads())
