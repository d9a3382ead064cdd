"""What a follow-up reminder says: the due items of one rep, each with its buttons.

The buttons carry `cmd:` values, so a click runs the same command as typing it ("done 12",
"snooze 12 1h"), with the same owner checks, whatever conversation the rep is in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coach.i18n import translator
from coach.outgoing import Outgoing
from coach.replies import Block, Choice, Choices, ChoiceStyle, Heading, Reply, bold, bullets, text, truncate

LATE_AFTER = timedelta(minutes=15)  # delivered later than this after its due time: say so
MAX_ITEMS = 10  # shown with buttons; more are counted, with a pointer to “followups”


@dataclass(frozen=True)
class ReminderItem:
    id: int
    account_name: str
    action: str
    due_at: datetime
    kind: str = "action"  # action | prep | debrief


def reminder_reply(items: list[ReminderItem], language: str, timezone: str, now: datetime) -> Reply:
    t = translator(language)
    _ = t.gettext
    tz = ZoneInfo(timezone)
    late = [i for i in items if now - i.due_at > LATE_AFTER]
    blocks: list[Block] = [Heading(text=t.ngettext("A follow-up is due", "{n} follow-ups are due",
                                                   len(items)).format(n=len(items)))]
    if late:
        blocks.append(text(_("Sent late: I could not reach you when these fell due.") if len(late) > 1
                           else _("Sent late: I could not reach you when this fell due.")))
    for item in items[:MAX_ITEMS]:
        when = t.datetime(item.due_at, "EEE d MMM HH:mm", tz=str(tz))
        flag = " " + _("(late)") if item in late else ""
        blocks.append(text(bold(f"#{item.id} {item.account_name}"), f" — {item.action} — {when}{flag}"))
        blocks.extend(_buttons(t, item))
    if len(items) > MAX_ITEMS:
        blocks.append(text(_("…and {n} more. Type “followups” to see them all.").format(n=len(items) - MAX_ITEMS)))
    return Reply(blocks=blocks, language=language)


def _buttons(t, item: ReminderItem) -> list[Choices]:
    """Done, snooze and pick a date for every kind; a preparation offer leads with Prepare now, a debrief
    request with Log debrief."""
    _ = t.gettext
    account = truncate(item.account_name, 120)
    lead = {"prep": Choice(label=_("Prepare now"), value=f"cmd:prep {account}", style=ChoiceStyle.PRIMARY),
            "debrief": Choice(label=_("Log debrief"), value=f"cmd:debrief {account}", style=ChoiceStyle.PRIMARY)}
    first = [lead[item.kind]] if item.kind in lead else []
    done = Choice(label=_("Done"), value=f"cmd:done {item.id}",
                  style=ChoiceStyle.DEFAULT if first else ChoiceStyle.PRIMARY)
    later = [Choice(label=_("Snooze 1 hour"), value=f"cmd:snooze {item.id} 1h"),
             Choice(label=_("Tomorrow"), value=f"cmd:snooze {item.id} tomorrow"),
             Choice(label=_("Next week"), value=f"cmd:snooze {item.id} 1w")]
    rest = [Choice(label=_("Pick a date"), value=f"cmd:reschedule {item.id}")]
    if item.kind == "action":
        rest.append(Choice(label=_("Log debrief"), value=f"cmd:debrief {account}"))
    return [Choices(scope="cmd", options=[*first, done, *later][:5]),
            Choices(scope="cmd", options=[*[*first, done, *later][5:], *rest])]


def overdue_nudge(total: int, oldest: list[ReminderItem], language: str, timezone: str) -> Reply:
    """The daily nudge: what is overdue, oldest first, with the same buttons as a reminder."""
    t = translator(language)
    _ = t.gettext
    tz = ZoneInfo(timezone)
    blocks: list[Block] = [Heading(text=t.ngettext("{n} follow-up is overdue", "{n} follow-ups are overdue",
                                                   total).format(n=total)),
                           text(_("Customers notice when a promise slips. Do it, or give it an honest new date."))]
    for item in oldest[:MAX_ITEMS // 2]:
        since = t.date(item.due_at.astimezone(tz).date(), "EEE d MMM")
        blocks.append(text(bold(f"#{item.id} {item.account_name}"), " — ", item.action, " — ",
                           _("due since {day}").format(day=since)))
        blocks.append(Choices(scope="cmd", options=[
            Choice(label=_("Done"), value=f"cmd:done {item.id}", style=ChoiceStyle.PRIMARY),
            Choice(label=_("Tomorrow"), value=f"cmd:snooze {item.id} tomorrow"),
            Choice(label=_("Next week"), value=f"cmd:snooze {item.id} 1w"),
        ]))
    if total > MAX_ITEMS // 2:
        blocks.append(text(_("…and {n} more. Type “followups” to see them all.").format(n=total - MAX_ITEMS // 2)))
    return Reply(blocks=blocks, language=language)


def team_overview(team: str, rows: list[tuple[str, int, datetime]], language: str, timezone: str) -> Reply:
    """The weekly overview for a team channel: who has overdue follow-ups, how many, since when."""
    t = translator(language)
    _ = t.gettext
    tz = ZoneInfo(timezone)
    if not rows:
        return Reply(blocks=[Heading(text=_("Follow-ups of {team}").format(team=team)),
                             text(_("No overdue follow-ups this week. Well done!"))], language=language)
    total = sum(n for _name, n, _oldest in rows)
    items = [(bold(name), " — " + t.ngettext("{n} overdue", "{n} overdue", n).format(n=n) + ", " +
              _("the oldest since {day}").format(day=t.date(oldest.astimezone(tz).date(), "d MMM")))
             for name, n, oldest in rows[:MAX_ITEMS * 3]]
    blocks: list[Block] = [Heading(text=_("Follow-ups of {team}").format(team=team)),
                           text(t.ngettext("{n} follow-up is overdue in the team.",
                                           "{n} follow-ups are overdue in the team.", total).format(n=total)),
                           bullets(items)]
    if len(rows) > MAX_ITEMS * 3:
        blocks.append(text(_("…and {n} more reps.").format(n=len(rows) - MAX_ITEMS * 3)))
    return Reply(blocks=blocks, language=language)


# as outbox messages -------------------------------------------------------------------------


def reminder_message(identity: str, items: list[ReminderItem], language: str, timezone: str,
                     now: datetime) -> Outgoing:
    """One rep's due reminders as one message. The key names the follow-ups and their due times: the same
    reminders are produced once, and a follow-up moved to a new time is reminded anew."""
    fingerprint = hashlib.sha256(" ".join(f"{i.id}@{i.due_at.isoformat()}" for i in items).encode()).hexdigest()
    return Outgoing(kind="reminder", recipient=identity, reply=reminder_reply(items, language, timezone, now),
                    dedupe_key=f"{identity}:reminder:{fingerprint[:24]}")


def nudge_key(identity: str, timezone: str, now: datetime) -> str:
    """One daily nudge per rep and local day."""
    return f"{identity}:nudge:{now.astimezone(ZoneInfo(timezone)).date().isoformat()}"


def nudge_message(identity: str, total: int, oldest: list[ReminderItem], language: str, timezone: str,
                  now: datetime) -> Outgoing:
    """The daily nudge; one not sent by the end of the rep's day is dropped (the next day has its own)."""
    tz = ZoneInfo(timezone)
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    return Outgoing(kind="nudge", recipient=identity, reply=overdue_nudge(total, oldest, language, timezone),
                    dedupe_key=nudge_key(identity, timezone, now),
                    expires_at=datetime.combine(tomorrow, time(0), tz).astimezone(UTC))


def overview_key(team_id: int, timezone: str, now: datetime) -> str:
    """One overview per team and (ISO) week of the team's time zone."""
    year, week, _day = now.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"team-overview:{team_id}:{year}-W{week:02d}"


def overview_message(team_id: int, channel: str, team: str, rows: list[tuple[str, int, datetime]], language: str,
                     timezone: str, now: datetime) -> Outgoing:
    """The weekly team overview; one not sent by the end of the team's week is dropped."""
    tz = ZoneInfo(timezone)
    today = now.astimezone(tz).date()
    monday = today + timedelta(days=7 - today.weekday())
    return Outgoing(kind="team-overview", recipient=channel, reply=team_overview(team, rows, language, timezone),
                    dedupe_key=overview_key(team_id, timezone, now),
                    expires_at=datetime.combine(monday, time(0), tz).astimezone(UTC))
