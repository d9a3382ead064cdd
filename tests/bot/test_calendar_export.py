"""The follow-ups calendar speaks the rep's language, commands included."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from bot.calendar_export import followups_calendar
from coach.records import FollowUpInfo

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ITEM = FollowUpInfo(id=12, account_id=1, account_name="Bakkerij Jansen", deal_id=None, action="Demo plannen",
                    due_at=datetime(2026, 3, 5, 14, 0, tzinfo=UTC), status="open")


def _read(data: bytes) -> tuple[str, str]:
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return str(calendar["x-wr-calname"]), str(event["description"])


def test_the_calendar_is_written_in_the_reps_language() -> None:
    assert _read(followups_calendar([ITEM], "teams:sanne", now=NOW, language="nl")) == (
        "Opvolgacties van teams:sanne", "Opvolgactie #12. In de chat: “klaar 12” of “uitstellen 12 morgen”.")
    assert _read(followups_calendar([ITEM], "slack:U1", now=NOW)) == (
        "Follow-ups slack:U1", "Follow-up #12. In chat: “done 12” or “snooze 12 tomorrow”.")
