"""Planning SPIN questions, shared by the preparation and the practice mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coach import account_memory, spin
from coach.dialog import Answer, Ctx, Outcome, Stay, choices
from coach.domain import VisitType
from coach.flows import prep_content
from coach.replies import Block, Heading, bold, bullets, text

MAX_QUESTIONS = 20
KIND_LETTER = {"situation": "S", "problem": "P", "implication": "I", "need-payoff": "N"}


def kind_label(ctx: Ctx, kind: str) -> str:
    _ = ctx.gettext
    return {"situation": _("situation"), "problem": _("problem"), "implication": _("implication"),
            "need-payoff": _("need-payoff")}[kind]


def suggested(ctx: Ctx, data: dict[str, Any]) -> list[tuple[str, str]]:
    """Two suggestions per kind, fitted to the visit type, the account and what is known: facts learned earlier
    are not asked again but confirmed (“Is Jungheinrich still your supplier until March?”). A deal's title is the
    rep's own label, so it is not put into a question for the customer."""
    visit = VisitType(data["visit_type"]) if data.get("visit_type") else None
    confirm = account_memory.confirmations(data.get("facts") or {}, ctx.t, ctx.today)
    own = prep_content.IDEAS.get(visit) if visit else None
    if own:  # an own customer after sales is not asked to confirm their supplier: we are it
        confirm = confirm if visit is VisitType.QUOTE else []
        return [(q, spin.SpinKind.SITUATION.value) for q in confirm] + [
            (ctx.gettext(q), kind) for kind, texts in own.items() for q in texts]
    known = frozenset(data.get("known", []))
    out = []
    for kind in spin.SPIN_ORDER:
        ideas = spin.suggestions(kind, ctx.t, account=data.get("account"), known=known)
        if kind == spin.SpinKind.SITUATION:
            ideas = confirm + ideas
        for q in ideas[:2]:
            out.append((q, kind.value))
    return out


def intro(ctx: Ctx, data: dict[str, Any]) -> list[Block]:
    """Said once, on entering the step: what SPIN is and a few ideas fitted to the account."""
    _ = ctx.gettext
    return [
        Heading(text=_("SPIN questions")),
        text(_("Plan open questions of four kinds: situation, problem, implication and need-payoff. "
               "A few ideas:")),
        bullets([(bold(KIND_LETTER[k] + " "), q) for q, k in suggested(ctx, data)]),
    ]


def prompt(ctx: Ctx, scope: str, data: dict[str, Any]) -> list[Block]:
    _ = ctx.gettext
    blocks: list[Block] = []
    planned = data.get("questions", [])
    if planned:
        blocks.append(text(bold(_("Planned so far:"))))
        blocks.append(bullets([(bold(KIND_LETTER[q["kind"]] + " "), q["q"]) for q in planned]))
    blocks.append(text(_("Type a question of your own and I will tell you its kind, or:")))
    blocks.append(choices(scope, (_("Add the ideas"), "add"), (_("Done"), "done")))
    return blocks


def answer(ctx: Ctx, data: dict[str, Any], given: Answer, done: Callable[[], Outcome]) -> Outcome:
    """The planning step: “add” takes the ideas, “done” ends (as `done` decides), text is a question."""
    if given.value == "add":
        return add_suggestions(ctx, data)
    if given.value == "done":
        return done()
    return add_question(ctx, data, (given.text or "").strip())


def add_question(ctx: Ctx, data: dict[str, Any], question: str) -> Stay:
    _ = ctx.gettext
    planned = data.setdefault("questions", [])
    if len(planned) >= MAX_QUESTIONS:
        return Stay([text(_("That is plenty of questions. Type “done” to continue."))])
    if not spin.is_question(question):
        return Stay([not_a_question(ctx)])
    verdict = spin.classify(question[:500], ctx.t)
    planned.append({"q": question[:500], "kind": verdict.kind.value, "open": verdict.is_open})
    openness = _("open") if verdict.is_open else _("closed")
    say: list[Block] = [text(bold(kind_label(ctx, verdict.kind.value).capitalize()),
                             " · " + openness + " — " + verdict.tip)]
    return Stay(say)


def not_a_question(ctx: Ctx) -> Block:
    """Said instead of filing a statement (a pasted goal, a note) as a SPIN question."""
    return text(ctx.gettext("That reads as a statement, not a question: it is not filed as a SPIN question. Type it as "
                            "you would ask the customer, for example: “Which supplier do you use now?”"))


def add_suggestions(ctx: Ctx, data: dict[str, Any]) -> Stay:
    _ = ctx.gettext
    planned = data.setdefault("questions", [])
    have = {q["q"] for q in planned}
    for q, kind in suggested(ctx, data):
        if q not in have and len(planned) < MAX_QUESTIONS:
            planned.append({"q": q, "kind": kind, "open": True})
    return Stay([text(_("Added. Edit by typing more questions of your own, or press Done."))])


def balance(ctx: Ctx, data: dict[str, Any]) -> list[str]:
    if data.get("visit_type") == VisitType.QUOTE.value:  # no problem/implication warning at a closing visit
        return prep_content.closing_feedback([q["kind"] for q in data.get("questions", [])], ctx.t)
    kinds = [spin.SpinKind(q["kind"]) for q in data.get("questions", [])]
    return spin.balance_feedback(kinds, ctx.t)
