"""Dates in deal exports: `YYYY-MM-DD`, and day-first or month-first dates decided per column.

`31/12/2026` can only be day first and `12/31/2026` only month first; `05/06/2026` can be either. A
column's order is decided from all its values (`DateColumn`): one that can only be read one way decides
it, both ways is an error, and slashed dates that all fit either way need `--date-order`. Dashes and
dots without such evidence are day first, as the deals CSV contract has always read `DD-MM-YYYY`.
A time after a date (`2026-12-31 00:00`, `6/30/2026 2:15 PM`) is ignored.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

DATE_HINT = "write YYYY-MM-DD or DD-MM-YYYY"
_TIME = re.compile(r"(?:[ T]|,\s*)\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_YEAR_LAST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class DateOrder(StrEnum):
    DMY = "dmy"  # 31/12/2026
    MDY = "mdy"  # 12/31/2026


def parse_date(text: str, month_end: bool = True, order: DateOrder = DateOrder.DMY) -> date:
    """A date in one of the forms above, `DD-MM-YYYY`-like ones in `order`; `YYYY-MM` is the month's last
    day when `month_end`. Raises ValueError saying what is wrong."""
    s = _TIME.sub("", text.strip())
    if match := _YEAR_FIRST.fullmatch(s):
        year, month, day, how = int(match[1]), int(match[3]), int(match[4]), ""
    elif match := _YEAR_LAST.fullmatch(s):
        first, second = int(match[1]), int(match[3])
        day, month = (first, second) if order is DateOrder.DMY else (second, first)
        year, how = int(match[4]), f" read {'day' if order is DateOrder.DMY else 'month'} first"
    if match:
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"{text.strip()!r} is not a real date{how}") from None
    match = _MONTH.fullmatch(s)
    if match and month_end and 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        return date(year, month, calendar.monthrange(year, month)[1])
    hint = DATE_HINT + (" (or YYYY-MM for a month)" if month_end else "")
    raise ValueError(f"{text.strip()!r} is not a date; {hint}")


@dataclass
class DateColumn:
    """What a column's values say about their order; `see` each value, then ask `order`."""

    header: str
    day_first: tuple[int, str] | None = None  # the first (line, value) that can only be day first
    month_first: tuple[int, str] | None = None
    either: tuple[int, str] | None = None  # the first slashed value that can be read both ways

    def see(self, line: int, text: str) -> None:
        match = _YEAR_LAST.fullmatch(_TIME.sub("", text.strip()))
        if not match:
            return
        first, second, seen = int(match[1]), int(match[3]), (line, text.strip())
        if first > 12 >= second:
            self.day_first = self.day_first or seen
        elif second > 12 >= first:
            self.month_first = self.month_first or seen
        elif first <= 12 and second <= 12 and match[2] == "/":
            self.either = self.either or seen

    def order(self, chosen: DateOrder | None) -> DateOrder:
        """The column's order: `chosen` (--date-order) wins. Raises ValueError when the values cannot tell."""
        if chosen is not None:
            return chosen
        if self.day_first and self.month_first:
            (d_line, d_text), (m_line, m_text) = self.day_first, self.month_first
            raise ValueError(f"{self.header}: line {d_line} has {d_text!r}, which can only be day first, and line "
                             f"{m_line} has {m_text!r}, which can only be month first; write the column one way, or "
                             "pass --date-order dmy or --date-order mdy to say which is meant")
        if self.month_first:
            return DateOrder.MDY
        if self.either and not self.day_first:
            line, text = self.either
            raise ValueError(f"{self.header}: dates such as {text!r} (line {line}) can be day first or month "
                             "first, and no date in the column tells which; pass --date-order dmy (31/12/2026) "
                             "or --date-order mdy (12/31/2026)")
        return DateOrder.DMY
