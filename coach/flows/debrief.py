"""`debrief <account>`: how the visit went, the deal's new state, the next step and follow-up date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from coach.dialog import Answer, Command, Ctx, Finish, Flow, Goto, Outcome, Stay, Step, choices, scope_of
from coach.domain import QUOTE_CRITERIA, QUOTE_MAX_DECISION_DAYS, QUOTE_MIN_CHANCE, STAGE_LABELS, Stage
from coach.flows import common
from coach.flows.discount import discount_remark
from coach.followups import due_on
from coach.i18n import N_
from coach.records import DealChanges
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
    text,
    truncate,
)

NEW_DEAL = "new"


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
            return Goto("details", [text(bold(_("Debrief")), " — " + data["account"])])
        if answer.value and answer.value.startswith("deal:") and answer.value[5:].isdecimal():
            deal = ctx.store.deal(ctx.user, int(answer.value[5:]))
            if deal is not None and deal.account_id == data["account_id"]:
                data["deal_id"] = deal.id
                return Goto("details", [text(bold(_("Debrief")), " — " + data["account"] + " (" +
                                             _("type “same” to keep the current value") + ")")])
        return Stay([text(_("Please pick one of the deals, or a new one."))])

    # the debrief form ------------------------------------------------------------------------
    def prompt_details(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        _ = ctx.gettext
        deal = ctx.store.deal(ctx.user, data["deal_id"]) if data.get("deal_id") else None
        yes_no = [Option(label=_("yes"), value="yes"), Option(label=_("no"), value="no")]
        stages = [Option(label=_(STAGE_LABELS[s]), value=s.value) for s in Stage]

        def init(value):
            return None if value is None else str(value)

        dmu = None if deal is None or deal.dmu_known is None else ("yes" if deal.dmu_known else "no")
        fields = [
            FormField(name="outcome", label=_("How did it go?"), kind=FieldKind.LONG_TEXT,
                      hint=_("a few words on what you learned and agreed")),
            FormField(name="title", label=_("Deal or product"), kind=FieldKind.TEXT, required=False,
                      initial=init(deal.title if deal else None)),
            FormField(name="stage", label=_("Stage"), kind=FieldKind.SELECT, options=stages,
                      initial=deal.stage if deal else None),
            FormField(name="amount", label=_("Amount"), kind=FieldKind.NUMBER, min_value=0,
                      initial=init(deal.amount if deal else None), hint=_("e.g. 4.630,50 or 4630.50")),
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
        return [Form(scope=scope_of(self.name, "details"), title=_("Debrief"), fields=fields,
                             submit_label=_("Save"))]

    def on_details(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        _ = ctx.gettext
        form = answer.form or {}
        data["details"] = {k: (v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v)
                           for k, v in form.items()}
        if form.get("stage") == Stage.QUOTE.value:
            return Goto("quote_check", [text(_("A quote is a means, not a goal. Two more questions to check "
                                               "it is justified."))])
        return self._save(ctx, data, quote=None)

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
        return self._save(ctx, data, quote=answer.form or {})

    steps = {
        "account": common.ACCOUNT,
        "account_pick": common.ACCOUNT_PICK,
        "deal": Step(prompt_deal, on_deal),
        "details": Step(prompt_details, on_details),
        "quote_check": Step(prompt_quote_check, on_quote_check),
    }

    # saving ----------------------------------------------------------------------------------
    def _save(self, ctx: Ctx, data: dict[str, Any], quote: dict[str, Any] | None) -> Outcome:
        _ = ctx.gettext
        d = data["details"]
        decision = date.fromisoformat(d["decision_date"]) if d.get("decision_date") else None
        changes = DealChanges(
            account_id=data["account_id"], deal_id=data.get("deal_id"), title=d.get("title"),
            amount=Decimal(d["amount"]), units=Decimal(d["units"]) if d.get("units") else None,
            probability=int(Decimal(d["probability"])), stage=d["stage"], decision_date=decision,
            dmu_known=d.get("dmu_known") == "yes", next_step=d.get("next_step"),
        )
        deal = ctx.store.save_deal(ctx.user, changes, ctx.today)
        debrief = {"outcome": d["outcome"], "deal_id": deal.id, "stage": deal.stage,
                   "probability": deal.probability, "next_step": deal.next_step, "quote_check": quote}
        visit = next((v for v in ctx.store.recent_visits(ctx.user, data["account_id"], limit=5)
                      if v.status == "prepared" or (v.status == "planned" and v.planned_on
                                                    and v.planned_on <= ctx.today)), None)
        if visit is not None:
            ctx.store.record_debrief(ctx.user, visit.id, debrief, ctx.now)
            ctx.store.complete_visit_followups(ctx.user, visit.id, ctx.now)
        say: list[Block] = []
        if quote is not None:
            say += self._quote_verdict(ctx, deal.probability, decision, changes.dmu_known, quote)
        follow_up = d.get("follow_up")
        if follow_up:
            day = date.fromisoformat(follow_up)
            action = d.get("next_step") or _("Follow up with {account}").format(account=data["account"])
            ctx.store.add_followup(ctx.user, data["account_id"], action, due_on(ctx, day), deal_id=deal.id,
                                   visit_id=visit.id if visit else None)
        say.append(self._summary(ctx, data, deal, follow_up))
        say += discount_remark(ctx, d.get("outcome"), d.get("next_step"))
        if follow_up:  # the next step may well be a visit: one click plans it, with preparation and debrief
            say.append(choices("cmd", (truncate(_("Plan a visit on {day}").format(
                day=ctx.t.date(date.fromisoformat(follow_up), "EEE d MMM"))),
                truncate(f"cmd:plan {data['account']} {follow_up}", 150))))
        if not follow_up and deal.stage not in (Stage.WON.value, Stage.LOST.value):
            say.append(text(_("Tip: an open deal without a follow-up date is easily forgotten. "
                              "Type “debrief {account}” again to set one.").format(account=data["account"])))
        return Finish(say)

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
