"""`smart <goal>`: check a visit goal against SMART, coach until it passes."""

from __future__ import annotations

from typing import Any

from coach import smart
from coach.dialog import Answer, Command, Ctx, Finish, Flow, Goto, Outcome, Stay, Step, choices, scope_of
from coach.domain import VISIT_TYPE_LABELS, VisitType
from coach.i18n import N_
from coach.replies import Block, bold, bullets, text

MAX_GOAL = 500


def verdict_blocks(ctx: Ctx, verdict: smart.SmartVerdict) -> list[Block]:
    _ = ctx.gettext
    names = {"specific": _("Specific"), "measurable": _("Measurable"), "acceptable": _("Acceptable"),
             "realistic": _("Realistic"), "time_bound": _("Time-bound")}
    # Acceptable is flagged only for a one-sided goal: undecided (None) is not a fault.
    marks = [(bold(names[key]), ": " + ("✗" if getattr(verdict, key) is False else "✓")) for key in smart.CRITERIA]
    blocks: list[Block] = [bullets(marks)]
    if verdict.feedback:
        blocks.append(bullets(list(verdict.feedback)))
    return blocks


class SmartCheck(Flow):
    name = "smart"
    command = Command("smart", "smart", usage=(N_("smart <goal>"),), help=N_("check a visit goal against SMART"),
                      public=True)

    def describe(self, ctx: Ctx, data: dict[str, Any]) -> str:
        return ctx.gettext("SMART check")

    def start(self, ctx: Ctx, data: dict[str, Any], args: str) -> Outcome:
        if args.strip():
            data["goal"] = args.strip()[:MAX_GOAL]
        return Goto("visit_type")

    def prompt_visit_type(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        return [text(_("For which kind of visit? Realism depends on it.")),
                choices(scope_of(self.name, "visit_type"),
                        *[(_(VISIT_TYPE_LABELS[v]), v.value) for v in VisitType])]

    def on_visit_type(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        if answer.value not in VisitType._value2member_map_:
            return Stay([text(ctx.gettext("Please pick the kind of visit."))])
        data["visit_type"] = answer.value
        if not data.get("goal"):
            return Goto("goal")
        done, say = self._check(ctx, data, data["goal"])
        return Finish(say) if done else Goto("goal", say)

    def prompt_goal(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        if data.get("goal"):
            return [text(_("Type an improved goal, or finish.")),
                    choices(scope_of(self.name, "goal"), (_("Finish"), "finish"))]
        return [text(_("Type the goal of your visit."))]

    def on_goal(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        if answer.value == "finish":
            return Finish([text(ctx.gettext("Fine. Good luck with the visit!"))])
        goal = (answer.text or "").strip()[:MAX_GOAL]
        if not goal:
            return Stay([text(ctx.gettext("Please type your goal."))])
        done, say = self._check(ctx, data, goal)
        return Finish(say) if done else Stay(say)

    steps = {
        "visit_type": Step(prompt_visit_type, on_visit_type),
        "goal": Step(prompt_goal, on_goal, free_text=True),
    }

    def _check(self, ctx: Ctx, data: dict[str, Any], goal: str) -> tuple[bool, list[Block]]:
        _ = ctx.gettext
        data["goal"] = goal
        verdict = smart.check(goal, VisitType(data["visit_type"]), ctx.t)
        blocks = verdict_blocks(ctx, verdict)
        if verdict.passed:
            return True, [text("✓ " + _("That goal is SMART.")), *blocks]
        return False, [text(_("Not SMART yet:")), *blocks]
