"""Natural dates in English and Dutch: "next tuesday", "volgende week dinsdag", "15-03", "in 2 weeks".

dateparser does the heavy lifting; a few Dutch and English week phrasings it misses are read first, and
so is a part of a month ("end of february", "begin maart", "half april": the 1st, the 15th or the last
day, this year or, when that day has passed, next year). Ambiguous numeric dates are read day-first, as
Dutch and most European users write them.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, datetime, timedelta

from babel.dates import get_month_names

WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5, "zondag": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "ma": 0, "di": 1, "wo": 2, "do": 3, "vr": 4, "za": 5, "zo": 6,
}
_DAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_NEXT_WEEK_DAY = re.compile(rf"^(?:(?:next week|volgende week|komende week)\s+(?:on\s+|op\s+)?({_DAY})"
                            rf"|({_DAY})\s+(?:next week|volgende week))$")
_NEXT_DAY = re.compile(rf"^(?:next|volgende|komende|aanstaande|a\.s\.)\s+({_DAY})$")
_END_OF = re.compile(r"^(?:end of (?:the )?(week|month)|eind(?:e)? van (?:de )?(week|maand)|"
                     r"einde (week|maand))$")
_START, _MIDDLE, _END = 1, 15, 0  # the day a part of the month means; 0: its last day
_PARTS = {"begin": _START, "begin van": _START, "start of": _START, "start": _START, "beginning of": _START,
          "early": _START, "the start of": _START, "the beginning of": _START,
          "mid": _MIDDLE, "mid-": _MIDDLE, "middle of": _MIDDLE, "the middle of": _MIDDLE, "half": _MIDDLE,
          "medio": _MIDDLE, "midden": _MIDDLE, "midden van": _MIDDLE, "halverwege": _MIDDLE,
          "end of": _END, "the end of": _END, "late": _END, "eind": _END, "einde": _END, "eind van": _END,
          "einde van": _END}
_PART = "|".join(re.escape(p) for p in sorted(_PARTS, key=len, reverse=True))
_SETTINGS = {"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": False}


@functools.cache
def _months() -> tuple[dict[str, int], re.Pattern[str]]:
    """Month names in English and Dutch (Babel's) and the pattern of a part of a month; built on first use, so a
    process that reads no dates (the web process) does not load Babel's locale data."""
    months = {name.casefold(): number for locale in ("en", "nl") for width in ("wide", "abbreviated")
              for number, name in get_month_names(width, locale=locale).items()} | {"sept": 9}
    month = "|".join(sorted(months, key=len, reverse=True))
    return months, re.compile(rf"^({_PART})(?:\s+|(?<=-))({month})\.?(?:\s+(\d{{4}}))?$")


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _part_of_month(part: str, month: int, year: int | None, today: date) -> date:
    def day_in(y: int) -> date:
        day = _PARTS[part] or calendar.monthrange(y, month)[1]
        return date(y, month, day)

    if year is not None:
        return day_in(year)
    this_year = day_in(today.year)
    return this_year if this_year >= today else day_in(today.year + 1)


def parse_date(text: str, today: date) -> date | None:
    """The date meant by `text`, relative to `today` (the user's local date); None if not understood."""
    s = " ".join(text.strip().lower().rstrip(".!").split())
    if not s:
        return None
    if m := _NEXT_WEEK_DAY.match(s):
        day = WEEKDAYS[m.group(1) or m.group(2)]
        return _week_start(today) + timedelta(days=7 + day)
    if m := _NEXT_DAY.match(s):
        ahead = (WEEKDAYS[m.group(1)] - today.weekday()) % 7
        return today + timedelta(days=ahead or 7)
    if m := _END_OF.match(s):
        unit = next(g for g in m.groups() if g)
        if unit == "week":
            return _week_start(today) + timedelta(days=4)
        first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        return first_next - timedelta(days=1)
    months, part_of_month = _months()
    if m := part_of_month.match(s):
        return _part_of_month(m.group(1), months[m.group(2)], int(m.group(3)) if m.group(3) else None, today)
    if re.fullmatch(r"\d{1,2}[-/.]\d{1,2}", s):  # "15-03": day-month, this year or next
        day, month = (int(x) for x in re.split(r"[-/.]", s))
        for year in (today.year, today.year + 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                return None
            if candidate >= today:
                return candidate
    base = datetime(today.year, today.month, today.day, 12, 0)
    import dateparser  # loaded on first use: a process that never parses free-form dates does not carry it

    parsed = dateparser.parse(s, languages=["en", "nl"], settings={**_SETTINGS, "RELATIVE_BASE": base})
    return parsed.date() if parsed else None
