"""The chat message that tells a rep the CRM kept its own, newer value of a field their debrief changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from coach.domain import STAGE_LABELS, Stage
from coach.i18n import N_, Translator, translator
from coach.outgoing import Outgoing
from coach.replies import Reply, text

CRM_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce"}
KEPT = {  # one sentence per field the CRM kept
    "amount": N_("{crm} had a newer amount for {deal} ({theirs}); I kept it instead of yours ({ours})."),
    "stage": N_("{crm} had a newer stage for {deal} ({theirs}); I kept it instead of yours ({ours})."),
    "probability": N_("{crm} had a newer probability for {deal} ({theirs}); I kept it instead of yours ({ours})."),
    "decision_date": N_("{crm} had a newer close date for {deal} ({theirs}); I kept it instead of yours ({ours})."),
}


def kept_notice(crm: str, recipient: str, language: str, deal: str, currency: str,
                kept: dict[str, tuple[Any, Any]], key: str) -> Outgoing:
    """`kept`: per field, the CRM's value and the rep's, in the terms a deal's `crm_base` keeps them."""
    t = translator(language)
    lines = [t.gettext(KEPT[field]).format(crm=CRM_NAMES.get(crm, crm), deal=deal,
                                           theirs=_shown(t, field, theirs, currency), ours=_shown(t, field, ours,
                                                                                                   currency))
             for field, (theirs, ours) in kept.items() if field in KEPT]
    return Outgoing(kind="crm-notice", recipient=recipient, dedupe_key=key,
                    reply=Reply(blocks=[text(line) for line in lines]))


def _shown(t: Translator, field: str, value: Any, currency: str) -> str:
    if value is None:
        return "—"
    if field == "amount":
        return t.money(Decimal(value), currency)
    if field == "decision_date":
        return t.date(date.fromisoformat(value))
    if field == "probability":
        return f"{value}%"
    return t.gettext(STAGE_LABELS[Stage(value)]) if value in {s.value for s in Stage} else str(value)
