"""The preparation's content per visit type (issue 13): the book's shorthands, openings, the quote criteria in the
prep, the call plan the rep carries in."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from coach.clock import SetClock
from tests.coach.chat_helper import Chat

VISIT = {"first": "1", "followup": "2", "quote": "3", "aftersales": "4"}


@pytest.fixture
def chat(runtime: Runtime, clock: SetClock) -> Chat:
    return Chat(runtime.coach(clock=clock))


def to_internal(chat: Chat, visit: str, account: str = "Acme") -> str:
    chat.send(f"prep {account}")
    chat.send(VISIT[visit])
    return chat.send("skip the rest")


def test_internal_objective_offers_the_books_shorthands(chat: Chat) -> None:
    to_internal(chat, "first")
    labels = [o.label.split(" — ")[0] for o in chat.form().fields[0].options]
    assert labels == ["NAW", "DMU", "@", "product", "lev", "€-TTL", "€ conc.", "afl. contr.", "nw. contract",
                      "A/B/C", "vk%", "vrvlg"]
    out = chat.send("nw. contract, € conc., vk%")  # typed as the rep writes them on the sheet
    assert "External objective" in out
