"""The managers' weekly pipeline digest: computed per team, sent to each manager on their platform.

Each team's digest falls due at its `digest_at` ("mon 08:00" in the team's time zone, by default) and reaches
each manager at the first moment after that within the team's working hours, not on a public holiday and not
while the manager is away (so a Friday digest held over a holiday arrives on Monday). One that could not be
delivered within a day of that moment (the service was down) is dropped; the next week's comes as usual,
and `salescoach digest --send` sends one on demand.

"Once" holds per manager and digest across instances: the send is claimed in the processed-events table
under a lease before the digest is computed, and marked done once sent (or once it is clear the platform
cannot reach the manager). A send that failed, or a process that died mid-way, leaves the claim to expire:
a run after the lease tries again, so nothing is lost and nobody gets the summary twice. The first digest
sent in a week is stored as the team's snapshot of that week: next week's change is measured against it,
and `salescoach digest --week` shows it again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.runtime import Runtime
from bot.senders import DigestSender, Unreachable
from coach.clock import Clock
from coach.delivery_window import WeeklyTime, delivery_moment
from coach.digest import digest_replies, iso_week
from storage.deliveries import claim_lease, finish_delivery
from storage.digest import DigestTeam, Manager, current_digest, digest_teams, record_sent

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=30)  # a claimed digest not sent by then is tried again
STALE_AFTER = timedelta(days=1)  # a digest not delivered within a day of when it could first be is dropped


@dataclass
class Delivery:
    """What one team's digest run did, per manager identity."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # tried again once the lease runs out
    unreachable: list[str] = field(default_factory=list)  # no platform here, or it cannot reach them yet
    already: list[str] = field(default_factory=list)  # sent (or being sent) this time already


def prefix(identity: str) -> str:
    return identity.split(":", 1)[0] + ":"


def claim_key(identity: str, team_id: int, week: str) -> str:
    """A manager's digest of one week, as claimed in the processed-events table (the identity first, so
    `user delete` finds it with the user's other delivery records)."""
    return f"{identity}:digest:{team_id}:{week}"


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


async def send_team_digest(runtime: Runtime, senders: dict[str, DigestSender], team: DigestTeam,
                           managers: list[Manager], now: datetime, *, keep_first: bool = True) -> Delivery:
    """Claim, compute once, send to each claimed manager in their language with the chart, and settle the
    claims; store the digest as the week's snapshot if anyone got it (`keep_first`: unless one is stored)."""
    from coach.digest_chart import forecast_chart  # matplotlib: loaded when a digest is due, not at start-up

    sessions, done = runtime.sessions, Delivery()
    week = digest_week(team, now)
    claimed: list[Manager] = []
    for manager in managers:
        if prefix(manager.identity) not in senders:
            done.unreachable.append(manager.identity)
        elif await asyncio.to_thread(claim_lease, sessions, "digest", claim_key(manager.identity, team.team_id, week),
                                     LEASE, now):
            claimed.append(manager)
        else:
            done.already.append(manager.identity)
    if not claimed:  # nothing to compute
        return done
    numbers, previous = await asyncio.to_thread(current_digest, sessions, team.team_id, now)
    charts: dict[str, bytes] = {}
    for manager in claimed:
        if manager.language not in charts:
            charts[manager.language] = await asyncio.to_thread(forecast_chart, numbers, manager.language)
        summary, details = digest_replies(numbers, previous, manager.language, charts[manager.language])
        try:
            await senders[prefix(manager.identity)](manager.identity, summary, details)
        except Unreachable:
            done.unreachable.append(manager.identity)
        except Exception as exc:
            log.warning("weekly digest of team %s failed for a manager, tried again in %d minutes: %s",
                        team.team_id, LEASE.seconds // 60, type(exc).__name__)
            done.failed.append(manager.identity)
            continue
        else:
            done.sent.append(manager.identity)
        await asyncio.to_thread(finish_delivery, sessions, "digest", claim_key(manager.identity, team.team_id, week))
    if done.sent:
        await asyncio.to_thread(record_sent, sessions, team.team_id, numbers, keep_first)
    return done


class WeeklyDigest:
    """The scheduler's job: every team whose digest is due now gets it, once per manager and week."""

    def __init__(self, runtime: Runtime, senders: dict[str, DigestSender],
                 clock: Clock | None = None) -> None:
        self.runtime = runtime
        self.senders = senders
        self.clock = clock or runtime.clock

    async def run_once(self) -> int:
        """Send every digest that is due; returns how many managers got one. One team's failure does not keep
        the others from theirs."""
        now, sent = self.clock(), 0
        for team in await asyncio.to_thread(digest_teams, self.runtime.sessions):
            try:
                due = self._due(team, now)
                if due:
                    sent += len((await send_team_digest(self.runtime, self.senders, team, due, now)).sent)
            except Exception:
                log.exception("weekly digest of team %s failed; tried again once its claims expire", team.team_id)
        return sent

    def _due(self, team: DigestTeam, now: datetime) -> list[Manager]:
        moment = due_moment(team, now)
        if moment is None:
            return []
        due = []
        for m in team.managers:
            if prefix(m.identity) in self.senders:
                first = delivery_moment(moment, team.working_hours, team.timezone, team.country, m.away_until)
                if first <= now < first + STALE_AFTER:
                    due.append(m)
        return due
