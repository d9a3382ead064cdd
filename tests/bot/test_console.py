"""The terminal: forms read like in Slack, and the prompt speaks the user's language."""

from __future__ import annotations

import io
from types import SimpleNamespace

from rich.console import Console

from bot.console import render_block, run_chat
from coach.engine import Who
from coach.replies import FieldKind, Form, FormField, Option, Reply, text


def test_a_typed_multi_select_answer_shows_as_option_labels() -> None:
    options = [Option(label="Decision maker — who signs", value="dmu"), Option(label="Budget", value="budget")]
    form = Form(scope="prep", title="Checklist", submit_label="Save", pending="items", fields=[
        FormField(name="items", label="What do you know?", kind=FieldKind.MULTI_SELECT, options=options,
                  initial="dmu, 2")])
    console = Console(file=io.StringIO(), width=100)
    console.print(render_block(form))
    assert "→ Decision maker, Budget" in console.file.getvalue()


def test_the_prompt_follows_the_language_the_coach_answers_in() -> None:
    prompts: list[str] = []
    typed = iter(["taal nl"])

    def typing(prompt: str = "") -> str:
        prompts.append(prompt)
        line = next(typed, None)
        if line is None:
            raise EOFError
        return line

    console = Console(file=io.StringIO(), width=100)
    console.input = typing  # type: ignore[method-assign]
    coach = SimpleNamespace(handle=lambda who, inbound: Reply(blocks=[text("Ik spreek vanaf nu Nederlands.")],
                                                               language="nl"))
    run_chat(coach, Who(identity="console:sanne", conversation_key="console:sanne", language="en"), console)
    assert prompts == ["[bold green]you ›[/] ", "[bold green]jij ›[/] "]
    assert "Ik spreek vanaf nu Nederlands." in console.file.getvalue()


def test_a_message_typed_while_the_database_is_away_is_refused_clearly_and_the_chat_goes_on(outage) -> None:
    """Not "failed: StoreUnavailable" and the end of the chat: the rep is told, types it again, and it works."""
    coach = outage.runtime.coach()
    who = Who(identity="console:sanne", conversation_key="console:sanne", language="nl")
    typed = iter(["help", "help"])

    def typing(prompt: str = "") -> str:
        line = next(typed, None)
        if line is None:
            raise EOFError
        if line == "help" and not hasattr(typing, "cut"):
            typing.cut = True
            outage.cut()
        else:
            outage.restore()
        return line

    console = Console(file=io.StringIO(), width=200)
    console.input = typing  # type: ignore[method-assign]
    run_chat(coach, who, console)
    shown = console.file.getvalue()
    assert "database is nu niet bereikbaar" in shown
    assert "Traceback" not in shown and "StoreUnavailable" not in shown
    assert "spin" in shown.split("database is nu niet bereikbaar")[1]  # the second help was answered
