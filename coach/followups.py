"""Follow-ups in chat: list mine, mark done, snooze, reschedule. Ids are checked against the owner."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from coach import contact_norm_view
from coach.dates import parse_date
from coach.dialog import Ctx
from coach.records import FollowUpInfo
from coach.replies import Block, Choice, Choices, Heading, bold, text

DUE_HOUR = 9  # a follow-up set for a day is due at 09:00 in the rep's time zone
_SNOOZE_SHORT = re.compile(r"^(\d{1,3})\s*(h|hour|hours|u|uur|d|day|days|dag|dagen|w|week|weeks|weken)$")


def due_on(ctx: Ctx, day: date) -> datetime:
    return ctx.local_time(day, DUE_HOUR)


def _when(ctx: Ctx, f: FollowUpInfo) -> str:
    local = f.due_at.astimezone(ctx.tz)
    return ctx.t.date(local.date(), "EEE d MMM")


def listing_item(ctx: Ctx, f: FollowUpInfo) -> list[Block]:
    _ = ctx.gettext
    overdue = f.due_at < ctx.now
    line = text(bold(f"#{f.id} {f.account_name}"), f" — {f.action} — ",
                bold(_("overdue since {day}").format(day=_when(ctx, f))) if overdue else _when(ctx, f))
    buttons = Choices(scope="cmd", options=[
        Choice(label=_("Done"), value=f"cmd:done {f.id}"),
        Choice(label=_("Tomorrow"), value=f"cmd:snooze {f.id} tomorrow"),
        Choice(label=_("Next week"), value=f"cmd:snooze {f.id} 1w"),
    ])
    return [line, buttons]


def listing(ctx: Ctx) -> list[Block]:
    """The user's open follow-ups, then their accounts due a visit by the contact norm."""
    items = ctx.store.open_followups(ctx.user)
    none = ctx.gettext("You have no open follow-ups. A debrief sets the next one.")
    mine = _listing(ctx, items) if items else [text(none)]
    return mine + contact_norm_view.section(ctx, contact_norm_view.visits_due(ctx))


def listing_json(ctx: Ctx) -> dict[str, Any]:
    """What `listing` shows, as `salescoach followups list --json` prints it."""
    return {"user": ctx.user.identity, "generated_at": ctx.now.isoformat(), "today": ctx.today.isoformat(),
            "followups": [{"id": f.id, "account": f.account_name, "action": f.action, "kind": f.kind,
                           "due": f.due_at.isoformat(), "overdue": f.due_at < ctx.now}
                          for f in ctx.store.open_followups(ctx.user)],
            "overdue_visits": [v.to_json() for v in contact_norm_view.visits_due(ctx)]}


def _listing(ctx: Ctx, items: list[FollowUpInfo]) -> list[Block]:
    _ = ctx.gettext
    overdue = sum(1 for f in items if f.due_at < ctx.now)
    blocks: list[Block] = [Heading(text=_("Your follow-ups"))]
    if overdue:
        blocks.append(text(ctx.ngettext("{n} is overdue.", "{n} are overdue.", overdue).format(n=overdue)))
    shown = items[:10]  # ten pairs of blocks keep the message well inside every platform's limits
    for f in shown:
        blocks.extend(listing_item(ctx, f))
    if len(items) > len(shown):
        blocks.append(text(_("…and {n} more. Mark some done to see the rest.").format(n=len(items) - len(shown))))
    blocks.append(text(_("Type “done 12”, “snooze 12 next week” or “reschedule 12 15-03”.")))
    return blocks


def target(ctx: Ctx, args: str) -> tuple[FollowUpInfo | None, str, list[Block]]:
    _ = ctx.gettext
    head, _sep, rest = args.strip().partition(" ")
    number = head.lstrip("#")
    if not number.isdecimal():
        return None, rest, [text(_("Which follow-up? Give its number, like “done 12”. "
                                   "Type “followups” to see the numbers."))]
    found = ctx.store.followup(ctx.user, int(number))
    if found is None or found.status != "open":
        return None, rest, [text(_("You have no open follow-up #{id}. Type “followups” to see yours.").format(
            id=number))]
    return found, rest.strip(), []


def mark_done(ctx: Ctx, args: str) -> list[Block]:
    _ = ctx.gettext
    f, _rest, problem = target(ctx, args)
    if f is None:
        return problem
    ctx.store.complete_followup(ctx.user, f.id, ctx.now)
    return [text(_("Done: {action} ({account}).").format(action=f.action, account=f.account_name))]


def _snooze_until(ctx: Ctx, when: str) -> datetime | None:
    w = when.strip().casefold() or "tomorrow"
    if m := _SNOOZE_SHORT.match(w):
        n, unit = int(m.group(1)), m.group(2)[0]
        if unit in ("h", "u"):
            return ctx.now + timedelta(hours=n)
        return due_on(ctx, ctx.today + timedelta(days=n * (7 if unit == "w" else 1)))
    day = parse_date(w, ctx.today)
    return due_on(ctx, day) if day else None


def snooze(ctx: Ctx, args: str) -> list[Block]:
    _ = ctx.gettext
    f, when, problem = target(ctx, args)
    if f is None:
        return problem
    until = _snooze_until(ctx, when)
    if until is None or until <= ctx.now:
        return [text(_("I could not read “{when}” as a moment in the future. Try “1h”, “tomorrow”, "
                       "“next week” or a date like “15-03”.").format(when=when))]
    ctx.store.reschedule_followup(ctx.user, f.id, until)
    local = until.astimezone(ctx.tz)
    return [text(_("Snoozed #{id} until {when}.").format(
        id=f.id, when=ctx.t.datetime(local, "EEE d MMM HH:mm")))]


def reschedule(ctx: Ctx, args: str) -> list[Block]:
    _ = ctx.gettext
    f, when, problem = target(ctx, args)
    if f is None:
        return problem
    day = parse_date(when, ctx.today) if when else None
    if day is None or day < ctx.today:
        return [text(_("To which day? For example “reschedule {id} next tuesday” or “reschedule {id} 15-03”.")
                     .format(id=f.id))]
    ctx.store.reschedule_followup(ctx.user, f.id, due_on(ctx, day))
    return [text(_("Moved #{id} to {day}.").format(id=f.id, day=ctx.t.date(day, "EEE d MMM")))]


_UNTIL = re.compile(r"^(until|till|to|tot|t/m|tot en met)\s+", re.IGNORECASE)
_BACK = {"off", "back", "none", "uit", "terug", "niet"}


def away(ctx: Ctx, args: str) -> list[Block]:
    """`away until 4 december`: reminders wait until the day after; `away off` ends it early."""
    _ = ctx.gettext
    words = args.strip()
    if words.casefold() in _BACK:
        ctx.store.set_away(ctx.user, None)
        return [text(_("Welcome back: reminders arrive as usual again."))]
    day = parse_date(_UNTIL.sub("", words), ctx.today) if words else None
    if day is None or day < ctx.today:
        return [text(_("Until when are you away? For example “away until 4 december” or “away until friday”. "
                       "“away off” ends it."))]
    ctx.store.set_away(ctx.user, day)
    return [text(_("Enjoy! No reminders up to and including {day}; the ones that fall due meanwhile "
                   "arrive when you are back.").format(day=ctx.t.date(day, "EEE d MMM")))]
