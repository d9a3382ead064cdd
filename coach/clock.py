"""The one clock. Everything that asks "what time is it" (the engine's turns, delivery windows, sweeps,
digests, dates typed in chat, leases, stored timestamps) asks a `Clock`; nothing else reads the wall clock.

The composition root builds one per process: the wall clock, or a `SetClock` when `COACH_CLOCK` names a
moment (a demo, or a test that starts a real server). Tests hand a `SetClock` to what they build.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """The wall clock. Calling a clock gives the current moment, aware and in UTC."""

    def __call__(self) -> datetime:
        return datetime.now(UTC)


class SetClock(Clock):
    """A clock that shows the moment it was set to: standing still, or `ticking` on from it in real time."""

    def __init__(self, at: datetime, ticking: bool = False) -> None:
        self.ticking = ticking
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock is set to an aware moment (with its time zone)")
        self._at, self._since = at.astimezone(UTC), time.monotonic()

    def advance(self, by: timedelta) -> None:
        self.set(self() + by)

    def __call__(self) -> datetime:
        if not self.ticking:
            return self._at
        return self._at + timedelta(seconds=time.monotonic() - self._since)


WALL = Clock()
