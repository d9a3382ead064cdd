"""`debrief <account>`: how the visit went, the deal's new state, the next step and follow-up date; whether
the visit's goal and internal objectives were reached, and what was learned (kept on the account).

Steps: account → deal → result (open, won, lost) → details (short for won or lost) → quote check (a quote)
→ goal (when the visit was prepared with one) → objectives (those chosen in the preparation) → which
earlier follow-ups it replaces (only when that is unclear) → saved in one go."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from coach import account_memory as memory
from coach.dialog import Answer, Command, Ctx, Finish, Flow, Goto, Outcome, Stay, Step, choices, scope_of
from coach.domain import QUOTE_CRITERIA, QUOTE_MAX_DECISION_DAYS, QUOTE_MIN_CHANCE, STAGE_LABELS, Stage
from coach.flows import common
from coach.flows.discount import discount_remark
from coach.followups import due_on
from coach.i18n import N_
from coach.records import DealChanges, WriteBack
from coach.replies import (
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
    truncate,
)

NEW_DEAL = "new"
RESULTS = ("open", "won", "lost")
GOAL_RESULTS = ("reached", "partly", "not")
CLOSED = (Stage.WON.value, Stage.LOST.value)
WRITTEN_FIELDS = {"stage": N_("stage"), "amount": N_("amount"), "probability": N_("probability"),
                  "decision_date": N_("close date")}  # a deal's fields written back to the CRM


class Debrief(common.AccountSteps, Flow):
    name = "debrief"
    command = Command("debrief", "debrief nabespreking verslag", usage=(N_("debrief <account>"),),
                      help=N_("log how a visit went, update the deal, set the next follow-up"))
    after_account = "deal"

    def describe(self, ctx: Ctx, data: dict[str, Any]) -> str:
        _ = ctx.gettext
        if data.get("account"):
            return _("debrief of {account}").format(account=data["account"])
        return _("debrief")

    # which deal -----------------------------------------------------------------------------
    def prompt_deal(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        deals = ctx.store.open_deals(ctx.user, data["account_id"])
        options = [(truncate("".join(s if isinstance(s, str) else s.text for s in common.deal_line(ctx, d))),
                    f"deal:{d.id}") for d in deals[:10]]
        options.append((_("A new deal"), NEW_DEAL))
        return [text(_("Debrief for {account}: which deal was it about?").format(account=data["account"])),
                choices(scope_of(self.name, "deal"), *options)]

    def on_deal(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        if answer.value == NEW_DEAL:
            data["deal_id"] = None
        elif answer.value and answer.value.startswith("deal:") and answer.value[5:].isdecimal():
            deal = ctx.store.deal(ctx.user, int(answer.value[5:]))
            if deal is None or deal.account_id != data["account_id"]:
                return Stay([text(_("Please pick one of the deals, or a new one."))])
            data["deal_id"] = deal.id
        else:
            return Stay([text(_("Please pick one of the deals, or a new one."))])
        visit = self._visit(ctx, data)
        data["visit"] = None if visit is None else {
            "id": visit.id, "goal": visit.goal,
            "objectives": list(visit.preparation.get("internal", []))}
        return Goto("result")

    def _visit(self, ctx: Ctx, data: dict[str, Any]):
        """The visit this debrief is about: the last one prepared, or planned for today or before."""
        return next((v for v in ctx.store.recent_visits(ctx.user, data["account_id"], limit=5)
                     if v.status == "prepared" or (v.status == "planned" and v.planned_on
                                                   and v.planned_on <= ctx.today)), None)

    # won, lost or still open -----------------------------------------------------------------
    def prompt_result(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        return [text(_("Where does the deal stand now?")),
                choices(scope_of(self.name, "result"), (_("Still open"), "open"), (_("Won"), "won"),
                        (_("Lost"), "lost"))]

    def on_result(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        if answer.value not in RESULTS:
            return Stay([text(_("Please pick one: still open, won or lost."))])
        data["result"] = answer.value
        keep = " (" + _("type “same” to keep the current value") + ")" if data.get("deal_id") else ""
        return Goto("details", [text(bold(_("Debrief")), " — " + data["account"] + keep)])

    # the debrief form ------------------------------------------------------------------------
    def prompt_details(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        deal = ctx.store.deal(ctx.user, data["deal_id"]) if data.get("deal_id") else None
        yes_no = [Option(label=_("yes"), value="yes"), Option(label=_("no"), value="no")]
        stages = [Option(label=_(STAGE_LABELS[s]), value=s.value) for s in Stage if s.is_open]
        result = data.get("result", "open")

        def init(value):
            return None if value is None else str(value)

        dmu = None if deal is None or deal.dmu_known is None else ("yes" if deal.dmu_known else "no")
        fields = [
            FormField(name="outcome", label=_("How did it go?"), kind=FieldKind.LONG_TEXT,
                      hint=_("a few words on what you learned and agreed")),
            FormField(name="title", label=_("Deal or product"), kind=FieldKind.TEXT, required=False,
                      initial=init(deal.title if deal else None)),
            FormField(name="stage", label=_("Stage"), kind=FieldKind.SELECT, options=stages,
                      initial=deal.stage if deal and deal.stage not in CLOSED else None),
            FormField(name="amount", label=_("Amount"), kind=FieldKind.NUMBER, min_value=0,
                      initial=init(deal.amount if deal else None), hint=_("e.g. 4.630,50 or 4630.50"),
                      currency=deal.currency if deal else None),
            FormField(name="units", label=_("Units"), kind=FieldKind.NUMBER, required=False, min_value=0,
                      initial=init(deal.units if deal else None), hint=_("“skip” if not relevant")),
            FormField(name="probability", label=_("Chance of the order (%)"), kind=FieldKind.NUMBER,
                      min_value=0, max_value=100, initial=init(deal.probability if deal else None)),
            FormField(name="decision_date", label=_("Decision date"), kind=FieldKind.DATE,
                      initial=deal.decision_date.isoformat() if deal and deal.decision_date else None,
                      hint=_("when they decide, e.g. “15-03” or “end of the month”")),
            FormField(name="dmu_known", label=_("Do you know who decides?"), kind=FieldKind.SELECT,
                      options=yes_no, initial=dmu),
            FormField(name="next_step", label=_("Next step"), kind=FieldKind.TEXT, required=False,
                      hint=_("e.g. “send the quote”, “call the CFO”")),
            FormField(name="follow_up", label=_("Follow-up date"), kind=FieldKind.DATE, required=False,
                      not_in_past=True, hint=_("“next tuesday”, “in 2 weeks”, or “skip”")),
        ]
        if result != "open":  # a closed deal: no stage, chance, decision date or DMU to ask
            fields = [f for f in fields if f.name not in ("stage", "probability", "decision_date", "dmu_known")]
        if result == "lost":
            fields[-2:-2] = [
                FormField(name="lost_reason", label=_("Why did they choose otherwise?"), kind=FieldKind.LONG_TEXT,
                          hint=_("price, the solution, timing, the relationship …")),
                FormField(name="lost_to", label=_("Which competitor won it?"), kind=FieldKind.TEXT, required=False,
                          hint=_("“skip” if you do not know")),
            ]
        return [Form(scope=scope_of(self.name, "details"), title=_("Debrief"), fields=fields,
                             submit_label=_("Save"))]

    def on_details(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        form = answer.form or {}
        data["details"] = {k: (v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v)
                           for k, v in form.items()}
        if data.get("result", "open") != "open":
            data["details"]["stage"] = data["result"]
        if form.get("stage") == Stage.QUOTE.value:
            return Goto("quote_check", [text(_("A quote is a means, not a goal. Two more questions to check "
                                               "it is justified."))])
        return self._next(ctx, data, "details")

    # the quote rule --------------------------------------------------------------------------
    def prompt_quote_check(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        yes_no = [Option(label=_("yes"), value="yes"), Option(label=_("no"), value="no")]
        return [
            Form(scope=scope_of(self.name, "quote_check"), title=_("Quote check"), submit_label=_("Check"),
                 fields=[FormField(name="solution", label=_("Does your solution really meet their needs?"),
                                   kind=FieldKind.SELECT, options=yes_no),
                         FormField(name="budget", label=_("Can the price reasonably meet their budget?"),
                                   kind=FieldKind.SELECT, options=yes_no)]),
        ]

    def on_quote_check(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        data["quote"] = answer.form or {}
        return self._next(ctx, data, "quote_check")

    # the visit's goal and internal objectives ---------------------------------------------------
    def _objectives(self, data: dict[str, Any]) -> list[str]:
        skip = {"dmu"} if data.get("result", "open") != "open" else set()
        return [k for k in (data.get("visit") or {}).get("objectives", [])
                if k in memory.BY_OBJECTIVE and k not in skip]

    def prompt_goal(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        return [text(_("Your goal for this visit was:"), " ", italic(data["visit"]["goal"])),
                text(_("Did you reach it?")),
                choices(scope_of(self.name, "goal"), (_("Reached"), "reached"), (_("Partly"), "partly"),
                        (_("Not reached"), "not"), (_("Skip"), "skip"))]

    def on_goal(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        if answer.value not in (*GOAL_RESULTS, "skip"):
            return Stay([text(_("Please pick one: reached, partly, not reached, or skip."))])
        data["goal_result"] = answer.value if answer.value != "skip" else None
        return self._next(ctx, data, "goal")

    def prompt_objectives(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        return [text(bold(_("What did you find out?")), " — " + _("your internal objectives; “skip” what you "
                                                                   "did not learn.")),
                Form(scope=scope_of(self.name, "objectives"), title=_("Internal objective"), submit_label=_("Save"),
                     fields=memory.objective_fields(ctx.t, self._objectives(data)))]

    def on_objectives(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        form = answer.form or {}
        data["learned"] = {key: memory.fact_value(memory.BY_OBJECTIVE[key], value)
                           for key, value in form.items() if key in memory.BY_OBJECTIVE}
        return self._next(ctx, data, "objectives")

    # earlier follow-ups ----------------------------------------------------------------------
    def _unclear_followups(self, ctx: Ctx, data: dict[str, Any]) -> list:
        """Open follow-ups on the account tied to no deal nor to this visit: this debrief may or may not
        replace them."""
        d = data["details"]
        if not d.get("follow_up") and d.get("stage") not in CLOSED:
            return []
        visit_id = (data.get("visit") or {}).get("id")
        return [f for f in ctx.store.open_followups(ctx.user, data["account_id"])
                if f.deal_id is None and f.kind == "action" and (f.visit_id is None or f.visit_id != visit_id)]

    def prompt_replace(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        options = [Option(label=truncate(f"{ctx.t.date(f.due_at.astimezone(ctx.tz).date(), 'd MMM')} — {f.action}",
                                         75), value=str(f.id))
                   for f in self._unclear_followups(ctx, data)[:20]]
        return [text(_("You have open follow-ups on {account} that belong to no deal.").format(
                    account=data["account"])),
                Form(scope=scope_of(self.name, "replace"), title=_("Earlier follow-ups"), submit_label=_("Save"),
                     fields=[FormField(name="replaced", label=_("Which of them does this debrief replace?"),
                                       kind=FieldKind.MULTI_SELECT, options=options, required=False,
                                       hint=_("numbers, e.g. 1, 2; “skip” keeps them all"))])]

    def on_replace(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        data["replaced"] = [int(v) for v in (answer.form or {}).get("replaced") or []]
        return self._next(ctx, data, "replace")

    steps = {
        "account": common.ACCOUNT,
        "account_pick": common.ACCOUNT_PICK,
        "deal": Step(prompt_deal, on_deal),
        "result": Step(prompt_result, on_result),
        "details": Step(prompt_details, on_details),
        "quote_check": Step(prompt_quote_check, on_quote_check),
        "goal": Step(prompt_goal, on_goal),
        "objectives": Step(prompt_objectives, on_objectives),
        "replace": Step(prompt_replace, on_replace),
    }
    ORDER = ("details", "quote_check", "goal", "objectives", "replace")

    def _next(self, ctx: Ctx, data: dict[str, Any], done: str) -> Outcome:
        """The next of the optional steps that applies, or saving when none is left."""
        visit = data.get("visit") or {}
        applies = {
            "goal": lambda: bool(visit.get("goal")),
            "objectives": lambda: bool(memory.objective_fields(ctx.t, self._objectives(data))),
            "replace": lambda: bool(self._unclear_followups(ctx, data)),
        }
        for step in self.ORDER[self.ORDER.index(done) + 1:]:
            if step in applies and applies[step]():
                return Goto(step)
        return self._save(ctx, data, quote=data.get("quote"))

    # saving ----------------------------------------------------------------------------------
    def _save(self, ctx: Ctx, data: dict[str, Any], quote: dict[str, Any] | None) -> Outcome:
        _ = ctx.gettext
        d = data["details"]
        result = data.get("result", "open")
        before = ctx.store.deal(ctx.user, data["deal_id"]) if data.get("deal_id") else None
        if result == "open":
            decision = date.fromisoformat(d["decision_date"]) if d.get("decision_date") else None
            probability, dmu = int(Decimal(d["probability"])), d.get("dmu_known") == "yes"
        else:  # the deal keeps its decision date and what was known of the DMU
            decision = before.decision_date if before else None
            probability, dmu = (100 if result == "won" else 0), (before.dmu_known if before else None)
        changes = DealChanges(
            account_id=data["account_id"], deal_id=data.get("deal_id"), title=d.get("title"),
            amount=Decimal(d["amount"]), units=Decimal(d["units"]) if d.get("units") else None,
            probability=probability, stage=d["stage"], decision_date=decision,
            dmu_known=dmu, next_step=d.get("next_step"),
        )
        deal = ctx.store.save_deal(ctx.user, changes, ctx.today)
        visit_id = (data.get("visit") or {}).get("id")
        if visit_id is None:  # a visit made without a preparation is a visit all the same (the contact norm counts it)
            visit_id = ctx.store.create_visit(ctx.user, data["account_id"], "unknown", None, {}, {}, deal.id).id
        learned, objectives = self._learned(data, deal)
        debrief = {"outcome": d["outcome"], "deal_id": deal.id, "stage": deal.stage,
                   "probability": deal.probability, "next_step": deal.next_step, "quote_check": quote,
                   "result": result, "goal_result": data.get("goal_result"), "objectives": objectives,
                   "learned": learned}
        known = ctx.store.account_memory(ctx.user, data["account_id"])
        facts = {k: v for k, v in learned.items() if k != "abc_class"}
        ctx.store.learn(ctx.user, data["account_id"], facts, visit_id, ctx.now,
                        status=memory.status_after_debrief(known.status, result) if known else None,
                        abc_class=learned.get("abc_class"))
        if visit_id is not None:
            ctx.store.record_debrief(ctx.user, visit_id, debrief, ctx.now)
            ctx.store.complete_visit_followups(ctx.user, visit_id, ctx.now)
        closed = self._close_followups(ctx, data, deal)
        say: list[Block] = []
        if quote is not None:
            say += self._quote_verdict(ctx, deal.probability, decision, changes.dmu_known, quote)
        follow_up = d.get("follow_up")
        if follow_up:
            day = date.fromisoformat(follow_up)
            action = d.get("next_step") or _("Follow up with {account}").format(account=data["account"])
            ctx.store.add_followup(ctx.user, data["account_id"], action, due_on(ctx, day), deal_id=deal.id,
                                   visit_id=visit_id)
        say.append(self._summary(ctx, data, deal, follow_up))
        if written := ctx.store.write_back():
            say.append(text(self._written_back(ctx, written, follow_up)))
        if closed:
            say.append(text(ctx.t.ngettext("{n} earlier follow-up is closed: this debrief replaces it.",
                                           "{n} earlier follow-ups are closed: this debrief replaces them.",
                                           closed).format(n=closed)))
        say += discount_remark(ctx, d.get("outcome"), d.get("next_step"))
        if follow_up:  # the next step may well be a visit: one click plans it, with preparation and debrief
            say.append(choices("cmd", (truncate(_("Plan a visit on {day}").format(
                day=ctx.t.date(date.fromisoformat(follow_up), "EEE d MMM"))),
                truncate(f"cmd:plan {data['account']} {follow_up}", 150))))
        if not follow_up and deal.stage not in CLOSED:
            say.append(text(_("Tip: an open deal without a follow-up date is easily forgotten. "
                              "Type “debrief {account}” again to set one.").format(account=data["account"])))
        return Finish(say)

    def _learned(self, data: dict[str, Any], deal) -> tuple[dict[str, Any], dict[str, bool | None]]:
        """The facts learned (by fact key) and, per objective chosen in the preparation, whether it was met."""
        d = data["details"]
        answers = data.get("learned")
        learned = {}
        objectives: dict[str, bool | None] = {}
        for key in (data.get("visit") or {}).get("objectives", []):
            if key == "chance":  # answered by the deal: its chance and decision date, or its end
                objectives[key] = d.get("stage") in CLOSED or bool(d.get("decision_date"))
                continue
            value = answers.get(key) if answers is not None else None
            objectives[key] = None if answers is None or key not in answers else value not in (None, "", [])
            if key in memory.BY_OBJECTIVE and value not in (None, "", []):
                learned[memory.BY_OBJECTIVE[key].key] = value
        if "dmu" in objectives and deal.dmu_known:
            objectives["dmu"] = True
        if d.get("lost_reason"):
            learned["lost_reason"] = d["lost_reason"]
        if d.get("lost_to"):
            learned["lost_to"] = d["lost_to"]
        return learned, objectives

    def _close_followups(self, ctx: Ctx, data: dict[str, Any], deal) -> int:
        """A new follow-up replaces the deal's earlier open ones; won or lost closes them. Follow-ups tied to no
        deal are closed only as the rep chose (step `replace`)."""
        d = data["details"]
        if not d.get("follow_up") and deal.stage not in CLOSED:
            return 0
        ids = [f.id for f in ctx.store.open_followups(ctx.user, data["account_id"])
               if (f.deal_id == deal.id and f.kind != "prep") or f.id in data.get("replaced", [])]
        return sum(ctx.store.complete_followup(ctx.user, i, ctx.now) for i in ids)

    def _quote_verdict(self, ctx: Ctx, chance: int, decision: date | None, dmu: bool,
                       quote: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        holds = {
            "solution": quote.get("solution") == "yes",
            "budget": quote.get("budget") == "yes",
            "chance": chance > QUOTE_MIN_CHANCE,
            "term": decision is not None and decision <= ctx.today + timedelta(days=QUOTE_MAX_DECISION_DAYS),
            "dmu": dmu,
        }
        missing = [_(label) for key, label in QUOTE_CRITERIA if not holds[key]]
        if not missing:
            return [text("✓ " + _("All five quote criteria hold. A well-founded quote."))]
        return [text(bold(_("Quote check: not all criteria hold. Missing:"))), bullets(missing),
                text(_("Needless quotes cost time, distort the forecast and hand the buyer a price to "
                       "squeeze competitors with. Close these gaps first, or keep the chance realistic."))]

    @staticmethod
    def _written_back(ctx: Ctx, written: WriteBack, follow_up: str | None) -> str:
        """"Written back to HubSpot: stage, amount, a note and a task for 12 Dec"."""
        _ = ctx.gettext
        what = [_(WRITTEN_FIELDS[field]) for field in written.fields if field in WRITTEN_FIELDS]
        if written.note:
            what.append(_("a note"))
        if written.task and follow_up:
            what.append(_("a task for {day}").format(day=ctx.t.date(date.fromisoformat(follow_up), "d MMM")))
        return _("Written back to {crm}: {what}").format(crm=written.crm, what=ctx.t.names(what))

    def _summary(self, ctx: Ctx, data: dict[str, Any], deal, follow_up: str | None) -> Card:
        _ = ctx.gettext
        stage = _(STAGE_LABELS[Stage(deal.stage)])
        weighted = deal.amount * deal.probability / 100
        fields = [
            CardField(label=_("Stage"), value=stage),
            CardField(label=_("Amount"), value=ctx.t.money(deal.amount, deal.currency)),
            CardField(label=_("Chance"), value=f"{deal.probability}%"),
            CardField(label=_("Weighted"), value=ctx.t.money(weighted, deal.currency)),
            CardField(label=_("Decision"), value=ctx.t.date(deal.decision_date) if deal.decision_date else "—"),
            CardField(label=_("Next step"), value=deal.next_step or "—"),
            CardField(label=_("Follow-up"),
                      value=ctx.t.date(date.fromisoformat(follow_up), "EEE d MMM") if follow_up else "—"),
        ]
        return Card(title=_("Saved: {account}").format(account=data["account"])[:150], fields=fields)
