"""`reschedule 12` without a day: a one-field form with a date picker (Slack modal, Teams card, or one
question in text), then the follow-up moves to that day."""

from __future__ import annotations

from datetime import date
from typing import Any

from coach import followups
from coach.dialog import Answer, Ctx, Finish, Flow, Goto, Outcome, Step, scope_of
from coach.replies import Block, FieldKind, Form, FormField, text, truncate


class PickDate(Flow):
    name = "reschedule"  # started by the `reschedule` command when it has no day (coach/commands.py)

    def describe(self, ctx: Ctx, data: dict[str, Any]) -> str:
        return ctx.gettext("a new date for a follow-up")

    def start(self, ctx: Ctx, data: dict[str, Any], args: str) -> Outcome:
        f, _when, problem = followups.target(ctx, args)
        if f is None:
            return Finish(problem)
        data.update(id=f.id, label=truncate(f"#{f.id} {f.account_name} — {f.action}"))
        return Goto("day")

    def prompt_day(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        return [text(_("When should {followup} come back?").format(followup=data["label"])),
                Form(scope=scope_of(self.name, "day"), title=_("New date"), submit_label=_("Move"), pending="day",
                     fields=[FormField(name="day", label=_("New date"), kind=FieldKind.DATE, not_in_past=True,
                                       hint=_("e.g. “next tuesday” or “15-03”"))])]

    def on_day(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        day = (answer.form or {}).get("day")
        return Finish(followups.reschedule(ctx, f"{data['id']} {day.isoformat() if isinstance(day, date) else ''}"))

    steps = {"day": Step(prompt_day, on_day)}
