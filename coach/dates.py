"""Natural dates in English and Dutch: "next tuesday", "volgende week dinsdag", "15-03", "in 2 weeks".

dateparser does the heavy lifting; a few Dutch and English week phrasings it misses are rewritten
first. Ambiguous numeric dates are read day-first, as Dutch and most European users write them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

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
_SETTINGS = {"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": False}


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


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
