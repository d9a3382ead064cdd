"""The intake's deadline: a delivery that could not be stored in time is not acknowledged, yet once its write
comes through it is still handed to a worker (Slack's retry of an event then finds it stored)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.runtime import Runtime
from bot.slack import intake as intake_module
from bot.slack.intake import Intake


def test_a_delivery_stored_too_late_is_not_acknowledged_but_is_handed_over_once_stored(
        runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake_module, "RECORD_TIMEOUT", 0.05)
    intake = Intake(runtime)
    handed: list[int] = []
    monkeypatch.setattr(intake, "_run", handed.append)  # no workers: what would be run is noted
    gate = threading.Event()
    real_add = intake.inbox.add

    def slow_add(*args, **kwargs):  # the database takes its time (a lock held elsewhere, a slow network)
        assert gate.wait(10)
        return real_add(*args, **kwargs)

    monkeypatch.setattr(intake.inbox, "add", slow_add)

    async def deliveries() -> tuple[bool, bool]:
        late = await intake.record([("event", {"event_id": "EvLate"}, "req1")])
        gate.set()  # the database answers again
        await intake._write_soon()
        in_time = await intake.record([("event", {"event_id": "EvNext"}, "req2")])
        return late, in_time

    late, in_time = asyncio.run(deliveries())
    assert late is False and in_time is True
    assert len(handed) == 2 and sorted(held.payload["event_id"] for held in intake.held.values()) == [
        "EvLate", "EvNext"]
