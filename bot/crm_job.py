"""The CRM sync as `salescoach crm sync` and the scheduler run it: the configured connector, the runtime's
storage and clock, and every CRM_SYNC_MINUTES between runs."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.runtime import Runtime
from crm.connector import CrmConnector
from crm.sync import CrmSync, SyncReport

log = logging.getLogger(__name__)


def crm_sync(runtime: Runtime, connector: CrmConnector) -> CrmSync:
    return CrmSync(connector, runtime.crm_store(connector.name), runtime.clock,
                   timedelta(minutes=runtime.settings.crm_sync_minutes))


def summary(report: SyncReport) -> str:
    """One line of counts per kind, for logs."""
    return "; ".join(f"{kind} " + ", ".join(f"{n} {outcome}" for outcome, n in run.counts.items() if n)
                     for kind, run in report.runs.items())


class ScheduledCrmSync:
    """`serve`'s sync: every pass tries the claim, and runs when the next sync is due and no instance holds it."""

    def __init__(self, runtime: Runtime, connector: CrmConnector) -> None:
        self.sync = crm_sync(runtime, connector)

    async def run_once(self) -> SyncReport | None:
        report = await asyncio.to_thread(self.sync.run, due_only=True)
        if report is not None:
            log.info("%s sync%s: %s", report.crm, " (in full)" if report.full else "", summary(report))
        return report
