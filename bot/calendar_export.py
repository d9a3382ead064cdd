"""Open follow-ups as an iCalendar file, so a rep sees them next to their appointments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from coach.i18n import translator
from coach.records import FollowUpInfo

DURATION = timedelta(minutes=15)


def followups_calendar(items: list[FollowUpInfo], owner: str, now: datetime,
                       language: str | None = None) -> bytes:
    """One 15-minute event per open follow-up at its due time, with a reminder alarm; stable UIDs, so
    importing the file again updates the events instead of duplicating them. Written in `language`."""
    _ = translator(language).gettext
    calendar = Calendar()
    calendar.add("prodid", "-//salescoach//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Follow-ups {owner}").format(owner=owner))
    for f in items:
        event = Event()
        event.add("uid", f"followup-{f.id}@salescoach")
        event.add("dtstamp", now)
        event.add("dtstart", f.due_at.astimezone(UTC))
        event.add("dtend", f.due_at.astimezone(UTC) + DURATION)
        event.add("summary", f"{f.account_name}: {f.action}")
        event.add("description", _("Follow-up #{id}. In chat: “done {id}” or “snooze {id} tomorrow”.").format(id=f.id))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{f.account_name}: {f.action}")
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
