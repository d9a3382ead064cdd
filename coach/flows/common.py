"""Pieces several flows share: finding the account, summarising what is known about it."""

from __future__ import annotations

from typing import Any, ClassVar

from coach import account_memory as memory
from coach.dialog import Answer, Ctx, Goto, Outcome, Stay, Step, choices, scope_of
from coach.domain import STAGE_LABELS, Stage
from coach.records import DealInfo, VisitInfo
from coach.replies import Block, Heading, bold, bullets, text, truncate
from coach.visits import MAX_ACCOUNT_NAME

NEW_ACCOUNT = "new"


def deal_line(ctx: Ctx, d: DealInfo) -> tuple:
    _ = ctx.gettext
    stage = _(STAGE_LABELS[Stage(d.stage)]) if d.stage in Stage._value2member_map_ else d.stage
    when = ctx.t.date(d.decision_date, "MMM yyyy") if d.decision_date else _("no decision date")
    return (bold(d.title or _("(untitled deal)")),
            f" — {stage}, {ctx.t.money(d.amount, d.currency)}, {d.probability}%, {when}")


def set_account(data: dict[str, Any], account_id: int, name: str) -> None:
    data["account_id"], data["account"] = account_id, name


def choose_account(ctx: Ctx, flow: str, data: dict[str, Any], name: str, next_step: str,
                   say: list[Block] | None = None) -> Outcome:
    """Resolve a typed account name: an exact match, a pick among similar ones, or a new account."""
    _ = ctx.gettext
    name = " ".join(name.split())
    if not name:
        return Stay([text(_("Please type the name of the account."))])
    if len(name) > MAX_ACCOUNT_NAME:
        return Stay([text(_("That name is too long; please use at most {n} characters.").format(
            n=MAX_ACCOUNT_NAME))])
    matches = ctx.store.find_accounts(ctx.user, name)
    if len(matches) == 1 and matches[0].name.casefold() == name.casefold():
        set_account(data, matches[0].id, matches[0].name)
        return Goto(next_step, say or [])
    if matches:
        data["typed_account"] = name
        data["matches"] = [[m.id, m.name] for m in matches]
        return Goto("account_pick")
    account = ctx.store.get_or_create_account(ctx.user, name)
    set_account(data, account.id, account.name)
    return Goto(next_step, [text(_("{account} is new to me; I have added it.").format(account=account.name))])


def prompt_account(ctx: Ctx) -> list[Block]:
    _ = ctx.gettext
    return [text(_("Which account is it about? Type the customer's name."))]


def prompt_account_pick(ctx: Ctx, flow: str, data: dict[str, Any]) -> list[Block]:
    _ = ctx.gettext
    options = [(truncate(name), f"id:{account_id}") for account_id, name in data.get("matches", [])]
    options.append((truncate(_("New: {name}").format(name=data.get("typed_account", ""))), NEW_ACCOUNT))
    return [text(_("Which one do you mean?")), choices(scope_of(flow, "account_pick"), *options)]


def on_account_pick(ctx: Ctx, data: dict[str, Any], value: str | None, next_step: str) -> Outcome:
    _ = ctx.gettext
    if value == NEW_ACCOUNT:
        account = ctx.store.get_or_create_account(ctx.user, data.get("typed_account", ""))
        set_account(data, account.id, account.name)
        return Goto(next_step)
    if value and value.startswith("id:") and value[3:].isdecimal():
        account = ctx.store.account(ctx.user, int(value[3:]))
        if account is not None:
            set_account(data, account.id, account.name)
            return Goto(next_step)
    return Stay([text(_("Please pick one of the accounts, or type its number."))])


