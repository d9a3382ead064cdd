"""The home page a platform shows beside the chat (Slack's App Home): this week's follow-ups, deals."""

from __future__ import annotations

from datetime import timedelta

from coach.dialog import Ctx, choices
from coach.followups import listing_item
from coach.pipeline_view import overview
from coach.replies import Block, Heading, text

MAX_FOLLOWUPS = 15


def home(ctx: Ctx) -> list[Block]:
    _ = ctx.gettext
    blocks: list[Block] = [
        Heading(text=_("Your sales coach")),
        choices("cmd", (_("Prepare a visit"), "cmd:prep"), (_("Debrief a visit"), "cmd:debrief"),
                (_("Help"), "cmd:help")),
        Heading(text=_("Follow-ups due this week")),
    ]
    week_end = ctx.local_time(ctx.today + timedelta(days=7 - ctx.today.weekday()), 0)
    due = [f for f in ctx.store.open_followups(ctx.user) if f.due_at < week_end]
    if not due:
        blocks.append(text(_("Nothing due this week.")))
    for f in due[:MAX_FOLLOWUPS]:
        blocks.extend(listing_item(ctx, f))
    if len(due) > MAX_FOLLOWUPS:
        blocks.append(text(_("…and {n} more. Type “followups” in a message to me.").format(
            n=len(due) - MAX_FOLLOWUPS)))
    return blocks + overview(ctx)
