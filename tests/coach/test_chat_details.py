"""Chat details at the questions of a form, in English and Dutch: a command typed at a number or choice
question starts it, "same" or an empty answer keeps the current value, and current values read as the user
writes them."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from rich.console import Console
from sqlalchemy import select

from bot.console import render, render_block
from bot.runtime import Runtime
from coach import registry
from coach.i18n import translator
from storage.models import Deal
from tests.coach.chat_helper import Chat

FIRST = {"en": ["debrief Acme", "1", "1", "Good talk", "Forklifts", "3", "420000", "1500", "40", "04-03-2027", "1",
                "call the CFO", "skip"],
         "nl": ["nabespreking Acme", "1", "1", "Goed gesprek", "Heftrucks", "3", "420.000", "1500", "40", "04-03-2027",
                "1", "CFO bellen", "overslaan"]}
SAVED = {"en": "Saved: Acme", "nl": "Opgeslagen: Acme"}


@pytest.fixture(params=["en", "nl"])
def lang(request) -> str:
    return request.param


@pytest.fixture
def chat(runtime: Runtime, lang: str) -> Chat:
    return Chat(runtime.coach(), user=f"rep-{lang}", language=lang)


def first_debrief(chat: Chat, lang: str) -> None:
    for message in FIRST[lang]:
        out = chat.send(message)
    assert SAVED[lang] in out


def deal(runtime: Runtime) -> Deal:
    with runtime.sessions() as s:
        return s.scalars(select(Deal)).one()


def to_amount(chat: Chat, lang: str) -> None:
    """A second debrief of the same deal, up to its Amount question."""
    chat.send(FIRST[lang][0])
    chat.send("1")  # the deal of the first debrief
    chat.send("1")  # still open
    chat.send("Again")
    chat.send(FIRST[lang][4])  # title
    chat.send("3")  # stage
    assert chat.form().pending == "amount"


@pytest.mark.parametrize("typed", ["prep Foo", "voorbereiding Foo", "/prep Foo"])
def test_a_command_at_a_number_question_starts_it(chat: Chat, lang: str, typed: str) -> None:
    for message in FIRST[lang][:7]:
        chat.send(message)
    assert chat.form().pending == "units"
    chat.send("klaar" if lang == "nl" else "done")  # a command word that needs more is taken as the answer
    assert chat.form().pending == "units" and chat.form().pending_field().label in chat.last.plain()
    out = chat.send(typed)
    assert ("What kind of visit" if lang == "en" else "Wat voor bezoek") in out
    assert "Foo" in out


def test_a_command_at_a_choice_question_starts_it(chat: Chat, lang: str) -> None:
    for message in FIRST[lang][:5]:
        chat.send(message)
    assert chat.form().pending == "stage"
    out = chat.send("followups" if lang == "en" else "opvolging")
    assert ("Back to where we were" if lang == "en" else "Terug naar waar we waren") in out
    out = chat.send("prep Foo")
    assert ("What kind of visit" if lang == "en" else "Wat voor bezoek") in out


@pytest.mark.parametrize("keep", ["same", "zelfde", "hetzelfde", "idem", "Same.", ""])
def test_same_or_nothing_keeps_the_current_value(chat: Chat, runtime: Runtime, lang: str, keep: str) -> None:
    first_debrief(chat, lang)
    to_amount(chat, lang)
    for field in ("amount", "units", "probability", "decision_date", "dmu_known"):
        assert chat.form().pending == field
        chat.send(keep)
    assert chat.form().pending == "next_step"
    chat.send("Send the quote")
    assert SAVED[lang] in chat.send("skip")
    saved = deal(runtime)
    assert (saved.amount, saved.units, saved.probability, saved.decision_date, saved.dmu_known) == (
        Decimal("420000.00"), Decimal("1500.00"), 40, date(2027, 3, 4), True)


def test_same_without_a_current_value_is_not_taken_as_the_answer(chat: Chat, runtime: Runtime, lang: str) -> None:
    for message in FIRST[lang][:4]:
        chat.send(message)
    assert chat.form().pending == "title"
    out = chat.send("zelfde" if lang == "nl" else "same")
    assert chat.form().pending == "title"
    assert ("has no value yet" if lang == "en" else "heeft nog geen waarde") in out
    chat.send("")  # nothing typed and nothing to keep (a file alone in Slack, say): the question again
    assert chat.form().pending == "title"
    chat.send("skip")
    assert chat.form().pending == "stage"
    for message in FIRST[lang][5:]:
        out = chat.send(message)
    assert SAVED[lang] in out
    assert deal(runtime).title is None


SHOWN = {"en": {"amount": "€420,000.00", "units": "1,500", "probability": "40", "decision_date": "4 Mar 2027"},
         "nl": {"amount": "€\xa0420.000,00", "units": "1.500", "probability": "40", "decision_date": "4 mrt 2027"}}


def test_current_values_read_as_the_user_writes_them(chat: Chat, runtime: Runtime, lang: str) -> None:
    """The amount as money and the date as a date in the user's language, not 420000.00 and 2027-03-04; typed
    back as shown, each is read as the same value."""
    first_debrief(chat, lang)
    to_amount(chat, lang)
    for name, shown in SHOWN[lang].items():
        field = chat.form().pending_field()
        assert field.name == name and field.shown == shown
        console = Console(file=io.StringIO(), width=100)
        console.print(render_block(chat.form()))
        assert f"→ {shown}" in console.file.getvalue()
        chat.send(shown)
    for message in ("1", "Send the quote", "skip"):
        out = chat.send(message)
    assert SAVED[lang] in out
    saved = deal(runtime)
    assert (saved.amount, saved.units, saved.probability, saved.decision_date) == (
        Decimal("420000.00"), Decimal("1500.00"), 40, date(2027, 3, 4))



TYPED = {"en": ["Done (done 1)", "Tomorrow (snooze 1 tomorrow)", "Next week (snooze 1 1w)"],
         "nl": ["Klaar (klaar 1)", "Morgen (uitstellen 1 morgen)", "Volgende week (uitstellen 1 1w)"]}


def test_buttons_in_the_terminal_show_the_command_in_the_users_language(chat: Chat, lang: str) -> None:
    for message in FIRST[lang][:-1]:
        chat.send(message)
    chat.send("next tuesday" if lang == "en" else "volgende week dinsdag")
    chat.send("followups" if lang == "en" else "opvolging")
    console = Console(file=io.StringIO(), width=200)
    for renderable in render(chat.last):
        console.print(renderable)
    shown = console.file.getvalue()
    assert all(button in shown for button in TYPED[lang]), shown
    typed = TYPED[lang][1].split("(")[1].rstrip(")")  # what the button says to type does what the button does
    assert ("Snoozed #1" if lang == "en" else "#1 uitgesteld") in chat.send(typed)


@pytest.mark.parametrize("lang_", ["en", "nl"])
def test_every_command_has_a_typed_word_that_names_it(lang_: str) -> None:
    t = translator(lang_)
    for name in registry.commands():
        word = registry.typed(name, t)
        assert registry.command_for(word).name == name, (name, word)
    assert set(registry.TYPED_WORDS) == set(registry.commands())


def test_dutch_says_nabespreking_and_quotes_dutch_command_words() -> None:
    """Dutch text never says “debrief”, and a command it tells the user to type is written with its Dutch word."""
    with (Path(__file__).parents[2] / "coach/locale/nl/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="nl")
    nl = translator("nl")
    english = {name for name in registry.commands() if nl.pgettext("command", name) != name}
    wrong = []
    for message in catalog:
        for string in message.string if isinstance(message.string, tuple) else (message.string,):
            quoted_commands = {q.split()[0] for q in re.findall(r"“([^”]+)”", string or "")} & english
            if "debrief" in (string or "").casefold() or quoted_commands:
                wrong.append(string)
    assert not wrong
