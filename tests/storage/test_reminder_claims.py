"""Reminder claims: racing sweepers (threads and processes) deliver every due follow-up exactly once."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from bot.runtime import Runtime
from storage.db import make_engine, make_sessionmaker
from storage.models import FollowUp
from storage.reminders import CLAIM_FOR, claim_due, mark_failed, mark_sent, release
from storage.store import SqlStore

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PLATFORMS = ("slack:", "teams:")


def seed(runtime: Runtime, n: int, due: datetime = NOW - timedelta(minutes=1)) -> list[int]:
    with runtime.sessions() as s:
        store = SqlStore(s)
        ids = []
        for u in range(5):
            rep = store.ensure_user(f"{PLATFORMS[u % 2]}U{u}", f"Rep {u}", None, None)
            account = store.get_or_create_account(rep, f"Account {u}")
            ids += [store.add_followup(rep, account.id, f"Call {i}", due).id for i in range(n // 5)]
        console = store.ensure_user("console:alice", "Alice", None, None)  # no push channel: never claimed
        store.add_followup(console, store.get_or_create_account(console, "Acme").id, "Call", due)
        store.commit()
    return ids


def sweep_until_empty(url: str, batch: int, start, results) -> None:
    """One sweeper process: claim, 'deliver', mark sent, until nothing is due; reports what it delivered."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    delivered: list[int] = []
    start.wait()  # all sweepers are connected: go together
    while True:
        token, due = claim_due(sessions, NOW, PLATFORMS, limit=batch)
        if not due:
            break
        delivered += [d.id for d in due]
        mark_sent(sessions, token, [d.id for d in due], NOW)
    engine.dispose()
    results.put(delivered)


def test_racing_sweeper_processes_deliver_each_reminder_once(runtime: Runtime, database_url: str) -> None:
    ids = seed(runtime, 300)
    spawn = multiprocessing.get_context("spawn")
    start, queue = spawn.Barrier(4), spawn.Queue()
    sweepers = [spawn.Process(target=sweep_until_empty, args=(database_url, 7, start, queue)) for _ in range(4)]
    for p in sweepers:
        p.start()
    results = [queue.get(timeout=120) for _ in sweepers]
    for p in sweepers:
        p.join(10)
    delivered = [i for r in results for i in r]
    assert sorted(delivered) == sorted(ids)  # each exactly once: no loss, no duplicate
    assert sum(1 for r in results if r) >= 2  # they really raced: more than one sweeper took work
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).where(FollowUp.reminded_at.is_not(None))) == len(ids)


def test_only_due_unreminded_follow_ups_of_push_platforms_are_claimed(runtime: Runtime) -> None:
    ids = seed(runtime, 10)
    later = seed(runtime, 5, due=NOW + timedelta(hours=1))
    token, due = claim_due(runtime.sessions, NOW, PLATFORMS)
    assert sorted(d.id for d in due) == sorted(ids)
    assert claim_due(runtime.sessions, NOW, PLATFORMS)[1] == []  # held by the first claim
    mark_sent(runtime.sessions, token, [d.id for d in due], NOW)
    assert claim_due(runtime.sessions, NOW + CLAIM_FOR * 2, PLATFORMS)[1] == []  # reminded: never again
    assert sorted(d.id for d in claim_due(runtime.sessions, NOW + timedelta(hours=2), PLATFORMS)[1]) == sorted(later)
    assert claim_due(runtime.sessions, NOW, ("teams:",))[1] == []


def test_a_claim_of_a_crashed_sweeper_expires(runtime: Runtime) -> None:
    ids = seed(runtime, 5)
    claim_due(runtime.sessions, NOW, PLATFORMS)  # and then the process died
    assert claim_due(runtime.sessions, NOW + CLAIM_FOR / 2, PLATFORMS)[1] == []
    assert sorted(d.id for d in claim_due(runtime.sessions, NOW + CLAIM_FOR * 2, PLATFORMS)[1]) == sorted(ids)


def test_a_failed_delivery_is_retried_later_with_backoff(runtime: Runtime) -> None:
    seed(runtime, 5)
    token, due = claim_due(runtime.sessions, NOW, PLATFORMS)
    mark_failed(runtime.sessions, token, [due[0].id], NOW)
    mark_sent(runtime.sessions, token, [d.id for d in due[1:]], NOW)
    assert claim_due(runtime.sessions, NOW + timedelta(seconds=30), PLATFORMS)[1] == []  # backing off
    token, again = claim_due(runtime.sessions, NOW + timedelta(minutes=1), PLATFORMS)
    assert [d.id for d in again] == [due[0].id] and again[0].attempts == 1
    mark_failed(runtime.sessions, token, [due[0].id], NOW + timedelta(minutes=1))
    assert claim_due(runtime.sessions, NOW + timedelta(minutes=2), PLATFORMS)[1] == []  # the wait doubled
    assert len(claim_due(runtime.sessions, NOW + timedelta(minutes=3), PLATFORMS)[1]) == 1


def test_released_claims_are_taken_by_the_next_sweep_at_once(runtime: Runtime) -> None:
    ids = seed(runtime, 5)
    token, due = claim_due(runtime.sessions, NOW, PLATFORMS)
    release(runtime.sessions, token, [d.id for d in due])
    assert sorted(d.id for d in claim_due(runtime.sessions, NOW, PLATFORMS)[1]) == sorted(ids)


def test_rescheduling_a_reminded_follow_up_reminds_again(runtime: Runtime) -> None:
    [first, *_] = seed(runtime, 5)
    token, due = claim_due(runtime.sessions, NOW, PLATFORMS)
    mark_sent(runtime.sessions, token, [d.id for d in due], NOW)
    with runtime.sessions() as s:
        store = SqlStore(s)
        owner = s.scalar(select(FollowUp.owner_id).where(FollowUp.id == first))
        rep = next(u for u in (store.ensure_user(f"{p}U{i}", None, None, None) for i in range(5) for p in PLATFORMS)
                   if u.id == owner)
        assert store.reschedule_followup(rep, first, NOW + timedelta(days=1))
        store.commit()
    assert [d.id for d in claim_due(runtime.sessions, NOW + timedelta(days=1), PLATFORMS)[1]] == [first]


def test_done_follow_ups_are_not_reminded(runtime: Runtime) -> None:
    ids = seed(runtime, 5)
    with runtime.sessions.begin() as s:
        s.execute(update(FollowUp).where(FollowUp.id == ids[0]).values(status="done"))
    assert ids[0] not in [d.id for d in claim_due(runtime.sessions, NOW, PLATFORMS)[1]]
