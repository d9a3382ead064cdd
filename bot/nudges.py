"""The daily nudge: once a working day, each rep with overdue follow-ups gets the list.

Overdue here means more than a day past its due time: the reminder itself came and went.

"Once" holds across instances: the nudge of a rep for a local date is claimed in the processed-events
table (unique key) before it is sent, and the claim is withdrawn if the send fails, so a later run
retries it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.reminders import Sender
from bot.runtime import Runtime
from coach.clock import Clock
from coach.delivery_window import delivery_moment
from coach.reminders import ReminderItem, overdue_nudge, team_overview
from storage.deliveries import claim_delivery, unclaim_delivery
from storage.reminders import overdue_by_rep, recipients, team_channels, team_overdue

log = logging.getLogger(__name__)
OVERDUE_AFTER = timedelta(days=1)


class NudgeSweep:
    def __init__(self, runtime: Runtime, senders: dict[str, Sender],
                 clock: Clock | None = None) -> None:
        self.runtime = runtime
        self.senders = senders
        self.clock = clock or runtime.clock

    async def run_once(self) -> int:
        """Nudge every rep who is due one now; returns how many were nudged."""
        sessions, now = self.runtime.sessions, self.clock()
        overdue = await asyncio.to_thread(overdue_by_rep, sessions, now - OVERDUE_AFTER, tuple(self.senders))
        if not overdue:
            return 0
        who = await asyncio.to_thread(recipients, sessions, sorted(overdue), self.runtime.settings.coach_timezone)
        nudged = 0
        for identity, (total, items) in overdue.items():
            r = who[identity]
            if delivery_moment(now, r.working_hours, r.timezone, r.country, r.away_until) > now:
                continue
            key = f"{identity}:{now.astimezone(ZoneInfo(r.timezone)).date().isoformat()}"
            if not await asyncio.to_thread(claim_delivery, sessions, "nudge", key):
                continue  # nudged today already, here or by another instance
            reply = overdue_nudge(total, [ReminderItem(i.id, i.account_name, i.action, i.due_at) for i in items],
                                  r.language, r.timezone)
            try:
                await self.senders[identity.split(":", 1)[0] + ":"](identity, reply)
                nudged += 1
            except Exception as exc:
                log.warning("daily nudge failed, will retry: %s", type(exc).__name__)
                await asyncio.to_thread(unclaim_delivery, sessions, "nudge", key)
        return nudged


class TeamOverview:
    """Once a week, at the first working moment of the team's week: who in the team has overdue follow-ups,
    posted in the team's channel (`team update NAME --channel slack:C0123`)."""

    def __init__(self, runtime: Runtime, senders: dict[str, Sender],
                 clock: Clock | None = None) -> None:
        self.runtime = runtime
        self.senders = senders
        self.clock = clock or runtime.clock

    async def run_once(self) -> int:
        sessions, now = self.runtime.sessions, self.clock()
        posted = 0
        for team in await asyncio.to_thread(team_channels, sessions):
            send = self.senders.get(team.channel.split(":", 1)[0] + ":")
            if send is None or delivery_moment(now, team.working_hours, team.timezone, team.country, None) > now:
                continue
            year, week, _day = now.astimezone(ZoneInfo(team.timezone)).isocalendar()
            key = f"{team.team_id}:{year}-W{week:02d}"
            if not await asyncio.to_thread(claim_delivery, sessions, "team-overview", key):
                continue
            rows = await asyncio.to_thread(team_overdue, sessions, team.team_id, now - OVERDUE_AFTER)
            try:
                await send(team.channel, team_overview(team.name, rows, self.runtime.settings.coach_language,
                                                       team.timezone))
                posted += 1
            except Exception as exc:
                log.warning("team overview failed, will retry: %s", type(exc).__name__)
                await asyncio.to_thread(unclaim_delivery, sessions, "team-overview", key)
        return posted
