"""Visit preparation: account, visit type and method (with the quote criteria before a closing visit), checklist,
objectives, SMART goal, the close (for a closing visit), SPIN, call plan."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coach import account_memory as memory
from coach import smart
from coach.dialog import Answer, Command, Ctx, Finish, Flow, Goto, Outcome, Stay, Step, choices, scope_of
from coach.domain import (
    INTERNAL_OBJECTIVE_ITEMS,
    PREPARATION_STEPS,
    QUOTE_CRITERIA,
    SALES_METHODS,
    VISIT_TYPE_LABELS,
    VisitType,
)
from coach.flows import common, prep_content, questions
from coach.i18n import N_
from coach.keywords import plan_question
from coach.replies import (
    MAX_TEXT,
    Block,
    Card,
    CardField,
    FieldKind,
    Form,
    FormField,
    Option,
    bold,
    bullets,
    italic,
    text,
)

DEBRIEF_HOUR = 17  # the debrief reminder comes at the end of the visit day
MAX_NOTE = 500


class Prep(common.AccountSteps, Flow):
    name = "prep"
    command = Command("prep", "prep prepare preparation voorbereiden voorbereiding", usage=(N_("prep <account>"),),
                      help=N_("prepare a customer visit: checklist, method, objectives, SMART goal, SPIN questions "
                              "and a call plan"))
    pausable = True  # another command in between puts it aside; it is offered again afterwards
    after_account = "visit_type"

    def describe(self, ctx: Ctx, data: dict[str, Any]) -> str:
        _ = ctx.gettext
        if data.get("account"):
            return _("preparation for {account}").format(account=data["account"])
        return _("visit preparation")

    def account_chosen(self, ctx: Ctx, data: dict[str, Any], outcome: Goto) -> Outcome:
        """Note what is already known about the account, to fit objectives and questions to it: internal
        objectives answered in earlier debriefs are not suggested again, and SPIN ideas that would ask for
        a known fact become confirmations of it."""
        deals = ctx.store.open_deals(ctx.user, data["account_id"])
        known = set()
        if any(d.dmu_known for d in deals):
            known.add("dmu")
        if any(d.amount for d in deals):
            known.add("potential")
        remembered = ctx.store.account_memory(ctx.user, data["account_id"])
        if remembered is not None:
            known |= memory.known_objectives(remembered.facts, remembered.abc_class, ctx.today)
            data["facts"] = remembered.facts
        data["known"] = sorted(known)
        if deals:
            data["deal_id"] = deals[0].id
        return outcome

    # visit type and method -------------------------------------------------------------
    def prompt_visit_type(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        summary = common.account_summary(ctx, data["account_id"], data["account"])
        options = [(_(VISIT_TYPE_LABELS[v]), v.value) for v in VisitType]
        return summary + [text(_("What kind of visit is it?")),
                          choices(scope_of(self.name, "visit_type"), *options)]

    def on_visit_type(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        if answer.value not in VisitType._value2member_map_:
            return Stay([text(_("Please pick the kind of visit."))])
        visit = VisitType(answer.value)
        data["visit_type"] = visit.value
        method = SALES_METHODS[visit]
        data["check"], data["check_i"] = {}, 0
        say: list[Block] = [text(_("Sales method: "), bold(_(method.name)), " — " + _(method.about) + ".")]
        focus = prep_content.focus(visit, ctx.t)
        if visit == VisitType.AFTERSALES:
            focus.append(self._contact_norm(ctx, data["account_id"]))
        if focus:
            say.append(bullets(focus))
        return Goto("quote_check" if visit == VisitType.QUOTE else "checklist", say)

    @staticmethod
    def _contact_norm(ctx: Ctx, account_id: int) -> str:
        """The account's class and the team's norm for it, with its last visit when the rep owns it."""
        norms, owned = ctx.store.contact_norm_accounts(ctx.user, ctx.today)
        mine = next((a for a in owned if a.account_id == account_id), None)
        if mine is not None:
            return prep_content.contact_norm(mine.abc_class, norms, mine.last_visit, ctx.t)
        remembered = ctx.store.account_memory(ctx.user, account_id)
        return prep_content.contact_norm(remembered.abc_class if remembered else None, norms, None, ctx.t)

    # the quote criteria, before a closing visit ----------------------------------------------
    def prompt_quote_check(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        deal = ctx.store.deal(ctx.user, data["deal_id"]) if data.get("deal_id") else None
        yes_no = [Option(label=_("yes"), value="yes"), Option(label=_("no"), value="no")]
        dmu = None if deal is None or deal.dmu_known is None else ("yes" if deal.dmu_known else "no")
        fields = [
            FormField(name="solution", label=_("Does your solution really meet their needs?"),
                      kind=FieldKind.SELECT, options=yes_no),
            FormField(name="budget", label=_("Can the price reasonably meet their budget?"),
                      kind=FieldKind.SELECT, options=yes_no),
            FormField(name="probability", label=_("Chance of the order (%)"), kind=FieldKind.NUMBER,
                      min_value=0, max_value=100, initial=str(deal.probability) if deal else None,
                      hint=_("based on facts, not hope")),
            FormField(name="decision_date", label=_("Decision date"), kind=FieldKind.DATE,
                      initial=deal.decision_date.isoformat() if deal and deal.decision_date else None,
                      hint=_("when they decide, e.g. “15-03” or “end of the month”")),
            FormField(name="dmu_known", label=_("Do you know who decides?"), kind=FieldKind.SELECT,
                      options=yes_no, initial=dmu),
        ]
        return [text(bold(_("Quote check")), " — " + _("a quote is justified only when all five hold.")),
                Form(scope=scope_of(self.name, "quote_check"), title=_("Quote check"), submit_label=_("Check"),
                     fields=fields)]

    def on_quote_check(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        form = answer.form or {}
        chance = int(form.get("probability") or 0)
        decision = form.get("decision_date")
        decision = date.fromisoformat(decision) if isinstance(decision, str) else decision
        gaps = prep_content.quote_gaps(form.get("solution") == "yes", form.get("budget") == "yes", chance,
                                       decision, form.get("dmu_known") == "yes", ctx.today)
        data["quote_gaps"] = gaps
        labels = dict(QUOTE_CRITERIA)
        if not gaps:
            say: list[Block] = [text("✓ " + _("All five quote criteria hold. A well-founded quote."))]
            if prep_content.chance_is_borderline(chance):
                say.append(text(_("{chance}% is at the low end of 35–40%: be sure it rests on facts.").format(
                    chance=chance)))
        else:
            say = [text(bold(_("Quote check: not all criteria hold. Missing:"))),
                   bullets([_(labels[k]) for k in gaps]),
                   text(_("Use this visit to close these gaps before you talk price; a quote without them "
                          "hands the buyer a price to squeeze competitors with."))]
        return Goto("checklist", say)

    # the ten preparation steps -----------------------------------------------------------
    def prompt_checklist(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        i = data.get("check_i", 0)
        step = PREPARATION_STEPS[i]
        return [
            text(bold(f"{i + 1}/{len(PREPARATION_STEPS)} {_(step.title)}"), " — " + _(step.hint)),
            text(italic(_("Done, skip, or type a note (a note ticks it off)."))),
            choices(scope_of(self.name, "checklist"), (_("Done"), "done"), (_("Skip"), "skip"),
                    (_("Skip the rest"), "skip_rest")),
        ]

    def on_checklist(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        i = data.get("check_i", 0)
        check: dict[str, str] = data.setdefault("check", {})
        if answer.value == "skip_rest":
            for step in PREPARATION_STEPS[i:]:
                check.setdefault(step.key, "skipped")
            return self._to_internal(ctx, data)
        if answer.value in ("done", "skip"):
            check[PREPARATION_STEPS[i].key] = "done" if answer.value == "done" else "skipped"
        else:
            check[PREPARATION_STEPS[i].key] = "note:" + (answer.text or "")[:MAX_NOTE]
        if i + 1 < len(PREPARATION_STEPS):
            data["check_i"] = i + 1
            return Stay()
        return self._to_internal(ctx, data)

    def step_back(self, step: str, data: dict[str, Any]) -> bool:
        if step == "checklist" and data.get("check_i", 0) > 0:
            data["check_i"] -= 1
            return True
        return False

    def _to_internal(self, ctx: Ctx, data: dict[str, Any]) -> Outcome:
        _ = ctx.gettext
        done = sum(1 for v in data["check"].values() if v != "skipped")
        return Goto("internal", [text(_("Checklist: {done} of {total} ready.").format(
            done=done, total=len(PREPARATION_STEPS)))])

    # internal objective -------------------------------------------------------------------
    def _suggested_items(self, data: dict[str, Any]) -> list[str]:
        by_type = {
            "first": ["naw", "dmu", "interest", "supplier", "contract_end", "next_appointment"],
            "followup": ["dmu", "potential", "competitor_prices", "chance", "next_appointment"],
            "quote": ["dmu", "chance", "next_appointment"],
            "aftersales": ["potential", "account_class", "newsletter", "next_appointment"],
        }[data.get("visit_type", "first")]
        return [k for k in by_type if k not in data.get("known", [])]

    def prompt_internal(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        options = [Option(label=f"{item.shorthand} — {_(item.label)}", value=item.key)
                   for item in INTERNAL_OBJECTIVE_ITEMS]
        return [
            text(bold(_("Internal objective")), " — " + _("what you want to learn; you never tell the customer.")),
            Form(scope=scope_of(self.name, "internal"), title=_("Internal objective"), submit_label=_("Save"),
                 fields=[FormField(name="items", label=_("What do you want to find out?"),
                                   kind=FieldKind.MULTI_SELECT, options=options,
                                   initial=self._suggested_items(data),
                                   hint=_("numbers or shorthands, e.g. 1, DMU, vk%; “keep” takes the "
                                          "suggestion"))]),
        ]

    def on_internal(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        data["internal"] = list((answer.form or {}).get("items") or [])
        return Goto("external")

    # external objective -------------------------------------------------------------------
    def _draft_external(self, ctx: Ctx, data: dict[str, Any]) -> str:
        """The opening to say aloud; no deal name in it (deal titles are the rep's labels, not the customer's)."""
        return prep_content.opening(VisitType(data.get("visit_type", "first")), ctx.t)

    def prompt_external(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        visit = VisitType(data.get("visit_type", "first"))
        return [
            text(bold(_("External objective")), " — " + _("what you say at the start, in both your interests. "
                                                          "Topics: {topics}. A draft to say aloud:").format(
                topics=", ".join(prep_content.topic_labels(visit, ctx.t)))),
            text(italic(self._draft_external(ctx, data))),
            text(_("Use it, or type your own sentence.")),
            choices(scope_of(self.name, "external"), (_("Use this"), "use")),
        ]

    def on_external(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        own = (answer.text or "").strip()
        data["external"] = self._draft_external(ctx, data) if answer.value == "use" else own[:MAX_NOTE]
        return Goto("goal")

    # SMART goal --------------------------------------------------------------------------
    def prompt_goal(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        if data.get("goal_draft"):
            return [text(_("Type a better goal, or keep this one.")),
                    choices(scope_of(self.name, "goal"), (_("Keep it anyway"), "keep"))]
        example = {
            "first": _("“At the end of the visit I know who decides and when their contract ends, and we "
                       "have a follow-up appointment.”"),
            "followup": _("“By the end of the meeting they agree that our solution direction fits, and we "
                          "plan the quote discussion within two weeks.”"),
            "quote": _("“Today we agree on price and delivery and I leave with a signed order.”"),
            "aftersales": _("“During this visit we solve the open service issue and agree on two "
                            "improvements for the next quarter.”"),
        }[data.get("visit_type", "first")]
        return [text(bold(_("Your goal for this visit")), " — " + _("make it SMART, for example: ") + example)]

    def on_goal(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        if answer.value == "keep" and data.get("goal_draft"):
            data["goal"], data["smart_ok"] = data.pop("goal_draft"), False
            return self._after_goal(ctx, data, text(_("Kept. Check afterwards whether you reached it.")))
        goal = (answer.text or "").strip()[:MAX_NOTE]
        if not goal:
            return Stay([text(_("Please type your goal."))])
        verdict = smart.check(goal, VisitType(data["visit_type"]), ctx.t)
        if verdict.passed:
            data["goal"], data["smart_ok"] = goal, True
            data.pop("goal_draft", None)
            return self._after_goal(ctx, data, text("✓ " + _("That goal is SMART.")))
        data["goal_draft"] = goal
        return Stay([text(_("Not SMART yet:")), bullets(list(verdict.feedback))])

    def _after_goal(self, ctx: Ctx, data: dict[str, Any], said: Block) -> Outcome:
        if data.get("visit_type") == VisitType.QUOTE.value:
            return Goto("closing", [said])
        return Goto("questions", [said, *questions.intro(ctx, data)])

    # the close, for a closing visit ------------------------------------------------------------
    def prompt_closing(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        return [
            text(bold(_("The close")), " — " + _("restate the benefits they confirmed, agree the conditions "
                                                 "and ask for the order. Discount is never a goal: if they ask "
                                                 "for it, ask what they offer in return.")),
            Form(scope=scope_of(self.name, "closing"), title=_("The close"), submit_label=_("Save"), fields=[
                FormField(name="benefits", label=_("Benefits to restate"), kind=FieldKind.LONG_TEXT,
                          hint=_("the two or three benefits they confirmed, in their words")),
                FormField(name="conditions", label=_("Conditions: price and delivery"), kind=FieldKind.TEXT,
                          hint=_("what you can agree on, e.g. “€ 48,000, delivery in week 12”")),
                FormField(name="closing_question", label=_("Your closing question"), kind=FieldKind.TEXT,
                          initial=_("Shall we go ahead on this basis?"),
                          hint=_("a question that asks for the decision; “keep” takes the suggestion")),
            ]),
        ]

    def on_closing(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        form = answer.form or {}
        data["closing"] = {k: str(form.get(k) or "")[:MAX_NOTE] for k in ("benefits", "conditions",
                                                                         "closing_question")}
        return Goto("questions", questions.intro(ctx, data))

    # SPIN ----------------------------------------------------------------------------------
    def prompt_questions(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        return questions.prompt(ctx, scope_of(self.name, "questions"), data)

    def on_questions(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        def done() -> Outcome:
            if not data.get("questions"):
                return Stay([text(ctx.gettext("Plan at least one question first."))])
            return self._call_plan(ctx, data)

        return questions.answer(ctx, data, answer, done)

    # call plan -------------------------------------------------------------------------------
    def _call_plan(self, ctx: Ctx, data: dict[str, Any]) -> Outcome:
        _ = ctx.gettext
        visit = VisitType(data["visit_type"])
        by_kind: dict[str, list[str]] = {}
        for q in data.get("questions", []):
            by_kind.setdefault(q["kind"], []).append(plan_question(q["q"]))
        items = {i.key: i.shorthand for i in INTERNAL_OBJECTIVE_ITEMS}
        open_checks = prep_content.steps_to_prepare(visit, data.get("check", {}))
        plan = {
            "account": data["account"],
            "visit_type": visit.value,
            "method": SALES_METHODS[visit].name,
            "goal": data.get("goal"),
            "smart": data.get("smart_ok", False),
            "external": data.get("external"),
            "external_topics": prep_content.topic_shorthands(visit),
            "internal": [items[k] for k in data.get("internal", []) if k in items],
            "questions": by_kind,
            "open_checks": open_checks,
        }
        if visit == VisitType.QUOTE:
            plan.update(quote_gaps=data.get("quote_gaps", []), closing=data.get("closing", {}))
        preparation = {"checklist": data.get("check", {}), "internal": data.get("internal", []),
                       "external": data.get("external"), "questions": data.get("questions", [])}
        planned = ctx.store.planned_visit(ctx.user, data["account_id"], ctx.today)
        if planned is not None:  # planned earlier: it gets this preparation, and already has its debrief reminder
            visit_row = ctx.store.prepare_planned_visit(ctx.user, planned.id, visit.value, data.get("goal"),
                                                        preparation, plan, data.get("deal_id"), ctx.now)
        else:
            visit_row = ctx.store.create_visit(ctx.user, data["account_id"], visit.value, data.get("goal"),
                                               preparation=preparation, call_plan=plan, deal_id=data.get("deal_id"))
        data["visit_id"] = visit_row.id
        say: list[Block] = [call_plan_card(ctx, plan)]
        feedback = questions.balance(ctx, data)
        if feedback:
            say.insert(0, bullets(feedback))
        if planned is not None:
            return Finish(say + [text(_("Good luck on {day}! I will ask for the debrief that afternoon.").format(
                day=ctx.t.date(planned.planned_on, "EEE d MMM")))])
        return Goto("reminder", say)

    # debrief reminder --------------------------------------------------------------------------
    def prompt_reminder(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        return [text(_("When is the visit? I will remind you to debrief it that afternoon. Pick one or "
                       "type a date.")),
                choices(scope_of(self.name, "reminder"), (_("Today"), "today"), (_("Tomorrow"), "tomorrow"),
                        (_("No reminder"), "none"))]

    def on_reminder(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        from coach.dates import parse_date

        _ = ctx.gettext
        if answer.value == "none":
            return Finish([text(_("Good luck with the visit! Type “debrief {account}” afterwards.").format(
                account=data["account"]))])
        if answer.value in ("today", "tomorrow"):
            day = ctx.today + timedelta(days=0 if answer.value == "today" else 1)
        else:
            day = parse_date(answer.text or "", ctx.today)
        if day is None or day < ctx.today:
            return Stay([text(_("I could not read that as a day from today on. Try “friday” or “15-03”."))])
        due = ctx.local_time(day, DEBRIEF_HOUR)
        ctx.store.add_followup(ctx.user, data["account_id"],
                               _("Debrief the visit to {account}").format(account=data["account"]),
                               due, deal_id=data.get("deal_id"), visit_id=data.get("visit_id"))
        return Finish([text(_("Good luck! I will remind you to debrief on {when}.").format(
            when=ctx.t.datetime(due, "EEE d MMM HH:mm")))])

    steps = {
        "account": common.ACCOUNT,
        "account_pick": common.ACCOUNT_PICK,
        "visit_type": Step(prompt_visit_type, on_visit_type),
        "quote_check": Step(prompt_quote_check, on_quote_check),
        "checklist": Step(prompt_checklist, on_checklist, free_text=True),
        "internal": Step(prompt_internal, on_internal),
        "external": Step(prompt_external, on_external, free_text=True),
        "goal": Step(prompt_goal, on_goal, free_text=True),
        "closing": Step(prompt_closing, on_closing),
        "questions": Step(prompt_questions, on_questions, free_text=True),
        "reminder": Step(prompt_reminder, on_reminder),
    }


def call_plan_card(ctx: Ctx, plan: dict[str, Any]) -> Card:
    """The call plan: one compact card of keywords to take into the visit."""
    _ = ctx.gettext
    letters = {"situation": "S", "problem": "P", "implication": "I", "need-payoff": "N"}
    spin_lines = [f"{letters[k]}: {q}" for k in letters for q in plan["questions"].get(k, [])]
    topics = " · ".join(plan.get("external_topics") or [])
    fields = [
        CardField(label=_("Visit"), value=f"{_(VISIT_TYPE_LABELS[VisitType(plan['visit_type'])])} · "
                                          f"{_(SALES_METHODS[VisitType(plan['visit_type'])].name)}"),
        CardField(label=_("Goal"), value=(plan.get("goal") or "—") + ("" if plan.get("smart") else " (!)")),
        CardField(label=_("Opening"), value=(f"{topics}: " if topics else "") + (plan.get("external") or "—")),
        CardField(label=_("To learn"), value=", ".join(plan.get("internal") or []) or "—"),
        CardField(label=_("Questions"), value="\n".join(spin_lines)[:MAX_TEXT] or "—"),
    ]
    if "quote_gaps" in plan:
        labels = dict(QUOTE_CRITERIA)
        fields.append(CardField(label=_("Quote check"), value="; ".join(_(labels[k]) for k in plan["quote_gaps"])
                                if plan["quote_gaps"] else "✓ " + _("all five criteria hold")))
    closing = plan.get("closing") or {}
    for key, label in (("benefits", _("Benefits")), ("conditions", _("Conditions")),
                       ("closing_question", _("Closing question"))):
        if closing.get(key):
            fields.append(CardField(label=label, value=closing[key]))
    if plan.get("open_checks"):
        titles = {s.key: _(s.title) for s in PREPARATION_STEPS}
        fields.append(CardField(label=_("Still to prepare"),
                                value=", ".join(titles[k] for k in plan["open_checks"] if k in titles)))
    return Card(title=_("Call plan: {account}").format(account=plan["account"])[:150], fields=fields)
