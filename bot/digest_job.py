"""The managers' weekly pipeline digest: computed per team, put in the outbox for each manager.

Each team's digest falls due at its `digest_at` ("mon 08:00" in the team's time zone, by default) and reaches
each manager at the first moment after that within the team's working hours, not on a public holiday and not
while the manager is away (so a Friday digest held over a holiday arrives on Monday). One that could not be
delivered within a day of that moment (the service was down, the platform kept failing) is dropped; the
next week's comes as usual, and `salescoach digest --send` sends one on demand.

"Once" is the outbox's dedupe key, per manager, team and week: the digest is computed only for managers
who have no message of that week yet, and put in the outbox with the team's snapshot of the week in one
transaction (next week's change is measured against the snapshot, and `salescoach digest --week` shows it
again). `bot.delivery` sends it: a failed send is tried again with backoff, a manager the platform cannot
reach is not tried again that week.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.producer import Producer
from bot.runtime import Runtime
from coach.delivery_window import WeeklyTime, delivery_moment
from coach.digest_policy import digest_key, digest_message, digest_replies, iso_week
from coach.outgoing import platform
from coach.records import DigestTeam, Manager

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(days=1)  # a digest not delivered within a day of when it could first be is dropped


def due_moment(team: DigestTeam, now: datetime) -> datetime | None:
    """When the team's latest digest fell due (at or before `now`); None when it is off or not understood."""
    try:
        when = WeeklyTime.parse(team.digest_at)
    except ValueError:
        log.warning("team %s has a digest time that is not understood; no digest sent", team.team_id)
        return None
    return when.latest(now, ZoneInfo(team.timezone)) if when else None


def digest_week(team: DigestTeam, now: datetime) -> str:
    """The ISO week a digest sent now belongs to: that of the moment it fell due (a Friday digest held over a
    holiday still counts for its Friday's week), or this week for a team without a digest time."""
    moment = due_moment(team, now) or now
    return iso_week(moment.astimezone(ZoneInfo(team.timezone)).date())


async def enqueue_team_digest(runtime: Runtime, team: DigestTeam, due: dict[Manager, datetime], now: datetime, *,
                              on_demand: bool = False) -> list[str]:
    """Compute the team's digest once and put it in the outbox for each manager in `due` (→ when it expires)
    who has no message of this week yet; returns the keys added. `on_demand` (digest --send): also for a
    manager whose message is not sent yet, replacing it, and replacing the week's snapshot."""
    from coach.digest_chart import forecast_chart  # matplotlib: loaded when a digest is due, not at start-up

    jobs, week = runtime.jobs, digest_week(team, now)
    had = await asyncio.to_thread(jobs.states, [digest_key(m.identity, team.team_id, week) for m in due])

    def wanted(state: str | None) -> bool:
        return state is None or (on_demand and state not in ("sent", "sending"))

    managers = [m for m in due if wanted(had.get(digest_key(m.identity, team.team_id, week)))]
    if not managers:  # nothing to compute
        return []
    numbers, previous = await asyncio.to_thread(jobs.current_digest, team.team_id, now)
    charts: dict[str, bytes] = {}
    messages = []
    for manager in managers:
        if manager.language not in charts:
            charts[manager.language] = await asyncio.to_thread(forecast_chart, numbers, manager.language)
        summary, details = digest_replies(numbers, previous, manager.language, charts[manager.language])
        messages.append(digest_message(manager.identity, team.team_id, week, summary, details, due[manager]))
    return await asyncio.to_thread(jobs.enqueue_digest, team.team_id, numbers, messages, now, on_demand)


class WeeklyDigest(Producer):
    """The scheduler's job: every team whose digest is due now gets it, once per manager and week."""

    async def run_once(self) -> int:
        """Put every digest that is due in the outbox; returns for how many managers. One team's failure does not
        keep the others from theirs."""
        now, added = self.clock(), 0
        for team in await asyncio.to_thread(self.runtime.jobs.digest_teams):
            try:
                due = self._due(team, now)
                if due:
                    added += len(await enqueue_team_digest(self.runtime, team, due, now))
            except Exception:
                log.exception("weekly digest of team %s failed; tried again at the next run", team.team_id)
        return added

    def _due(self, team: DigestTeam, now: datetime) -> dict[Manager, datetime]:
        """The managers on platforms served here who may get the digest now, each with when it expires."""
        moment = due_moment(team, now)
        if moment is None:
            return {}
        due = {}
        for m in team.managers:
            if platform(m.identity) in self.platforms:
                first = delivery_moment(moment, team.working_hours, team.timezone, team.country, m.away_until)
                if first <= now < first + STALE_AFTER:
                    due[m] = first + STALE_AFTER
        return due
