"""`pipeline`: my open deals and the weighted forecast per decision month."""

from __future__ import annotations

from coach.dialog import Ctx
from coach.flows.common import deal_line
from coach.pipeline import forecasts_by_currency
from coach.replies import Block, Card, CardField, Heading, bold, bullets, text

MAX_DEALS_SHOWN = 10


def overview(ctx: Ctx) -> list[Block]:
    _ = ctx.gettext
    deals = ctx.store.open_deals(ctx.user)
    if not deals:
        return [text(_("You have no open deals yet. A debrief creates or updates one; "
                       "“salescoach import deals” loads them from your CRM."))]
    blocks: list[Block] = [Heading(text=_("Your pipeline"))]
    for fc in forecasts_by_currency(deals):
        fields = [CardField(label=ctx.t.month(int(m.month[:4]), int(m.month[5:])),
                            value=ctx.ngettext("{amount} ({n} deal)", "{amount} ({n} deals)", m.deals).format(
                                amount=ctx.t.money(m.weighted_amount, fc.currency), n=m.deals))
                  for m in fc.months[:12]]
        footer = _("Total weighted: {total}").format(total=ctx.t.money(fc.total_weighted_amount, fc.currency))
        if fc.undated:
            footer += " · " + ctx.ngettext("{n} deal has no decision date", "{n} deals have no decision date",
                                           fc.undated).format(n=fc.undated)
        blocks.append(Card(title=_("Weighted forecast per decision month ({currency})").format(
            currency=fc.currency), fields=fields, footer=footer))
    blocks.append(text(bold(_("Open deals"))))
    blocks.append(bullets([deal_line(ctx, d) for d in deals[:MAX_DEALS_SHOWN]]))
    if len(deals) > MAX_DEALS_SHOWN:
        blocks.append(text(_("…and {n} more.").format(n=len(deals) - MAX_DEALS_SHOWN)))
    return blocks
