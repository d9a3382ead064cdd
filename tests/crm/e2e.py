"""What the end-to-end CRM tests share: the chat users the CRM owners match, what a command wrote to the database,
and what a rep sees in chat."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, event, func, select

from bot.runtime import Runtime
from storage.models import CrmPushItem, Deal, FollowUp
from storage.sales_teams import add_member, create_team
from tests.bot.cli_runner import run

REPS = {"console:anna": "anna@jansen-sales.nl", "console:bram": "bram@jansen-sales.nl"}


def seed_team(runtime: Runtime) -> None:
    """Anna and Bram, reps in one team, with the e-mails their CRM owners have (in another case)."""
    with runtime.sessions.begin() as s:
        create_team(s, "Sales")
        for identity, email in REPS.items():
            add_member(s, "Sales", identity).email = email


def deals(runtime: Runtime) -> dict[str, Deal]:
    with runtime.sessions() as s:
        return {d.crm_id: d for d in s.scalars(select(Deal).where(Deal.crm_id.is_not(None)))}


def followups(runtime: Runtime) -> dict[str, FollowUp]:
    with runtime.sessions() as s:
        return {f.crm_id: f for f in s.scalars(select(FollowUp).where(FollowUp.crm_id.is_not(None)))}


def stamps(runtime: Runtime) -> dict:
    """Each synced row's last change, to show that a run wrote none."""
    return ({k: (d.updated_at, d.crm_base) for k, d in deals(runtime).items()},
            {k: (f.status, f.due_at, f.crm_base) for k, f in followups(runtime).items()})


@contextmanager
def written_tables() -> Iterator[set[str]]:
    """The tables any engine writes to meanwhile (the command opens its own)."""
    tables: set[str] = set()

    def note(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            tables.add(statement.split("(")[0].split(" SET")[0].split()[-1].strip('"'))

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield tables
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def outbox_rows(runtime) -> int:
    """What waits to be written back to the CRM."""
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(CrmPushItem))


def chat(database_url: str, user: str, message: str, clock: Callable[[], datetime]) -> str:
    """What `user` reads in reply to `message` in the console chat."""
    done = run(["chat", "--user", user], database_url, f"{message}\n", clock=clock)
    assert done.returncode == 0, done.stderr
    return done.stdout


def sync(database_url: str, env: dict[str, str], clock: Callable[[], datetime]) -> dict:
    """`salescoach crm sync --json`, which must succeed."""
    done = run(["crm", "sync", "--json"], database_url, env=env, clock=clock)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def counts(report: dict) -> dict[str, dict[str, int]]:
    """The counts per kind that are not 0."""
    return {kind: {k: n for k, n in run["counts"].items() if n} for kind, run in report["kinds"].items()}


def status(database_url: str, env: dict[str, str], clock: Callable[[], datetime]) -> dict:
    """`salescoach crm status --json`."""
    done = run(["crm", "status", "--json"], database_url, env=env, clock=clock)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
