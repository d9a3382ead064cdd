"""The reminder sweep: claim due follow-ups, group them per rep, deliver them on the rep's platform.

Delivery goes through one sender per platform ("slack:", "teams:"); reps on a platform that is not
configured here are left for a process that has it. A send that fails is released for a retry with
backoff: nothing is lost, and nothing is sent twice (see storage.reminders).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import groupby

from bot.runtime import Runtime
from coach.clock import Clock
from coach.delivery_window import delivery_moment
from coach.reminders import ReminderItem, reminder_reply
from coach.replies import Reply
from storage.reminders import claim_due, defer, mark_failed, mark_sent, recipients, release

log = logging.getLogger(__name__)
Sender = Callable[[str, Reply], Awaitable[None]]


@dataclass
class SweepResult:
    sent: int = 0
    failed: int = 0
    deferred: int = 0  # outside the rep's working hours, on a holiday or while away


class ReminderSweep:
    def __init__(self, runtime: Runtime, senders: dict[str, Sender],
                 clock: Clock | None = None) -> None:
        self.runtime = runtime
        self.senders = senders  # identity prefix ("teams:") → send(identity, reply)
        self.clock = clock or runtime.clock
        self.lock = asyncio.Lock()  # one sweep at a time here; held while a sweep runs

    async def run_once(self) -> SweepResult:
        async with self.lock:
            return await self._sweep()

    async def _sweep(self) -> SweepResult:
        sessions, now = self.runtime.sessions, self.clock()
        token, due = await asyncio.to_thread(claim_due, sessions, now, tuple(self.senders))
        result = SweepResult()
        if not due:
            return result
        settled: set[int] = set()  # delivered, deferred or failed: not to be released
        try:
            who = await asyncio.to_thread(recipients, sessions, sorted({d.identity for d in due}),
                                          self.runtime.settings.coach_timezone)
            for identity, group in groupby(due, key=lambda d: d.identity):
                items = list(group)
                ids = [d.id for d in items]
                recipient = who[identity]
                allowed = delivery_moment(now, recipient.working_hours, recipient.timezone, recipient.country,
                                          recipient.away_until)
                if allowed > now:
                    settled.update(ids)
                    await asyncio.to_thread(defer, sessions, token, ids, allowed)
                    result.deferred += len(ids)
                    continue
                reply = reminder_reply([ReminderItem(d.id, d.account_name, d.action, d.due_at, d.kind) for d in items],
                                       recipient.language, recipient.timezone, now)
                try:
                    await self.senders[identity.split(":", 1)[0] + ":"](identity, reply)
                except Exception as exc:
                    log.warning("reminder delivery failed, will retry: %s", type(exc).__name__)
                    settled.update(ids)
                    await asyncio.to_thread(mark_failed, sessions, token, ids, self.clock())
                    result.failed += len(ids)
                    continue
                settled.update(ids)  # sent: recording it must finish even if this sweep is cancelled now
                await asyncio.shield(asyncio.to_thread(mark_sent, sessions, token, ids, self.clock()))
                result.sent += len(ids)
        finally:  # cancelled or crashed mid-batch: hand back what was not handled
            await asyncio.to_thread(release, sessions, token, [d.id for d in due if d.id not in settled])
        return result
