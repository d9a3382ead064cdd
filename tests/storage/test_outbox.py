"""The outbox: an occasion is produced once, racing instances each claim different messages, a lease that ran
out is taken over, and the records of the old claims survive the migration to it."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from bot.runtime import Runtime
from coach.clock import SetClock
from coach.digest_policy import digest_key
from coach.outgoing import Outgoing
from coach.reminder_policy import nudge_key, overview_key
from coach.replies import Reply
from coach.replies import text as say
from storage.db import _alembic_config, make_engine, make_sessionmaker, upgrade
from storage.models import OutboxMessage
from storage.outbox import LEASE, claim, enqueue, enqueue_all, settle, states

PLATFORMS = ("slack:", "teams:")


def message(n: int, recipient: str | None = None, expires_at: datetime | None = None) -> Outgoing:
    return Outgoing(kind="reminder", recipient=recipient or f"{PLATFORMS[n % 2]}U{n}",
                    reply=Reply(blocks=[say(f"message {n}")]), dedupe_key=f"U{n}:reminder:{n}", expires_at=expires_at)


def test_producing_an_occasion_again_adds_nothing(runtime: Runtime, clock: SetClock) -> None:
    now = clock()
    assert enqueue_all(runtime.sessions, [message(1), message(2)], now) == ["U1:reminder:1", "U2:reminder:2"]
    assert enqueue_all(runtime.sessions, [message(2), message(3)], now) == ["U3:reminder:3"]  # again: nothing new
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_on_demand_replaces_only_what_was_not_sent(runtime: Runtime, clock: SetClock) -> None:
    now = clock()
    enqueue_all(runtime.sessions, [message(1), message(2)], now)
    first = claim(runtime.sessions, now, PLATFORMS, "instance-a")
    assert first is not None and first.message.dedupe_key == "U1:reminder:1"
    settle(runtime.sessions, first.id, "instance-a", "sent", now)
    newer = [m.model_copy(update={"reply": Reply(blocks=[say("newer")])}) for m in (message(1), message(2))]
    with runtime.sessions.begin() as s:
        assert enqueue(s, newer, now, replace_unsent=True) == ["U2:reminder:2"]
    second = claim(runtime.sessions, now, PLATFORMS, "instance-a")
    assert second is not None and second.message.reply.plain() == "newer"
    assert states(runtime.sessions, ["U1:reminder:1", "U2:reminder:2", "U9"]) == {
        "U1:reminder:1": "sent", "U2:reminder:2": "sending"}


def test_claims_take_the_longest_waiting_for_the_platforms_served(runtime: Runtime, clock: SetClock) -> None:
    now = clock()
    enqueue_all(runtime.sessions, [message(1)], now - timedelta(minutes=1))
    enqueue_all(runtime.sessions, [message(2), message(4)], now)
    assert claim(runtime.sessions, now, ("console:",), "a") is None
    assert claim(runtime.sessions, now, ("slack:",), "a").message.recipient == "slack:U2"
    assert claim(runtime.sessions, now, PLATFORMS, "a").message.recipient == "teams:U1"
    assert claim(runtime.sessions, now, PLATFORMS, "a").message.recipient == "slack:U4"
    assert claim(runtime.sessions, now, PLATFORMS, "a") is None  # all held
    assert enqueue_all(runtime.sessions, [message(5)], now + timedelta(minutes=1)) == ["U5:reminder:5"]
    assert claim(runtime.sessions, now, PLATFORMS, "a") is None  # not due yet


def test_a_lease_that_ran_out_is_taken_over_and_the_late_instance_cannot_settle(runtime: Runtime,
                                                                                clock: SetClock) -> None:
    now = clock()
    enqueue_all(runtime.sessions, [message(1)], now)
    dead = claim(runtime.sessions, now, PLATFORMS, "dead")  # and then its instance died mid-send
    assert dead is not None and dead.attempts == 1
    assert claim(runtime.sessions, now + LEASE - timedelta(seconds=1), PLATFORMS, "alive") is None
    taken = claim(runtime.sessions, now + LEASE + timedelta(seconds=1), PLATFORMS, "alive")
    assert taken is not None and taken.id == dead.id and taken.attempts == 2
    assert not settle(runtime.sessions, dead.id, "dead", "sent", now)  # too late: it is another's now
    assert settle(runtime.sessions, taken.id, "alive", "sent", now + LEASE)
    assert claim(runtime.sessions, now + 10 * LEASE, PLATFORMS, "alive") is None  # sent: never taken again


def test_a_failed_message_waits_for_its_retry_and_an_expired_one_is_dropped(runtime: Runtime,
                                                                           clock: SetClock) -> None:
    from storage.outbox import drop_expired

    now = clock()
    enqueue_all(runtime.sessions, [message(1), message(2, expires_at=now + timedelta(hours=1))], now)
    first = claim(runtime.sessions, now, PLATFORMS, "a")
    settle(runtime.sessions, first.id, "a", "failed", now, retry_at=now + timedelta(minutes=1), error="Timeout")
    assert claim(runtime.sessions, now + timedelta(seconds=59), PLATFORMS, "a").message.dedupe_key == "U2:reminder:2"
    assert claim(runtime.sessions, now + timedelta(seconds=59), PLATFORMS, "a") is None
    again = claim(runtime.sessions, now + timedelta(minutes=1), PLATFORMS, "a")
    assert again is not None and again.id == first.id and again.attempts == 2
    assert drop_expired(runtime.sessions, now + timedelta(minutes=30)) == 0  # U2 is being sent: not dropped
    assert drop_expired(runtime.sessions, now + timedelta(hours=2)) == 1  # its sender died; too late now
    assert states(runtime.sessions, ["U2:reminder:2"]) == {"U2:reminder:2": "dropped"}


def claim_until_empty(url: str, token: str, now: datetime, start, results) -> None:
    """One instance: claim, 'send', settle, until nothing is left; reports the keys it sent."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    sent: list[str] = []
    start.wait()  # all instances are connected: go together
    while (claimed := claim(sessions, now, PLATFORMS, token)) is not None:
        sent.append(claimed.message.dedupe_key)
        settle(sessions, claimed.id, token, "sent", now)
    engine.dispose()
    results.put(sent)


