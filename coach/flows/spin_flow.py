"""`spin <question>` classifies one question; `spin` or `spin practice <account>` practises a set."""

from __future__ import annotations

from typing import Any

from coach import spin
from coach.dialog import Answer, Command, Ctx, Finish, Flow, Goto, Outcome, Step, scope_of
from coach.flows import common, questions
from coach.i18n import N_
from coach.replies import Block, bold, bullets, text

PRACTICE_WORDS = {"practice", "practise", "oefen", "oefenen"}


def verdict_blocks(ctx: Ctx, verdict: spin.SpinVerdict) -> list[Block]:
    _ = ctx.gettext
    openness = _("open") if verdict.is_open else _("closed")
    blocks: list[Block] = [text(bold(questions.kind_label(ctx, verdict.kind.value).capitalize()),
                                " · " + openness + " — " + verdict.tip)]
    return blocks


class SpinPractice(common.AccountSteps, Flow):
    name = "spin"
    command = Command("spin", "spin", usage=(N_("spin <question>"),),
                      help=N_("classify a question; “spin” alone to practise"), public=True)
    after_account = "questions"

    def describe(self, ctx: Ctx, data: dict[str, Any]) -> str:
        return ctx.gettext("SPIN practice")

    def start(self, ctx: Ctx, data: dict[str, Any], args: str) -> Outcome:
        words = args.split()
        if words and words[0].casefold() in PRACTICE_WORDS:
            if len(words) > 1:
                return self.choose(ctx, data, " ".join(words[1:]))
            return Goto("questions", questions.intro(ctx, data))
        if args.strip() and not spin.is_question(args):
            return Finish([questions.not_a_question(ctx)])
        if args.strip():
            return Finish(verdict_blocks(ctx, spin.classify(args.strip()[:500], ctx.t)))
        return Goto("questions", questions.intro(ctx, data))

    def account_chosen(self, ctx: Ctx, data: dict[str, Any], outcome: Goto) -> Outcome:
        outcome.say.extend(questions.intro(ctx, data))
        return outcome

    def prompt_questions(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        return questions.prompt(ctx, scope_of(self.name, "questions"), data)

    def on_questions(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext

        def done() -> Outcome:
            if not data.get("questions"):
                return Finish([text(_("Practice ended. Type “spin” to start again."))])
            return Finish([text(bold(_("Your set of questions:"))), bullets(questions.balance(ctx, data))])

        return questions.answer(ctx, data, answer, done)

    steps = {
        "account_pick": common.ACCOUNT_PICK,  # `spin practice <account>` never asks for the account
        "questions": Step(prompt_questions, on_questions, free_text=True),
    }


