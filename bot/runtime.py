"""The composition root: settings → clock → database → units of work → coach. The one module in `bot/` that
imports storage; everything else gets its data through what this hands out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from coach.clock import WALL, Clock, SetClock
from coach.engine import Coach
from coach.ports import StoreUnavailable
from storage.db import default_database_url, make_engine, make_sessionmaker, pending_migrations, upgrade
from storage.store import SqlStore, store_factory

if TYPE_CHECKING:  # loaded where used: a Slack worker process needs only the inbox
    from storage.crm_outbox import CrmOutbox
    from storage.crm_store import CrmStore
    from storage.inbox import Inbox
    from storage.job_store import JobStore
    from storage.unit_of_work import UnitOfWork


def safe_url(url: str) -> str:
    """A database URL fit for messages and logs: the password masked."""
    return re.sub(r"^([a-z+]+://[^:/@]+:)[^@]*@", r"\1***@", url)


class SettingsError(Exception):
    """Bad configuration, with a message that names the variable and what is wrong."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "settings"
            name = name.upper() if name.islower() else name  # MicrosoftAppId keeps its documented spelling
            problems.append(f"{name}: {err['msg']}")
        raise SettingsError("; ".join(problems)) from None


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = WALL  # the process's one clock: turns, jobs, the CLI and stored timestamps read it

    @classmethod
    def open(cls, settings: Settings | None = None, migrate: bool = True, clock: Clock | None = None,
             check: bool = True) -> Runtime:
        """`clock`: the wall clock, or a clock ticking from `COACH_CLOCK` when that is set. Without `migrate`, the
        database is only tried (SettingsError when it cannot be used), and with neither it is not touched: the
        first use connects (a Slack worker process starts while the database is away and waits for it)."""
        settings = settings or load_settings()
        if clock is None:
            clock = SetClock(settings.coach_clock, ticking=True) if settings.coach_clock else WALL
        url = settings.database_url or default_database_url()
        engine = make_engine(url)
        try:
            if migrate:
                upgrade(engine)
            elif check:
                engine.connect().close()
        except StoreUnavailable as exc:
            raise SettingsError(f"DATABASE_URL: cannot use the database at {safe_url(url)}: {exc}") from None
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise SettingsError(f"DATABASE_URL: cannot use the database at {safe_url(url)}: {reason}") from None
        return cls(settings, engine, make_sessionmaker(engine, clock), clock)

    def coach(self, clock: Clock | None = None) -> Coach:
        stores = store_factory(self.sessions, self.settings.coach_language, self.settings.coach_timezone,
                               self.settings.admins(), self.settings.crm)
        return Coach(stores, clock=clock or self.clock)

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One transaction with its repositories; commit explicitly, anything else rolls back."""
        from storage.unit_of_work import UnitOfWork

        with self.sessions() as session:
            try:
                yield UnitOfWork(session, SqlStore(session, self.settings.coach_language,
                                                   self.settings.coach_timezone, self.settings.admins(),
                                                   self.settings.crm))
            finally:
                session.rollback()

    @property
    def jobs(self) -> JobStore:
        """The scheduled jobs' and the delivery loop's queries and outbox, a transaction per call."""
        from storage.job_store import JobStore

        return JobStore(self.sessions)

    def inbox(self, source: str) -> Inbox:
        """What a chat platform delivered and a worker has not handled yet, a transaction per call."""
        from storage.inbox import Inbox

        return Inbox(self.sessions, source)

    def crm_store(self, crm: str) -> CrmStore:
        """What the CRM sync of `crm` reads and writes (`crm.ports.SyncStore`), a transaction per call."""
        from storage.crm_store import CrmStore

        return CrmStore(self.sessions, crm)

    def crm_outbox(self, crm: str) -> CrmOutbox:
        """The writes to `crm` waiting in the CRM outbox (`crm.ports.PushStore`), a transaction per call."""
        from storage.crm_outbox import CrmOutbox

        return CrmOutbox(self.sessions, crm)

    def upgrade(self) -> None:
        """Migrate the schema to the newest version."""
        upgrade(self.engine)

    def pending_migrations(self) -> bool:
        return pending_migrations(self.engine)