def test_racing_instances_send_each_message_once(runtime: Runtime, database_url: str, clock: SetClock) -> None:
    now = clock()
    keys = enqueue_all(runtime.sessions, [message(n) for n in range(120)], now)
    spawn = multiprocessing.get_context("spawn")
    start, queue = spawn.Barrier(3), spawn.Queue()
    instances = [spawn.Process(target=claim_until_empty, args=(database_url, f"instance-{i}", now, start, queue))
                 for i in range(3)]
    for p in instances:
        p.start()
    results = [queue.get(timeout=120) for _ in instances]
    for p in instances:
        p.join(10)
    assert sorted(k for r in results for k in r) == sorted(keys)  # each exactly once: none lost, none twice
    assert sum(1 for r in results if r) >= 2  # they really raced: more than one instance took work


def test_the_migration_keeps_what_the_old_claims_recorded(database_url: str) -> None:
    """Nudges, overviews and digests sent before the outbox are not sent again after the upgrade."""
    from alembic import command

    engine = make_engine(database_url)
    command.downgrade(_alembic_config(engine), "0006")
    received = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    events = text("INSERT INTO processed_events (source, event_id, received_at, done_at) VALUES (:s, :e, :r, :d)")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO teams (name, timezone, working_hours, prep_days, currency, digest_at, channel,"
                          " created_at) VALUES ('North', 'Europe/Amsterdam', 'always', 1, 'EUR', 'mon 08:00',"
                          " 'slack:C0SALES', :r)"), {"r": received})
        team_id = conn.execute(text("SELECT id FROM teams")).scalar()
        stamp = received.replace(tzinfo=None) if engine.dialect.name == "sqlite" else received
        for source, event_id, done in (("nudge", "slack:U1:2026-11-30", None),
                                       ("team-overview", f"{team_id}:2026-W49", None),
                                       ("digest", f"slack:UMIA:digest:{team_id}:2026-W49", stamp),
                                       ("digest", f"teams:lars:digest:{team_id}:2026-W49", None),  # never finished
                                       ("slack", "Ev0123", None)):
            conn.execute(events, {"s": source, "e": event_id, "r": stamp, "d": done})
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        rows = {(m.dedupe_key, m.recipient, m.state) for m in s.scalars(select(OutboxMessage))}
        left = s.execute(text("SELECT source FROM processed_events")).scalars().all()
    assert rows == {("slack:U1:nudge:2026-11-30", "slack:U1", "sent"),
                    (f"team-overview:{team_id}:2026-W49", "slack:C0SALES", "sent"),
                    (f"slack:UMIA:digest:{team_id}:2026-W49", "slack:UMIA", "sent")}
    assert left == ["slack"]  # the platforms' event records stay where they were
    assert {key for key, _recipient, _state in rows} == {  # the keys the jobs produce: they find them taken
        nudge_key("slack:U1", "Europe/Amsterdam", received), overview_key(team_id, "Europe/Amsterdam", received),
        digest_key("slack:UMIA", team_id, "2026-W49")}
    engine.dispose()
