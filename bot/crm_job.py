"""The CRM sync as `salescoach crm sync` and the scheduler run it: the configured connector, the runtime's
storage and clock, and every CRM_SYNC_MINUTES between runs; before each, the push of what waits in the CRM outbox."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.runtime import Runtime
from crm.connector import CrmConnector
from crm.push import CrmPush, PushReport
from crm.sync import CrmSync, SyncReport

log = logging.getLogger(__name__)


def crm_sync(runtime: Runtime, connector: CrmConnector) -> CrmSync:
    return CrmSync(connector, runtime.crm_store(connector.name), runtime.clock,
                   timedelta(minutes=runtime.settings.crm_sync_minutes))


def crm_push(runtime: Runtime, connector: CrmConnector) -> CrmPush:
    return CrmPush(connector, runtime.crm_outbox(connector.name), runtime.clock)


def push_summary(report: PushReport) -> str:
    """One line: the writes done per operation, retried later and rejected."""
    done = ", ".join(f"{n} {operation.replace('_', ' ')}" for operation, n in report.done.items()) or "nothing written"
    return f"{done}; {report.retried} to retry, {report.rejected} rejected"


def summary(report: SyncReport) -> str:
    """One line of counts per kind, for logs."""
    return "; ".join(f"{kind} " + ", ".join(f"{n} {outcome}" for outcome, n in run.counts.items() if n)
                     for kind, run in report.runs.items())


class ScheduledCrmSync:
    """`serve`'s sync: every pass first pushes what the CRM outbox holds, then tries the claim, and pulls when the
    next sync is due and no instance holds it."""

    def __init__(self, runtime: Runtime, connector: CrmConnector) -> None:
        self.push = crm_push(runtime, connector)
        self.sync = crm_sync(runtime, connector)

    async def run_once(self) -> SyncReport | None:
        pushed = await asyncio.to_thread(self.push.run)
        if pushed.done or pushed.retried or pushed.rejected:
            log.info("%s push: %s", self.sync.connector.name, push_summary(pushed))
        report = await asyncio.to_thread(self.sync.run, due_only=True)
        if report is not None:
            log.info("%s sync%s: %s", report.crm, " (in full)" if report.full else "", summary(report))
        return report
