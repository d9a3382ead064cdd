"""The jobs `salescoach serve` runs on a schedule (APScheduler on the server's event loop): the producers that
put reminders, nudges, team overviews and digests in the outbox, the delivery loop that sends them, and the CRM
sync when a CRM is configured."""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.crm_job import ScheduledCrmSync
from bot.delivery import DeliveryLoop
from bot.digest_job import WeeklyDigest
from bot.nudge_jobs import NudgeSweep, TeamOverview
from bot.reminder_job import ReminderSweep

log = logging.getLogger(__name__)
SWEEP_EVERY_SECONDS = 60
NUDGE_EVERY_SECONDS = 300
DIGEST_EVERY_SECONDS = 300
DELIVER_EVERY_SECONDS = 5  # also how soon a message of another instance that died is taken over, after its lease
CRM_EVERY_SECONDS = 30  # how often an instance tries the CRM sync's claim; it runs every CRM_SYNC_MINUTES


class Schedule:
    def __init__(self, sweep: ReminderSweep, nudges: NudgeSweep, overview: TeamOverview, digest: WeeklyDigest,
                 delivery: DeliveryLoop, crm: ScheduledCrmSync | None = None) -> None:
        self.sweep = sweep
        self.nudges = nudges
        self.overview = overview
        self.digest = digest
        self.delivery = delivery
        self.crm = crm
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def start(self, _app=None) -> None:
        """Start now: the first sweep runs at once, so reminders missed while down arrive (marked late)."""
        self.scheduler.add_job(self._sweep, id="reminders-at-start")  # no trigger: once, as soon as it starts
        self.scheduler.add_job(self._sweep, "interval", seconds=SWEEP_EVERY_SECONDS, id="reminders",
                               max_instances=1, coalesce=True)
        self.scheduler.add_job(self._nudge, "interval", seconds=NUDGE_EVERY_SECONDS, id="nudges",
                               max_instances=1, coalesce=True)
        self.scheduler.add_job(self._digest, "interval", seconds=DIGEST_EVERY_SECONDS, id="digests",
                               max_instances=1, coalesce=True)
        self.scheduler.add_job(self._deliver, "interval", seconds=DELIVER_EVERY_SECONDS, id="delivery",
                               max_instances=1, coalesce=True)
        if self.crm is not None:
            self.scheduler.add_job(self._crm_sync, id="crm-at-start")
            self.scheduler.add_job(self._crm_sync, "interval", seconds=CRM_EVERY_SECONDS, id="crm",
                                   max_instances=1, coalesce=True)
        self.scheduler.start()

    async def stop(self, _app=None) -> None:
        """No new runs; a send under way finishes and is recorded, the rest stays in the outbox. (Shutting the
        scheduler down cancels the jobs still running: the delivery is stopped before.)"""
        self.scheduler.pause()
        await self.delivery.stop()
        self.scheduler.shutdown(wait=False)

    async def _sweep(self) -> None:
        try:
            produced = await self.sweep.run_once()
            if produced.messages or produced.deferred:
                log.info("reminder sweep: %d messages to send, %d follow-ups held back until the rep may be reminded",
                         produced.messages, produced.deferred)
        except Exception:
            log.exception("the reminder sweep failed; the next one retries")
            return
        if produced.messages:  # sent now, one after the other, rather than at the next delivery pass
            await self._deliver()

    async def _nudge(self) -> None:
        try:
            nudged = await self.nudges.run_once()
            posted = await self.overview.run_once()
            if nudged or posted:
                log.info("daily nudges to %d reps and weekly overviews to %d team channels to send", nudged, posted)
        except Exception:
            log.exception("the daily nudge or team overview failed; the next run retries")

    async def _digest(self) -> None:
        try:
            added = await self.digest.run_once()
            if added:
                log.info("weekly digests to %d managers to send", added)
        except Exception:
            log.exception("the weekly digest failed; the next run retries")

    async def _crm_sync(self) -> None:
        try:
            await self.crm.run_once()
        except Exception as exc:  # recorded for `crm status`; a CrmError's message names the CRM and what to check
            log.error("the CRM sync failed; the next one is due in CRM_SYNC_MINUTES: %s", exc)

    async def _deliver(self) -> None:
        try:
            await self.delivery.run_once()
        except Exception:
            log.exception("the delivery of scheduled messages failed; the next pass retries")
