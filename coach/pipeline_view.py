"""`pipeline`: my open deals and the weighted forecast per decision month; for managers `pipeline team`
and `digest`."""

from __future__ import annotations

from coach.dialog import Ctx
from coach.digest_policy import digest_replies
from coach.flows.common import deal_line
from coach.pipeline import forecasts_by_currency
from coach.replies import Block, Card, CardField, Heading, bold, bullets, text

MAX_DEALS_SHOWN = 10


def _forecast_card(ctx: Ctx, fc) -> Card:
    _ = ctx.gettext
    fields = [CardField(label=ctx.t.month(int(m.month[:4]), int(m.month[5:])),
                        value=ctx.ngettext("{amount} ({n} deal)", "{amount} ({n} deals)", m.deals).format(
                            amount=ctx.t.money(m.weighted_amount, fc.currency), n=m.deals))
              for m in fc.months[:12]]
    footer = _("Total weighted: {total}").format(total=ctx.t.money(fc.total_weighted_amount, fc.currency))
    if fc.undated:
        footer += " · " + ctx.ngettext("{n} deal has no decision date", "{n} deals have no decision date",
                                       fc.undated).format(n=fc.undated)
    return Card(title=_("Weighted forecast per decision month ({currency})").format(currency=fc.currency),
                fields=fields, footer=footer)


def team_overview(ctx: Ctx) -> list[Block]:
    """`pipeline team`: for a team's manager, the team's forecast and each rep's weighted total."""
    _ = ctx.gettext
    rows = ctx.store.team_open_deals(ctx.user)
    if rows is None:
        return [text(_("Only a team's manager sees the team pipeline. “pipeline” shows yours."))]
    if not rows:
        return [text(_("Your team has no open deals yet."))]
    blocks: list[Block] = [Heading(text=_("Team pipeline"))]
    blocks += [_forecast_card(ctx, fc) for fc in forecasts_by_currency([d for _owner, d in rows])]
    per_rep: dict[str, list] = {}
    for owner, deal in rows:
        per_rep.setdefault(owner, []).append(deal)
    lines = []
    for owner, deals in per_rep.items():
        totals = ", ".join(ctx.t.money(fc.total_weighted_amount, fc.currency) for fc in forecasts_by_currency(deals))
        lines.append((bold(owner), " — " + ctx.ngettext("{n} open deal, weighted {total}",
                                                        "{n} open deals, weighted {total}",
                                                        len(deals)).format(n=len(deals), total=totals)))
    blocks.append(bullets(lines[:MAX_DEALS_SHOWN * 2]))
    return blocks


def team_digest(ctx: Ctx) -> list[Block]:
    """`digest`: for a team's manager, the weekly digest up to now, the details per rep after the summary (the
    chart comes with the digest sent on its day)."""
    found = ctx.store.team_digest(ctx.user, ctx.now)
    if found is None:
        return [text(ctx.gettext("Only a team's manager gets the team's weekly digest. “pipeline” shows yours."))]
    summary, details = digest_replies(*found, ctx.t.lang)
    return [*summary.blocks, *(block for detail in details for block in detail.blocks)]


def overview(ctx: Ctx) -> list[Block]:
    _ = ctx.gettext
    deals = ctx.store.open_deals(ctx.user)
    if not deals:
        return [text(_("You have no open deals yet. A debrief creates or updates one; "
                       "“salescoach import deals” loads them from your CRM."))]
    blocks: list[Block] = [Heading(text=_("Your pipeline"))]
    blocks += [_forecast_card(ctx, fc) for fc in forecasts_by_currency(deals)]
    blocks.append(text(bold(_("Open deals"))))
    blocks.append(bullets([deal_line(ctx, d) for d in deals[:MAX_DEALS_SHOWN]]))
    if len(deals) > MAX_DEALS_SHOWN:
        blocks.append(text(_("…and {n} more.").format(n=len(deals) - MAX_DEALS_SHOWN)))
    return blocks
