"""When a reminder may reach a rep: the team's working hours, in the rep's own time zone, never on a
public holiday of the team's country or while the rep is away.

Working hours are written like the contract's `--working-hours`: `mon-fri 08:00-18:00`,
`mon,wed,fri 09:00-17:00` or `always`. Wall-clock times are kept across daylight-saving changes:
08:00 is 08:00 local time on both sides of the switch.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(r"^(?P<days>[a-z,-]+) (?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)$")
LOOKAHEAD_DAYS = 400


@dataclass(frozen=True)
class WorkingHours:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time | None  # None: until midnight ("24:00")

    @classmethod
    def parse(cls, spec: str) -> WorkingHours | None:
        """None means `always`. Raises ValueError for a spec that is not understood."""
        spec = " ".join(spec.strip().lower().split())
        if spec == "always":
            return None
        m = _SPEC.match(spec)
        if not m:
            raise ValueError(f"working hours {spec!r} not understood; write e.g. 'mon-fri 08:00-18:00' or 'always'")
        days: set[int] = set()
        for part in m["days"].split(","):
            first, _, last = part.partition("-")
            if first not in DAYS or (last and last not in DAYS):
                raise ValueError(f"unknown day in {part!r}; use mon, tue, wed, thu, fri, sat, sun")
            a, b = DAYS.index(first), DAYS.index(last or first)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        start = time.fromisoformat(m["start"])
        end = None if m["end"] == "24:00" else time.fromisoformat(m["end"])
        if end is not None and end <= start:
            raise ValueError(f"working hours end ({m['end']}) must come after they start ({m['start']})")
        return cls(frozenset(days), start, end)


def next_delivery(moment: datetime, hours: WorkingHours | None, tz: ZoneInfo,
                  holidays: Container[date] = (), away_until: date | None = None) -> datetime:
    """The earliest moment at or after `moment` when a reminder may be delivered (UTC)."""
    local = moment.astimezone(tz)
    for offset in range(LOOKAHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        if day in holidays or (away_until is not None and day <= away_until):
            continue
        if hours is None:
            opens, closes = datetime.combine(day, time(0), tz), None
        elif day.weekday() not in hours.days:
            continue
        else:
            opens = _wall(day, hours.start, tz)
            closes = _wall(day, hours.end, tz) if hours.end else None
        candidate = max(local, opens) if offset == 0 else opens
        if closes is None or candidate < closes:
            return candidate.astimezone(UTC)
    return moment.astimezone(UTC)  # no allowed day within a year: better late than never


def _wall(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` o'clock local time on `day`; a time skipped by a DST switch moves to just after it."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    round_trip = aware.astimezone(UTC).astimezone(tz)
    return aware if round_trip.replace(tzinfo=None) == naive else round_trip


def delivery_moment(now: datetime, working_hours: str, timezone: str, country: str | None,
                    away_until: date | None) -> datetime:
    """When a rep with these settings may next be reminded: `now`, or later."""
    tz = ZoneInfo(timezone)
    year = now.astimezone(tz).year
    days_off: Container[date] = ()
    if country:
        import holidays  # loaded only when a team has a country set

        days_off = holidays.country_holidays(country, years=[year, year + 1])
    try:
        hours = WorkingHours.parse(working_hours)
    except ValueError:  # a spec stored before it was checked: do not hold reminders back over it
        hours = None
    return next_delivery(now, hours, tz, days_off, away_until)


@dataclass(frozen=True)
class WeeklyTime:
    """A moment of the week in local time, like the digest's "mon 08:00"."""

    weekday: int  # 0 = Monday
    at: time

    @classmethod
    def parse(cls, spec: str) -> WeeklyTime | None:
        """None means `off`. Raises ValueError for a spec that is not understood."""
        words = spec.strip().lower().split()
        if words == ["off"]:
            return None
        if len(words) != 2 or words[0] not in DAYS or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", words[1]):
            raise ValueError(f"{spec!r} not understood; write a day and a time like 'mon 08:00', or 'off'")
        return cls(DAYS.index(words[0]), time.fromisoformat(words[1]))

    def this_week(self, now: datetime, tz: ZoneInfo) -> datetime:
        """This moment in the (Monday-to-Sunday) week of `now`, local to `tz`, as UTC; it may be later than `now`."""
        today = now.astimezone(tz).date()
        return _wall(today + timedelta(days=self.weekday - today.weekday()), self.at, tz).astimezone(UTC)

    def latest(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The last such moment at or before `now` (this week's or last week's), as UTC."""
        moment = self.this_week(now, tz)
        if moment <= now:
            return moment
        day = moment.astimezone(tz).date() - timedelta(days=7)
        return _wall(day, self.at, tz).astimezone(UTC)
