"""`plan <account> <day>`: a planned visit. The coach offers its preparation the working day(s) before
(the team's `prep_days`) and asks for the debrief at the end of the visit day, as reminders."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from coach.dates import parse_date
from coach.delivery_window import WorkingHours
from coach.dialog import Ctx, choices
from coach.replies import Block, text

MAX_ACCOUNT_NAME = 200  # what an account's name may hold

DEBRIEF_HOUR = 17
_FILLERS = re.compile(r"\s+(on|op|at|om)$", re.IGNORECASE)


def split_account_and_day(args: str, today: date) -> tuple[str, date | None]:
    """'Acme Logistics next tuesday' → ('Acme Logistics', that tuesday): the longest tail that is a day."""
    words = args.split()
    for cut in range(1, len(words)):
        day = parse_date(" ".join(words[cut:]), today)
        if day is not None:
            return _FILLERS.sub("", " ".join(words[:cut])).strip(), day
    return args.strip(), None


def preparation_day(visit: date, working_hours: str, prep_days: int) -> tuple[date, time]:
    """`prep_days` working days before the visit, at the start of working hours."""
    try:
        hours = WorkingHours.parse(working_hours)
    except ValueError:
        hours = None
    day, left = visit, max(prep_days, 0)
    while left:
        day -= timedelta(days=1)
        if hours is None or day.weekday() in hours.days:
            left -= 1
    return day, (hours.start if hours else time(9))


def plan(ctx: Ctx, args: str) -> list[Block]:
    _ = ctx.gettext
    account_name, day = split_account_and_day(args, ctx.today)
    if not account_name or day is None:
        return [text(_("Which customer, and when? For example “plan Acme next tuesday” or “plan Acme 15-03”."))]
    if day < ctx.today:
        return [text(_("{day} has passed: plan a visit from today on.").format(day=ctx.t.date(day, "EEE d MMM")))]
    account_name = " ".join(account_name.split())
    if len(account_name) > MAX_ACCOUNT_NAME:
        return [text(_("That name is too long; please use at most {n} characters.").format(n=MAX_ACCOUNT_NAME))]
    account = ctx.store.get_or_create_account(ctx.user, account_name)
    visit = ctx.store.plan_visit(ctx.user, account.id, day)
    working_hours, prep_days = ctx.store.planning(ctx.user)
    prep_on, at = preparation_day(day, working_hours, prep_days)
    offer = max(ctx.local_time(prep_on, at.hour, at.minute), ctx.now) if prep_on >= ctx.today else ctx.now
    ctx.store.add_followup(ctx.user, account.id, _("Prepare your visit to {account}").format(account=account.name),
                           offer, visit_id=visit.id, kind="prep")
    debrief_at = ctx.local_time(day, DEBRIEF_HOUR)
    ctx.store.add_followup(ctx.user, account.id, _("Debrief your visit to {account}").format(account=account.name),
                           debrief_at, visit_id=visit.id, kind="debrief")
    when = ctx.t.date(day, "EEE d MMM")
    return [text(_("Planned: your visit to {account} on {day}. I will offer the preparation on {prep} and ask "
                   "for the debrief that afternoon.").format(account=account.name, day=when,
                                                             prep=ctx.t.datetime(offer, "EEE d MMM HH:mm"))),
            choices("cmd", (_("Prepare now"), f"cmd:prep {account.name}"[:150]))]
