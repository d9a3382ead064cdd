"""Reminders keep to working hours in the rep's time zone, skip holidays and absences, and survive DST."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import holidays
import pytest

from coach.delivery_window import WorkingHours, next_delivery

AMS = ZoneInfo("Europe/Amsterdam")
NY = ZoneInfo("America/New_York")
OFFICE = WorkingHours.parse("mon-fri 08:00-18:00")


def local(tz: ZoneInfo, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


def test_inside_working_hours_it_is_now() -> None:
    now = local(AMS, 2026, 11, 24, 10, 30)  # a Tuesday
    assert next_delivery(now, OFFICE, AMS) == now.astimezone(UTC)


def test_friday_evening_waits_for_monday_morning() -> None:
    friday_evening = local(AMS, 2026, 11, 27, 18, 5)
    assert next_delivery(friday_evening, OFFICE, AMS) == local(AMS, 2026, 11, 30, 8, 0).astimezone(UTC)


def test_early_morning_waits_for_opening_the_same_day() -> None:
    assert next_delivery(local(AMS, 2026, 11, 24, 6, 0), OFFICE, AMS) == local(AMS, 2026, 11, 24, 8, 0)


def test_the_reps_own_time_zone_decides() -> None:
    moment = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 13:00 in Amsterdam, 07:00 in New York
    assert next_delivery(moment, OFFICE, AMS) == moment
    assert next_delivery(moment, OFFICE, NY) == local(NY, 2026, 11, 24, 8, 0).astimezone(UTC)


def test_dst_switch_keeps_wall_clock_opening_time() -> None:
    # Europe leaves summer time on Sunday 25 October 2026: Monday opens at 08:00 CET, 07:00 UTC.
    saturday = local(AMS, 2026, 10, 24, 12, 0)
    assert next_delivery(saturday, OFFICE, AMS) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    # and entering summer time on 29 March 2026: Monday 08:00 CEST is 06:00 UTC.
    assert next_delivery(local(AMS, 2026, 3, 28, 12, 0), OFFICE, AMS) == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)


def test_a_start_time_skipped_by_dst_moves_just_after_the_switch() -> None:
    night = WorkingHours.parse("sun 02:30-04:00")
    assert next_delivery(local(AMS, 2026, 3, 29, 0, 0), night, AMS) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_public_holidays_of_the_team_country_are_skipped() -> None:
    dutch = holidays.country_holidays("NL", years=[2026, 2027])
    christmas_eve_evening = local(AMS, 2026, 12, 24, 19, 0)  # Thursday; 25 and 26 December are holidays
    assert next_delivery(christmas_eve_evening, OFFICE, AMS, dutch) == local(AMS, 2026, 12, 28, 8, 0)
    kings_day = local(AMS, 2027, 4, 27, 9, 0)
    assert next_delivery(kings_day, OFFICE, AMS, dutch) == local(AMS, 2027, 4, 28, 8, 0)


def test_nothing_arrives_while_the_rep_is_away() -> None:
    now = local(AMS, 2026, 11, 24, 10, 0)
    assert next_delivery(now, OFFICE, AMS, away_until=date(2026, 12, 4)) == local(AMS, 2026, 12, 7, 8, 0)


def test_always_means_any_time_but_still_not_while_away() -> None:
    sunday_night = local(AMS, 2026, 11, 29, 3, 0)
    assert next_delivery(sunday_night, None, AMS) == sunday_night
    assert next_delivery(sunday_night, None, AMS, away_until=date(2026, 11, 29)) == local(AMS, 2026, 11, 30, 0, 0)


@pytest.mark.parametrize("spec, days", [("mon-fri 08:00-18:00", {0, 1, 2, 3, 4}), ("sat-mon 10:00-24:00", {5, 6, 0}),
                                        ("mon,wed,fri 09:00-17:00", {0, 2, 4}), ("ALWAYS", None)])
def test_specs(spec: str, days: set[int] | None) -> None:
    parsed = WorkingHours.parse(spec)
    assert (parsed.days if parsed else None) == (frozenset(days) if days is not None else None)


@pytest.mark.parametrize("spec", ["weekdays", "mon-fri 18:00-08:00", "mon-xyz 08:00-18:00", "mon-fri 8-18"])
def test_bad_specs_say_what_is_wrong(spec: str) -> None:
    with pytest.raises(ValueError, match="working hours|unknown day|must come after"):
        WorkingHours.parse(spec)
