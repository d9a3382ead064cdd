"""The note a debrief adds to its deal in the CRM, in the rep's language: the outcome, and what was learned."""

from __future__ import annotations

from typing import Any

from coach.account_memory import FACT_LABELS, fact_order, show_fact
from coach.i18n import N_, translator

RESULTS = {"open": N_("still open"), "won": N_("won"), "lost": N_("lost")}


def note_body(payload: dict[str, Any]) -> str:
    """Plain text: a heading with the result, the outcome as the rep wrote it, then one line per fact learned."""
    t = translator(payload.get("language"))
    _ = t.gettext
    result = payload.get("result")
    heading = _("Visit debrief (salescoach): {result}").format(result=_(RESULTS[result])) if result in RESULTS \
        else _("Visit debrief (salescoach)")
    lines = [heading, "", payload.get("outcome") or ""]
    learned = {k: v for k, v in (payload.get("learned") or {}).items() if v not in (None, "", [])}
    if learned:
        lines += ["", _("Learned:")]
        lines += [f"- {_(FACT_LABELS.get(key, key))}: {show_fact(key, value, t)}"
                  for key, value in sorted(learned.items(), key=lambda kv: fact_order(kv[0]))]
    return "\n".join(lines).strip()
