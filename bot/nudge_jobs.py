"""The daily nudge and the weekly team overview, as outbox messages that `bot.delivery` sends.

The daily nudge: once a working day, each rep with overdue follow-ups gets the list. Overdue here means more
than a day past its due time: the reminder itself came and went. The team overview: once a week, at the
first working moment of the team's week, who in the team has overdue follow-ups, posted in the team's
channel (`team update NAME --channel slack:C0123`).

"Once" is the outbox's dedupe key: a rep's local day, a team's week. A nudge not sent by the end of the day,
or an overview by the end of the week, is dropped.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.producer import Producer
from coach.delivery_window import delivery_moment
from coach.outgoing import platform
from coach.reminder_policy import ReminderItem, nudge_key, nudge_message, overview_key, overview_message

OVERDUE_AFTER = timedelta(days=1)


class NudgeSweep(Producer):
    async def run_once(self) -> int:
        """Put a nudge for every rep who is due one now in the outbox; returns how many."""
        jobs, now = self.runtime.jobs, self.clock()
        overdue = await asyncio.to_thread(jobs.overdue_by_rep, now - OVERDUE_AFTER, self.platforms)
        if not overdue:
            return 0
        who = await asyncio.to_thread(jobs.recipients, sorted(overdue), self.runtime.settings.coach_timezone)
        keys = {identity: nudge_key(identity, r.timezone, now) for identity, r in who.items()
                if delivery_moment(now, r.working_hours, r.timezone, r.country, r.away_until) <= now}
        had = await asyncio.to_thread(jobs.states, keys.values())
        messages = []
        for identity, (total, items) in overdue.items():
            if identity in keys and keys[identity] not in had:
                r = who[identity]
                messages.append(nudge_message(identity, total, [ReminderItem(i.id, i.account_name, i.action, i.due_at)
                                                                for i in items], r.language, r.timezone, now))
        return len(await asyncio.to_thread(jobs.enqueue_all, messages, now))


class TeamOverview(Producer):
    async def run_once(self) -> int:
        """Put the overview of every team that is due one now in the outbox; returns how many."""
        jobs, now = self.runtime.jobs, self.clock()
        teams = [t for t in await asyncio.to_thread(jobs.team_channels)
                 if platform(t.channel) in self.platforms
                 and delivery_moment(now, t.working_hours, t.timezone, t.country, None) <= now]
        had = await asyncio.to_thread(jobs.states, [overview_key(t.team_id, t.timezone, now) for t in teams])
        messages = []
        for team in teams:
            if overview_key(team.team_id, team.timezone, now) not in had:
                rows = await asyncio.to_thread(jobs.team_overdue, team.team_id, now - OVERDUE_AFTER)
                messages.append(overview_message(team.team_id, team.channel, team.name, rows,
                                                 self.runtime.settings.coach_language, team.timezone, now))
        return len(await asyncio.to_thread(jobs.enqueue_all, messages, now))
