"""The reminder job: due follow-ups become one outbox message per rep, which `bot.delivery` sends.

Reps on a platform that is not configured here are left for a process that has it.
"""

from __future__ import annotations

import asyncio

from bot.producer import Producer
from coach.records import Produced

BATCH = 500  # follow-ups per transaction


class ReminderSweep(Producer):
    async def run_once(self) -> Produced:
        """Put every reminder that is due now in the outbox; returns how many messages and deferred follow-ups."""
        total = Produced()
        while True:
            batch = await asyncio.to_thread(self.runtime.jobs.produce_reminders, self.clock(), self.platforms,
                                            self.runtime.settings.coach_timezone, BATCH)
            total += batch
            if batch.taken < BATCH:
                return total
