"""The one delivery loop: instances racing send each message once, a crash repeats at most the message in
flight, a lease is renewed while a send runs, failures back off, and stopping lets the running send finish."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot import delivery
from bot.delivery import DeliveryLoop
from bot.runtime import Runtime
from bot.senders import Unreachable
from coach.clock import SetClock
from coach.outgoing import Outgoing
from storage.models import OutboxMessage
from storage.outbox import LEASE, enqueue_all, states
from tests.storage.test_outbox import message


class Crash(BaseException):
    """The process dies: nothing after this point runs."""


class Recorder:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def __call__(self, outgoing: Outgoing) -> None:
        await asyncio.sleep(0)  # let another loop run meanwhile
        self.sent.append(outgoing.dedupe_key)


def leased_until(runtime: Runtime) -> datetime | None:
    with runtime.sessions() as s:
        return s.scalar(select(OutboxMessage.lease_until))


async def until(condition, seconds: float = 10) -> None:
    """Wait until `condition()` holds, polling; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.01)


def loop(runtime: Runtime, send, clock: SetClock | None = None) -> DeliveryLoop:
    return DeliveryLoop(runtime, {"slack:": send, "teams:": send}, clock=clock)


def test_two_instances_racing_send_each_message_once(runtime: Runtime, clock: SetClock) -> None:
    keys = enqueue_all(runtime.sessions, [message(n) for n in range(40)], clock())
    recorder = Recorder()

    async def both() -> list[int]:
        done = await asyncio.gather(loop(runtime, recorder).run_once(), loop(runtime, recorder).run_once())
        return [len(d.sent) for d in done]

    shares = asyncio.run(both())
    assert sorted(recorder.sent) == sorted(keys) and sum(shares) == 40
    assert all(shares), "both instances took part"


def test_a_crash_mid_send_repeats_only_the_message_in_flight(runtime: Runtime, clock: SetClock) -> None:
    keys = enqueue_all(runtime.sessions, [message(n) for n in range(5)], clock())
    posted: list[str] = []

    async def dies_after_posting_the_second(outgoing: Outgoing) -> None:
        posted.append(outgoing.dedupe_key)
        if len(posted) == 2:
            raise Crash  # posted, and the process died before recording it

    with pytest.raises(Crash):
        asyncio.run(loop(runtime, dies_after_posting_the_second).run_once())

    async def post(outgoing: Outgoing) -> None:
        posted.append(outgoing.dedupe_key)

    assert len(asyncio.run(loop(runtime, post).run_once()).sent) == 3  # the others at once; the second is leased
    clock.advance(LEASE + timedelta(seconds=1))
    assert len(asyncio.run(loop(runtime, post).run_once()).sent) == 1  # its lease ran out: sent again
    assert sorted(posted) == sorted([*keys, keys[1]])  # the one in flight twice, every other once
    assert set(states(runtime.sessions, keys).values()) == {"sent"}


def test_the_lease_is_renewed_while_a_send_runs(runtime: Runtime, clock: SetClock,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "LEASE", timedelta(seconds=0.3))  # renewed every 0.1 s, to clock() + 0.3 s
    enqueue_all(runtime.sessions, [message(1)], clock())
    recorder, release = Recorder(), asyncio.Event()

    async def slow(outgoing: Outgoing) -> None:
        await release.wait()
        recorder.sent.append(outgoing.dedupe_key)

    async def scenario() -> int:
        sending = asyncio.create_task(loop(runtime, slow).run_once())
        await until(lambda: leased_until(runtime) is not None)  # claimed
        clock.advance(LEASE * 3)  # long past the first lease: only a renewal keeps others off it
        await until(lambda: leased_until(runtime) > clock())  # renewed since
        others = await loop(runtime, recorder).run_once()
        release.set()
        await sending
        return len(others.sent)

    assert asyncio.run(scenario()) == 0 and recorder.sent == ["U1:reminder:1"]


def test_a_failed_send_backs_off_and_an_unreachable_recipient_is_dropped_if_it_expires(
        runtime: Runtime, clock: SetClock) -> None:
    now = clock()
    expiring = message(2, expires_at=now + timedelta(days=1))
    enqueue_all(runtime.sessions, [message(1), expiring], now)
    calls: list[str] = []

    async def refuses(outgoing: Outgoing) -> None:
        calls.append(outgoing.dedupe_key)
        raise (Unreachable if outgoing.dedupe_key == expiring.dedupe_key else ConnectionError)("no")

    done = asyncio.run(loop(runtime, refuses).run_once())
    assert [m.dedupe_key for m in done.failed] == ["U1:reminder:1"]
    assert [m.dedupe_key for m in done.unreachable] == ["U2:reminder:2"]
    assert states(runtime.sessions, ["U1:reminder:1", "U2:reminder:2"]) == {"U1:reminder:1": "failed",
                                                                            "U2:reminder:2": "dropped"}
    for wait, tried in ((timedelta(seconds=59), 0), (timedelta(seconds=1), 1), (timedelta(minutes=1), 0),
                        (timedelta(minutes=1), 1)):  # 1, then 2 minutes
        clock.advance(wait)
        assert len(asyncio.run(loop(runtime, refuses).run_once()).failed) == tried
    assert calls.count("U2:reminder:2") == 1  # not tried again
    recorder = Recorder()
    clock.advance(timedelta(minutes=4))
    assert len(asyncio.run(loop(runtime, recorder).run_once()).sent) == 1 and recorder.sent == ["U1:reminder:1"]


def test_an_unreachable_recipient_of_a_message_that_never_expires_is_tried_again(runtime: Runtime,
                                                                                 clock: SetClock) -> None:
    enqueue_all(runtime.sessions, [message(1)], clock())

    async def unreachable(outgoing: Outgoing) -> None:
        raise Unreachable(outgoing.recipient)

    assert len(asyncio.run(loop(runtime, unreachable).run_once()).unreachable) == 1
    assert states(runtime.sessions, ["U1:reminder:1"]) == {"U1:reminder:1": "failed"}  # a reminder is never lost


def test_stopping_lets_the_send_under_way_finish_and_takes_no_other(runtime: Runtime, clock: SetClock) -> None:
    keys = enqueue_all(runtime.sessions, [message(n) for n in range(3)], clock())
    recorder, started, release = Recorder(), asyncio.Event(), asyncio.Event()

    async def slow(outgoing: Outgoing) -> None:
        started.set()
        await release.wait()
        recorder.sent.append(outgoing.dedupe_key)

    async def scenario() -> None:
        running = loop(runtime, slow)
        task = asyncio.create_task(running.run_once())
        await started.wait()
        stopping = asyncio.create_task(running.stop())
        for _ in range(20):  # plenty of turns of the event loop for a stop that would not wait
            await asyncio.sleep(0)
        assert not stopping.done()  # waits for the send
        release.set()
        await stopping
        await task

    asyncio.run(scenario())
    assert recorder.sent == keys[:1]
    assert states(runtime.sessions, keys) == {keys[0]: "sent", keys[1]: "pending", keys[2]: "pending"}
