"""Accounts overdue a visit, as `followups` and the weekly digest show them (the rule is `coach.contact_norm`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.contact_norm import VisitDue, overdue_visits
from coach.i18n import Translator
from coach.replies import Block, Heading, Span, bold, bullets, text, truncate

if TYPE_CHECKING:  # the digest's replies use this module too, and the dialog imports what imports them
    from coach.dialog import Ctx

MAX_SHOWN = 10  # accounts named in `followups`; the rest are counted
MAX_NAME = 60  # characters of an account's name in a line


def due_line(t: Translator, due: VisitDue) -> tuple[str | Span, ...]:
    """“Acme — class A, 6 visits a year: last visit 3 Mar 2027, 12 days overdue; visit planned for Tue 11 May”."""
    _, ngettext = t.gettext, t.ngettext
    norm = _("class {abc}").format(abc=due.abc_class) + ", " + ngettext(
        "{n} visit a year", "{n} visits a year", due.visits_a_year).format(n=due.visits_a_year)
    last = (_("last visit {day}").format(day=t.date(due.last_visit, "d MMM yyyy")) if due.last_visit
            else _("not visited yet"))
    late = ngettext("{n} day overdue", "{n} days overdue", due.days_overdue).format(n=due.days_overdue)
    planned = ("; " + _("visit planned for {day}").format(day=t.date(due.next_visit, "EEE d MMM"))
               if due.next_visit else "")
    return bold(truncate(due.account, MAX_NAME)), f" — {norm}: {last}, {late}{planned}"


def visits_due(ctx: Ctx) -> list[VisitDue]:
    """The user's own accounts overdue a visit today, the most overdue first."""
    norms, accounts = ctx.store.contact_norm_accounts(ctx.user, ctx.today)
    return overdue_visits(norms, accounts, ctx.today)


def section(ctx: Ctx, due: list[VisitDue]) -> list[Block]:
    """The `followups` section of accounts due a visit; nothing when none is."""
    if not due:
        return []
    _, ngettext = ctx.gettext, ctx.ngettext
    blocks: list[Block] = [
        Heading(text=_("Accounts due a visit")),
        text(ngettext("{n} of your accounts is overdue a visit by its class's contact norm.",
                      "{n} of your accounts are overdue a visit by their class's contact norm.",
                      len(due)).format(n=len(due))),
        bullets([due_line(ctx.t, v) for v in due[:MAX_SHOWN]]),
    ]
    if len(due) > MAX_SHOWN:
        blocks.append(text(_("…and {n} more.").format(n=len(due) - MAX_SHOWN)))
    unplanned = next((v for v in due if v.next_visit is None), None)
    if unplanned is not None:
        blocks.append(text(_("Plan one with “plan {account} next tuesday”.").format(account=unplanned.account)))
    return blocks
