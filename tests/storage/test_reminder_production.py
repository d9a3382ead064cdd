"""Producing reminders: racing instances (processes) put every due follow-up in exactly one outbox message."""

from __future__ import annotations

import multiprocessing
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.runtime import Runtime
from storage.db import make_engine, make_sessionmaker
from storage.models import FollowUp, OutboxMessage, Team, User
from storage.reminder_queries import produce_reminders
from storage.store import SqlStore

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Amsterdam
PLATFORMS = ("slack:", "teams:")
TZ = "Europe/Amsterdam"


def seed(runtime: Runtime, n: int, due: datetime = NOW - timedelta(minutes=1)) -> list[int]:
    with runtime.sessions() as s:
        store = SqlStore(s)
        ids = []
        for u in range(5):
            rep = store.ensure_user(f"{PLATFORMS[u % 2]}U{u}", f"Rep {u}", None, None)
            account = store.get_or_create_account(rep, f"Account {u}")
            ids += [store.add_followup(rep, account.id, f"Call {i}", due).id for i in range(n // 5)]
        console = store.ensure_user("console:alice", "Alice", None, None)  # no push channel: never reminded
        store.add_followup(console, store.get_or_create_account(console, "Acme").id, "Call", due)
        store.commit()
    return ids


def in_outbox(runtime: Runtime) -> list[int]:
    """The follow-up ids named in the outbox's reminders, once per mention."""
    with runtime.sessions() as s:
        messages = s.scalars(select(OutboxMessage.message).where(OutboxMessage.kind == "reminder")).all()
    return [int(n) for m in messages for n in re.findall(r"'#(\d+) ", str(m["reply"]))]


def produce_until_empty(url: str, batch: int, start, results) -> None:
    """One instance's reminder job: produce until nothing is due; reports how many follow-ups it took."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    taken = 0
    start.wait()  # all instances are connected: go together
    while (done := produce_reminders(sessions, NOW, PLATFORMS, TZ, limit=batch)).taken:
        taken += done.taken
    engine.dispose()
    results.put(taken)


def test_racing_instances_put_each_due_reminder_in_the_outbox_once(runtime: Runtime, database_url: str) -> None:
    ids = seed(runtime, 300)
    spawn = multiprocessing.get_context("spawn")
    start, queue = spawn.Barrier(3), spawn.Queue()
    instances = [spawn.Process(target=produce_until_empty, args=(database_url, 7, start, queue)) for _ in range(3)]
    for p in instances:
        p.start()
    results = [queue.get(timeout=120) for _ in instances]
    for p in instances:
        p.join(10)
    assert sorted(in_outbox(runtime)) == sorted(ids)  # each exactly once: no loss, no duplicate
    assert sum(results) == len(ids) and sum(1 for r in results if r) >= 2  # they really raced


def test_only_due_unreminded_follow_ups_of_push_platforms_are_produced(runtime: Runtime) -> None:
    ids = seed(runtime, 10)
    later = seed(runtime, 5, due=NOW + timedelta(hours=1))
    assert produce_reminders(runtime.sessions, NOW, ("teams:",), TZ).messages == 2  # the reps on Teams
    done = produce_reminders(runtime.sessions, NOW, PLATFORMS, TZ)
    assert (done.messages, done.taken) == (3, 6)  # the other three reps, grouped
    assert sorted(in_outbox(runtime)) == sorted(ids)
    assert produce_reminders(runtime.sessions, NOW + timedelta(minutes=30), PLATFORMS, TZ).taken == 0  # not again
    produce_reminders(runtime.sessions, NOW + timedelta(hours=2), PLATFORMS, TZ)
    assert sorted(in_outbox(runtime)) == sorted(ids + later)
    with runtime.sessions() as s:
        assert s.scalar(select(FollowUp.reminded_at).join(User).where(User.identity == "console:alice")) is None


def test_outside_working_hours_they_wait_without_being_looked_at_again(runtime: Runtime) -> None:
    ids = seed(runtime, 5)
    evening = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # 20:00 in Amsterdam
    done = produce_reminders(runtime.sessions, evening, PLATFORMS, TZ)
    assert (done.messages, done.deferred) == (0, 5)
    assert produce_reminders(runtime.sessions, evening + timedelta(hours=1), PLATFORMS, TZ).taken == 0  # deferred
    morning = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # Wednesday 08:00 in Amsterdam
    assert produce_reminders(runtime.sessions, morning - timedelta(minutes=1), PLATFORMS, TZ).taken == 0
    assert produce_reminders(runtime.sessions, morning, PLATFORMS, TZ).messages == 5
    assert sorted(in_outbox(runtime)) == sorted(ids)


def test_a_team_round_the_clock_is_reminded_at_night(runtime: Runtime) -> None:
    seed(runtime, 5)
    with runtime.sessions.begin() as s:
        team = Team(name="Night shift", working_hours="always")
        s.add(team)
        s.flush()
        s.execute(update(User).values(team_id=team.id))
    assert produce_reminders(runtime.sessions, datetime(2026, 11, 24, 23, 0, tzinfo=UTC), PLATFORMS, TZ).messages == 5


def test_rescheduling_a_reminded_follow_up_reminds_again(runtime: Runtime) -> None:
    [first, *_] = seed(runtime, 5)
    produce_reminders(runtime.sessions, NOW, PLATFORMS, TZ)
    with runtime.sessions() as s:
        store = SqlStore(s)
        owner = s.scalar(select(User.identity).join(FollowUp, FollowUp.owner_id == User.id).where(FollowUp.id == first))
        assert store.reschedule_followup(store.ensure_user(owner, None, None, None), first, NOW + timedelta(days=1))
        store.commit()
    assert produce_reminders(runtime.sessions, NOW + timedelta(days=1), PLATFORMS, TZ).messages == 1
    assert in_outbox(runtime).count(first) == 2  # a new due time, a new message under a new key


def test_done_follow_ups_are_not_reminded(runtime: Runtime) -> None:
    ids = seed(runtime, 5)
    with runtime.sessions.begin() as s:
        s.execute(update(FollowUp).where(FollowUp.id == ids[0]).values(status="done"))
    produce_reminders(runtime.sessions, NOW, PLATFORMS, TZ)
    assert sorted(in_outbox(runtime)) == sorted(ids[1:])
