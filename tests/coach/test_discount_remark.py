"""A discount typed in a debrief gets a coaching remark: discount is never a goal (issue 13, item 4)."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from coach.clock import SetClock
from tests.coach.chat_helper import Chat

FORM = {"stage": "hot prospect", "amount": "48000", "probability": "50", "decision_date": "2027-01-15",
        "dmu_known": "yes"}


@pytest.mark.parametrize(("language", "outcome", "next_step", "remark"), [
    ("en", "They liked it but want a 10% discount", None, "Discount is never a goal"),
    ("en", "Good talk", "Offer a price reduction", "Discount is never a goal"),
    ("nl", "Positief, maar ze willen 5% korting", None, "Korting is nooit een doel"),
    ("en", "Good talk, they want a demo", "Plan the demo", None),
    ("nl", "Goed gesprek, demo gepland", None, None),
])
def test_a_discount_in_the_debrief_gets_a_remark(runtime: Runtime, clock: SetClock, language: str, outcome: str,
                                                 next_step: str | None, remark: str | None) -> None:
    chat = Chat(runtime.coach(clock=clock), language=language)
    chat.send("debrief Acme" if language == "en" else "nabespreking Acme")
    chat.click("new")
    chat.click("open")  # the deal is still open
    out = chat.submit({**FORM, "outcome": outcome, "next_step": next_step})
    assert "Acme" in out
    if remark:
        assert remark in out
    else:
        assert "Discount" not in out and "Korting" not in out
