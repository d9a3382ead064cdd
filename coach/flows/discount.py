"""The coaching remark on a discount typed in a debrief: discount is never a goal (coach-domain §1)."""

from __future__ import annotations

import re

from coach.dialog import Ctx
from coach.replies import Block, text

# "discount", "10% off", "korting", "prijsverlaging", "rebate", "price reduction"
_DISCOUNT = re.compile(r"\b(discount\w*|rebate\w*|price (cut|reduction)s?|\d+\s?% off|korting\w*|\w*prijsverlaging\w*"
                       r"|reductie)\b", re.IGNORECASE)


def discount_remark(ctx: Ctx, *texts: str | None) -> list[Block]:
    """A remark when the debrief's words mention a discount; nothing otherwise."""
    if not any(t and _DISCOUNT.search(t) for t in texts):
        return []
    return [text(ctx.gettext(
        "A discount came up. Discount is never a goal: next time restate the benefits first, and if they "
        "still ask for one, ask what they give in return (volume, a longer term, a reference)."))]
