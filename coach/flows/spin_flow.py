"""`spin <question>` classifies one question; `spin` or `spin practice <account>` practises a set."""

from __future__ import annotations

from typing import Any

from coach import spin
from coach.dialog import Answer, Ctx, Finish, Flow, Goto, Outcome, scope_of
from coach.flows import common, questions
from coach.replies import Block, bold, bullets, text

PRACTICE_WORDS = {"practice", "practise", "oefen", "oefenen"}


def verdict_blocks(ctx: Ctx, verdict: spin.SpinVerdict) -> list[Block]:
    _ = ctx.gettext
    openness = _("open") if verdict.is_open else _("closed")
    blocks: list[Block] = [text(bold(questions.kind_label(ctx, verdict.kind.value).capitalize()),
                                " · " + openness + " — " + verdict.tip)]
    return blocks


class SpinPractice(Flow):
    name = "spin"
    free_text_steps = frozenset({"questions"})

    def describe(self, ctx: Ctx, data: dict[str, Any]) -> str:
        return ctx.gettext("SPIN practice")

    def start(self, ctx: Ctx, data: dict[str, Any], args: str) -> Outcome:
        words = args.split()
        if words and words[0].casefold() in PRACTICE_WORDS:
            if len(words) > 1:
                outcome = common.choose_account(ctx, self.name, data, " ".join(words[1:]), "questions")
                if isinstance(outcome, Goto) and outcome.step == "questions":
                    outcome.say.extend(questions.intro(ctx, data))
                return outcome
            return Goto("questions", questions.intro(ctx, data))
        if args.strip():
            return Finish(verdict_blocks(ctx, spin.classify(args.strip()[:500], ctx.t)))
        return Goto("questions", questions.intro(ctx, data))

    def prompt_account_pick(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        return common.prompt_account_pick(ctx, self.name, data)

    def on_account_pick(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        outcome = common.on_account_pick(ctx, data, answer.value, "questions")
        if isinstance(outcome, Goto):
            outcome.say.extend(questions.intro(ctx, data))
        return outcome

    def prompt_questions(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        return questions.prompt(ctx, scope_of(self.name, "questions"), data)

    def on_questions(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        if answer.value == "add":
            return questions.add_suggestions(ctx, data)
        if answer.value == "done":
            if not data.get("questions"):
                return Finish([text(_("Practice ended. Type “spin” to start again."))])
            return Finish([text(bold(_("Your set of questions:"))), bullets(questions.balance(ctx, data))])
        return questions.add_question(ctx, data, (answer.text or "").strip())


