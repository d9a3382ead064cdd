"""The jobs `salescoach serve` runs on a schedule (APScheduler on the server's event loop)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.digests import WeeklyDigest
from bot.nudges import NudgeSweep, TeamOverview
from bot.reminders import ReminderSweep

log = logging.getLogger(__name__)
SWEEP_EVERY_SECONDS = 60
NUDGE_EVERY_SECONDS = 300
DIGEST_EVERY_SECONDS = 300


class Schedule:
    def __init__(self, sweep: ReminderSweep, nudges: NudgeSweep, overview: TeamOverview,
                 digest: WeeklyDigest) -> None:
        self.sweep = sweep
        self.nudges = nudges
        self.overview = overview
        self.digest = digest
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def start(self, _app=None) -> None:
        """Start now: the first sweep runs at once, so reminders missed while down arrive (marked late)."""
        self.scheduler.add_job(self._sweep, "interval", seconds=SWEEP_EVERY_SECONDS, id="reminders",
                               next_run_time=datetime.now(UTC), max_instances=1, coalesce=True)
        self.scheduler.add_job(self._nudge, "interval", seconds=NUDGE_EVERY_SECONDS, id="nudges",
                               max_instances=1, coalesce=True)
        self.scheduler.add_job(self._digest, "interval", seconds=DIGEST_EVERY_SECONDS, id="digests",
                               max_instances=1, coalesce=True)
        self.scheduler.start()

    async def stop(self, _app=None) -> None:
        """No new runs; a sweep under way finishes (and releases anything it did not deliver)."""
        self.scheduler.shutdown(wait=False)
        async with self.sweep.lock:
            pass

    async def _nudge(self) -> None:
        try:
            nudged = await self.nudges.run_once()
            posted = await self.overview.run_once()
            if nudged or posted:
                log.info("daily nudge sent to %d reps, weekly overview to %d team channels", nudged, posted)
        except Exception:
            log.exception("the daily nudge or team overview failed; the next run retries")

    async def _digest(self) -> None:
        try:
            sent = await self.digest.run_once()
            if sent:
                log.info("weekly digest sent to %d managers", sent)
        except Exception:
            log.exception("the weekly digest failed; the next run retries")

    async def _sweep(self) -> None:
        try:
            result = await self.sweep.run_once()
            if result.sent or result.failed:
                log.info("reminders: %d sent, %d to retry", result.sent, result.failed)
        except Exception:
            log.exception("the reminder sweep failed; the next one retries")
