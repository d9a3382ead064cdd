"""The registry: every command's words, help line and public flag, and each flow declared in one place."""

from __future__ import annotations

from typing import Any

import pytest

from bot.runtime import Runtime
from coach import registry
from coach.commands import Commands, split
from coach.dialog import Answer, Command, Ctx, Finish, Flow, Goto, Outcome, Stay, Step, choices, scope_of
from coach.flows import FLOWS
from coach.replies import Block, text
from tests.coach.chat_helper import Chat, Clock


class Tally(Flow):
    """A flow as small as one can be: counts up to a number, then asks whether that was right."""

    name = "tally"
    command = Command("tally", "tally telling", usage=("tally <n>",), help="count up to a number")
    pausable = True

    def start(self, ctx: Ctx, data: dict[str, Any], args: str) -> Outcome:
        return self._take(data, args) if args.isdecimal() else Goto("number")

    def prompt_number(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        return [text("Up to which number?")]

    def on_number(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        typed = (answer.text or "").strip()
        return self._take(data, typed) if typed.isdecimal() else Stay([text("A number, please.")])

    def prompt_check(self, ctx: Ctx, data: dict[str, Any]) -> list[Block]:
        return [text(", ".join(str(i) for i in range(1, data["n"] + 1))),
                choices(scope_of(self.name, "check"), ("Right", "right"), ("Again", "again"))]

    def on_check(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Outcome:
        return Finish([text("Counted.")]) if answer.value == "right" else Goto("number")

    def _take(self, data: dict[str, Any], typed: str) -> Outcome:
        data["n"] = min(int(typed), 10)
        return Goto("check")

    steps = {
        "number": Step(prompt_number, on_number, free_text=True),
        "check": Step(prompt_check, on_check),
    }


@pytest.fixture
def tally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FLOWS, Tally.name, Tally())  # the registry line, as coach/flows/__init__.py has it


def test_a_new_flow_is_one_class_and_one_registry_line(tally: None, runtime: Runtime) -> None:
    chat = Chat(runtime.coach(clock=Clock()))
    assert "tally <n> — count up to a number" in chat.send("help")
    assert chat.send("tally") == "Up to which number?"
    assert chat.send("tally 3") == "A number, please.\n\nUp to which number?"  # free text: an answer, not a command
    assert chat.send("3").startswith("1, 2, 3")
    assert chat.send("2") == "Up to which number?"  # "Again", by its number
    assert chat.send("/telling 2").startswith("1, 2\n")  # the Dutch word, with a slash in free text
    assert "SPIN" in chat.send("spin practice")  # another flow puts a pausable one aside
    assert "You have an unfinished tally." in chat.send("done")
    assert chat.click("Continue").startswith("1, 2\n")
    assert chat.send("right") == "Counted."
    assert split("Telling 5") == ("tally", "5") and not registry.is_public("tally")


def test_words_name_one_command_each_and_commands_one_flow_each() -> None:
    words = [w for c in registry.commands().values() for w in c.words.split()]
    assert len(words) == len(set(words))
    own = [f.command.name for f in FLOWS.values() if f.command is not None]
    assert len(own) + len(registry.BUILTIN) == len(registry.commands())


def test_commands_that_are_not_flows_have_a_handler() -> None:
    assert [c.name for c in registry.BUILTIN if not hasattr(Commands, f"cmd_{c.name}")] == []


def test_public_and_pausable_as_before_the_registry() -> None:
    assert {name for name in registry.commands() if registry.is_public(name)} == {"help", "spin", "smart"}
    assert not registry.is_public(None) and not registry.is_public("nonsense")
    assert [name for name, flow in FLOWS.items() if flow.pausable] == ["prep"]

