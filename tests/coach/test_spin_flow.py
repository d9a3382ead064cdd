"""Issue 13, item 9: a pasted statement is not filed as a SPIN question, in practice or with `spin <text>`."""

from __future__ import annotations

from bot.runtime import Runtime
from tests.coach.chat_helper import Chat


def test_a_pasted_goal_is_not_planned_as_a_question(runtime: Runtime) -> None:
    chat = Chat(runtime.coach())
    chat.send("spin practice")
    reply = chat.send("At the end of the visit I know who decides on the new fleet.")
    assert "not a question" in reply
    assert "Planned so far" not in reply
    reply = chat.send("Which part of the order process takes longer than it should?")
    assert reply.startswith("Problem")
    planned = reply.split("Planned so far:")[1].split("Type a question")[0]
    assert "Which part of the order process" in planned and "who decides" not in planned


def test_a_pasted_goal_is_not_planned_in_dutch(runtime: Runtime) -> None:
    chat = Chat(runtime.coach(), language="nl")
    chat.send("spin oefen")
    reply = chat.send("Aan het eind van het bezoek weet ik wie er beslist over de nieuwe vloot.")
    assert "geen vraag" in reply
    reply = chat.send("Wat kost het u per jaar aan afgekeurde producten?")
    assert "Implicatie" in reply


def test_spin_with_a_statement_says_so(runtime: Runtime) -> None:
    chat = Chat(runtime.coach())
    reply = chat.send("spin We deliver within 24 hours anywhere in the Benelux.")
    assert "not a question" in reply and "Situation" not in reply
    assert "Implication" in chat.send("spin What would happen if you did nothing?")
