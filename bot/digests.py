"""The managers' weekly pipeline digest: computed per team, sent to each manager on their platform.

Each team's digest falls due at its `digest_at` ("mon 08:00" in the team's time zone, by default) and reaches
each manager at the first moment after that within the team's working hours, not on a public holiday and not
while the manager is away; a digest not sent by the end of its week is superseded by the next one.

"Once" holds per manager and week across instances: the send is claimed in the processed-events table
before the digest is computed, and the claim is withdrawn if the send failed, so a later run retries it.
The digest a manager was sent is stored as the team's snapshot of that week: next week's change is
measured against it, and `salescoach digest --week` shows it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.runtime import Runtime
from bot.senders import DigestSender
from coach.delivery_window import WeeklyTime, delivery_moment
from coach.digest import DigestNumbers, Snapshot, digest_replies, iso_week
from storage.deliveries import claim_delivery, unclaim_delivery
from storage.digest import DigestTeam, Manager, current_digest, digest_teams, record_sent

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    """What one team's digest run did, per manager identity."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # no platform configured here can reach them


def prefix(identity: str) -> str:
    return identity.split(":", 1)[0] + ":"


def claim_key(identity: str, team_id: int, week: str) -> str:
    """A manager's digest of one week, as claimed in the processed-events table (the identity first, so
    `user delete` finds it with the user's other delivery records)."""
    return f"{identity}:digest:{team_id}:{week}"


async def deliver(runtime: Runtime, senders: dict[str, DigestSender], team: DigestTeam, managers: list[Manager],
                  numbers: DigestNumbers, previous: Snapshot | None) -> Delivery:
    """Send `numbers` to `managers`, each in their language, with the chart; store it as the week's digest
    if anyone got it."""
    from coach.digest_chart import forecast_chart  # matplotlib: loaded when a digest is due, not at start-up

    done, charts = Delivery(), {}
    for manager in managers:
        send = senders.get(prefix(manager.identity))
        if send is None:
            done.unreachable.append(manager.identity)
            continue
        if manager.language not in charts:
            charts[manager.language] = await asyncio.to_thread(forecast_chart, numbers, manager.language)
        summary, details = digest_replies(numbers, previous, manager.language, charts[manager.language])
        try:
            await send(manager.identity, summary, details)
        except Exception as exc:
            log.warning("weekly digest of team %s failed for a manager: %s", team.team_id, type(exc).__name__)
            done.failed.append(manager.identity)
            continue
        done.sent.append(manager.identity)
    if done.sent:
        await asyncio.to_thread(record_sent, runtime.sessions, team.team_id, numbers)
    return done


class WeeklyDigest:
    """The scheduler's job: every team whose digest is due now gets it, once per manager and week."""

    def __init__(self, runtime: Runtime, senders: dict[str, DigestSender],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.runtime = runtime
        self.senders = senders
        self.clock = clock

    async def run_once(self) -> int:
        """Send every digest that is due; returns how many managers got one."""
        now, sent = self.clock(), 0
        for team in await asyncio.to_thread(digest_teams, self.runtime.sessions):
            due = self._due(team, now)
            if due:
                sent += len(await self._send(team, due, now))
        return sent

    def _due(self, team: DigestTeam, now: datetime) -> list[Manager]:
        try:
            when = WeeklyTime.parse(team.digest_at)
        except ValueError:
            log.warning("team %s has a digest time that is not understood; no digest sent", team.team_id)
            return []
        if when is None:
            return []
        moment = when.this_week(now, ZoneInfo(team.timezone))
        return [m for m in team.managers if prefix(m.identity) in self.senders and moment <= now
                and delivery_moment(moment, team.working_hours, team.timezone, team.country, m.away_until) <= now]

    async def _send(self, team: DigestTeam, managers: list[Manager], now: datetime) -> list[str]:
        sessions = self.runtime.sessions
        week = iso_week(now.astimezone(ZoneInfo(team.timezone)).date())
        keys = {m.identity: claim_key(m.identity, team.team_id, week) for m in managers}
        claimed = [m for m in managers if await asyncio.to_thread(claim_delivery, sessions, "digest", keys[m.identity])]
        if not claimed:  # sent already, here or by another instance: nothing to compute
            return []
        numbers, previous = await asyncio.to_thread(current_digest, sessions, team.team_id, now)
        done = await deliver(self.runtime, self.senders, team, claimed, numbers, previous)
        for identity in done.failed:  # a later run tries again
            await asyncio.to_thread(unclaim_delivery, sessions, "digest", keys[identity])
        return done.sent
