"""What every scheduled job that fills the outbox starts from."""

from __future__ import annotations

from collections.abc import Iterable

from bot.runtime import Runtime
from coach.clock import Clock


class Producer:
    """A job that puts messages in the outbox for recipients on `platforms` ("slack:", "teams:"), the ones
    this process can deliver to; `run_once` produces what is due by the clock now."""

    def __init__(self, runtime: Runtime, platforms: Iterable[str], clock: Clock | None = None) -> None:
        self.runtime = runtime
        self.platforms = tuple(platforms)
        self.clock = clock or runtime.clock
