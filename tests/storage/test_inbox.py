"""The inbox: a delivery is stored taken by the instance that acknowledges it, a redelivery adds nothing, and an
item whose instance stopped renewing its lease (or handed it back) is taken over by another, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.runtime import Runtime
from coach.clock import SetClock
from storage.models import InboxItem

LEASE = timedelta(seconds=30)


def count(runtime: Runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(InboxItem))


def test_a_redelivery_of_an_item_not_handled_yet_adds_nothing(runtime: Runtime, clock: SetClock) -> None:
    inbox, now = runtime.inbox("slack"), clock()
    [first] = inbox.add([("message", {"text": "prep Acme"}, "Ev1")], now, "a", now + LEASE)
    assert first is not None
    assert inbox.add([("message", {"text": "prep Acme"}, "Ev1")], now, "b", now + LEASE) == [None]
    twice = inbox.add([("message", {}, "Ev2"), ("message", {}, "Ev2"), ("open_form", {}, "own-key")], now, "a",
                      now + LEASE)
    assert twice[0] is not None and twice[1:] == [None, twice[2]] and twice[2] is not None
    assert runtime.inbox("teams").add([("message", {}, "Ev1")], now, "a", now + LEASE) != [None]  # another source
    assert count(runtime) == 4
    assert inbox.add([], now, "b", now + LEASE, forget=[first]) == [] and count(runtime) == 4  # not b's to forget
    assert inbox.add([("message", {"text": "prep Acme"}, "Ev1")], now, "a", now + LEASE, forget=[first]) != [None]
    assert count(runtime) == 4  # forgotten, and its redelivery stored again: the turn answers it as handled


def test_an_item_is_taken_over_once_its_lease_ran_out_and_the_late_holder_cannot_settle_it(
        runtime: Runtime, clock: SetClock) -> None:
    inbox, now = runtime.inbox("slack"), clock()
    [item] = inbox.add([("message", {"text": "help"}, "Ev2")], now, "dead", now + LEASE)
    assert inbox.claim(now + LEASE - timedelta(seconds=1), "alive", now + 2 * LEASE) is None  # still held
    assert runtime.inbox("teams").claim(now + 2 * LEASE, "alive", now + 3 * LEASE) is None  # not its source
    taken = inbox.claim(now + LEASE + timedelta(seconds=1), "alive", now + 3 * LEASE)
    assert taken is not None and (taken.id, taken.job, taken.payload, taken.attempts) == (
        item, "message", {"text": "help"}, 2)
    assert inbox.claim(now + LEASE + timedelta(seconds=1), "other", now + 3 * LEASE) is None  # once
    assert inbox.renew([item], "dead", now + 4 * LEASE) == []
    inbox.add([], now, "dead", now, forget=[item])
    assert count(runtime) == 1  # too late: it is another's now
    assert inbox.renew([item], "alive", now + 4 * LEASE) == [item]
    assert inbox.claim(now + 3 * LEASE + timedelta(seconds=1), "other", now + 5 * LEASE) is None  # renewed
    inbox.add([], now, "alive", now, forget=[item])
    assert count(runtime) == 0


def test_an_item_handed_back_is_taken_at_once_by_any_instance(runtime: Runtime, clock: SetClock) -> None:
    inbox, now = runtime.inbox("slack"), clock()
    ids = inbox.add([("message", {"n": n}, f"Ev{n}") for n in range(3)], now, "stopping", now + LEASE)
    assert inbox.hand_back(ids[:2], "stopping", now) == ids[:2]
    assert [inbox.claim(now, "b", now + LEASE).id for _ in range(2)] == ids[:2]  # the longest waiting first
    assert inbox.claim(now, "b", now + LEASE) is None
