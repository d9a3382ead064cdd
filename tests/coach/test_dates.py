"""Natural dates in English and Dutch, relative to the user's local day (a Tuesday here)."""

from __future__ import annotations

from datetime import date

import pytest

from coach.dates import parse_date

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize("text, expected", [
    ("next tuesday", date(2026, 12, 1)),
    ("volgende week dinsdag", date(2026, 12, 1)),
    ("dinsdag volgende week", date(2026, 12, 1)),
    ("volgende vrijdag", date(2026, 11, 27)),
    ("15-03", date(2027, 3, 15)),
    ("24-11", date(2026, 11, 24)),
    ("in 2 weeks", date(2026, 12, 8)),
    ("over 2 weken", date(2026, 12, 8)),
    ("morgen", date(2026, 11, 25)),
    ("tomorrow", date(2026, 11, 25)),
    ("eind van de maand", date(2026, 11, 30)),
    ("end of the week", date(2026, 11, 27)),
    ("2027-01-10", date(2027, 1, 10)),
    ("10-01-2027", date(2027, 1, 10)),
    ("3 december", date(2026, 12, 3)),
])
def test_understood(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("end of february", date(2027, 2, 28)),
    ("eind februari", date(2027, 2, 28)),
    ("einde februari", date(2027, 2, 28)),
    ("eind feb.", date(2027, 2, 28)),
    ("the end of Feb 2028", date(2028, 2, 29)),
    ("end of november", date(2026, 11, 30)),  # this month's end is still ahead
    ("eind november", date(2026, 11, 30)),
    ("begin maart", date(2027, 3, 1)),
    ("start of march", date(2027, 3, 1)),
    ("early march", date(2027, 3, 1)),
    ("mid april", date(2027, 4, 15)),
    ("mid-april", date(2027, 4, 15)),
    ("half april", date(2027, 4, 15)),
    ("medio april", date(2027, 4, 15)),
    ("midden april", date(2027, 4, 15)),
    ("late march", date(2027, 3, 31)),
    ("eind mrt 2027", date(2027, 3, 31)),
    ("mid november", date(2027, 11, 15)),  # this month's middle has passed: next year's
    ("begin december", date(2026, 12, 1)),
])
def test_part_of_a_month(text: str, expected: date) -> None:
    """Decision dates are often said as a part of a month: its start (the 1st), middle (the 15th) or end."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "gibberish", "31-02", "someday soon-ish", "end of smarch", "half 3"])
def test_not_understood(text: str) -> None:
    assert parse_date(text, TODAY) is None
