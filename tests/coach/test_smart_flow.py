"""Issue 13, item 9: the SMART check's reply flags acceptable only for a one-sided goal, one line per fault."""

from __future__ import annotations

from bot.runtime import Runtime
from tests.coach.chat_helper import Chat


def test_a_plain_goal_is_not_flagged_as_unacceptable(runtime: Runtime) -> None:
    chat = Chat(runtime.coach())
    chat.send("smart Know the contract end date and who decides by Friday")
    reply = chat.click("first")
    assert "That goal is SMART" in reply
    assert "Acceptable: ✓" in reply and "?" not in reply


def test_a_pushy_goal_gets_one_line_per_fault_and_one_example(runtime: Runtime) -> None:
    chat = Chat(runtime.coach())
    chat.send("smart Push them hard")
    reply = chat.click("first")
    assert "Acceptable: ✗" in reply
    assert reply.count("For example") == 1
    assert "Acceptable: pressure is one-sided" in reply


def test_a_one_sided_goal_without_pressure_is_told_so_not_called_pressure(runtime: Runtime) -> None:
    chat = Chat(runtime.coach())
    chat.send("smart Sell as many licences as possible this month")
    reply = chat.click("aftersales")
    assert "Acceptable: ✗" in reply
    assert "Acceptable: this serves only your side" in reply and "pressure" not in reply
    assert reply.count("For example") == 1