def account_summary(ctx: Ctx, account_id: int, account: str) -> list[Block]:
    """What is stored about the account: status and class, the facts learned, the last visit's outcome and
    agreements, open deals and open follow-ups."""
    _ = ctx.gettext
    deals = ctx.store.open_deals(ctx.user, account_id)
    visits = ctx.store.recent_visits(ctx.user, account_id)
    follow = ctx.store.open_followups(ctx.user, account_id)
    known = ctx.store.account_memory(ctx.user, account_id)
    blocks: list[Block] = [Heading(text=truncate(_("What I know about {account}").format(account=account), 150))]
    if known is not None and known.status == "dead":
        blocks.append(text("⚠ " + _("{account} is marked dead: not to be approached again.").format(
            account=account)))
    facts = known.facts if known else {}
    if not (deals or visits or follow or facts or (known and known.abc_class)):
        return blocks + [text(_("Nothing yet: this looks like a first contact."))]
    if known is not None:
        status = _(memory.STATUS_LABELS.get(known.status, known.status))
        blocks.append(text(bold(_("Status")), ": " + status + (
            " · " + _("class {abc}").format(abc=known.abc_class) if known.abc_class else "")))
    if facts:
        blocks += [text(bold(_("Learned"))), bullets([
            (_(memory.FACT_LABELS.get(k, k)) + ": ", memory.show_fact(k, v, ctx.t, ctx.user.currency))
            for k, v in sorted(facts.items(), key=lambda kv: memory.fact_order(kv[0]))])]
    debriefed = next((v for v in visits if v.debrief), None)
    if debriefed is not None:
        blocks += [text(bold(_("Last visit")), " — " + ctx.t.date(debriefed.created_at.astimezone(ctx.tz).date())),
                   bullets(visit_lines(ctx, debriefed))]
    if deals:
        blocks += [text(bold(_("Open deals"))), bullets([deal_line(ctx, d) for d in deals[:5]])]
    if follow:
        lines = [(ctx.t.date(f.due_at.astimezone(ctx.tz).date()), f" — {f.action}") for f in follow[:5]]
        blocks += [text(bold(_("Open follow-ups"))), bullets(lines)]
    return blocks


def visit_lines(ctx: Ctx, visit: VisitInfo) -> list[str]:
    """A debriefed visit: its goal and whether it was reached, what came out of it, what was agreed."""
    _ = ctx.gettext
    d = visit.debrief or {}
    verdict = {"reached": _("reached"), "partly": _("partly reached"), "not": _("not reached")}
    lines: list[str] = []
    if visit.goal:
        lines.append(_("Goal: ") + visit.goal + (f" ({verdict[d['goal_result']]})"
                                                 if d.get("goal_result") in verdict else ""))
    if d.get("outcome"):
        lines.append(_("Outcome: ") + d["outcome"])
    if d.get("next_step"):
        lines.append(_("Agreed: ") + d["next_step"])
    return lines


class AccountSteps:
    """The `account` and `account_pick` steps (ACCOUNT and ACCOUNT_PICK below), for flows that start from a
    customer. `after_account` names the step that follows; `account_chosen` may add to the outcome."""

    name: ClassVar[str]
    after_account: ClassVar[str]

    def start(self, ctx: Ctx, data: dict[str, Any], args: str) -> Outcome:
        """`prep Acme` goes straight to the account; a bare `prep` asks for it."""
        if args.strip():
            return self.choose(ctx, data, args)
        return Goto("account")

    def choose(self, ctx: Ctx, data: dict[str, Any], typed: str) -> Outcome:
        return self._chosen(ctx, data, choose_account(ctx, self.name, data, typed, self.after_account))

    def account_chosen(self, ctx: Ctx, data: dict[str, Any], outcome: Goto) -> Outcome:
        return outcome

    def _chosen(self, ctx: Ctx, data: dict[str, Any], outcome: Outcome) -> Outcome:
        if isinstance(outcome, Goto) and outcome.step == self.after_account:
            return self.account_chosen(ctx, data, outcome)
        return outcome

    def prompt_account(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        return prompt_account(ctx)

    def on_account(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        return self.choose(ctx, data, answer.text or "")

    def prompt_account_pick(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        return prompt_account_pick(ctx, self.name, data)

    def on_account_pick(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        return self._chosen(ctx, data, on_account_pick(ctx, data, answer.value, self.after_account))


ACCOUNT = Step(AccountSteps.prompt_account, AccountSteps.on_account, free_text=True)
ACCOUNT_PICK = Step(AccountSteps.prompt_account_pick, AccountSteps.on_account_pick)
