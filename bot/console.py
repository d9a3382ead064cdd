"""The coach in the terminal: renders the neutral reply model with rich, reads lines from stdin."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from bot.form_fields import initial_shown
from coach import registry
from coach.dialog import Inbound
from coach.engine import Coach, Who
from coach.i18n import Translator, translator
from coach.ports import StoreBusy, StoreUnavailable
from coach.replies import Block, Bullets, Card, Choices, Form, Heading, Image, Reply, Span, Text

DEFAULT = translator(None)
QUIT_WORDS = {"quit", "exit", "bye", "stoppen", "doei"}


def _spans(spans: Iterable[Span]) -> RichText:
    out = RichText()
    for s in spans:  # user text goes in as plain text: it is never read as rich markup
        style = " ".join(x for x, on in (("bold", s.bold), ("italic", s.italic)) if on)
        out.append(s.text, style=style or None)
    return out


def render_block(block: Block, t: Translator = DEFAULT) -> RenderableType:
    """One block for the terminal; `t` is the reply's language (the commands a button says to type)."""
    if isinstance(block, Text):
        return _spans(block.spans)
    if isinstance(block, Heading):
        return RichText(block.text, style="bold underline")
    if isinstance(block, Bullets):
        lines = RichText()
        for i, item in enumerate(block.items):
            lines.append(("\n" if i else "") + "  • ")
            lines.append_text(_spans(item))
        return lines
    if isinstance(block, Choices):
        line = RichText()
        for i, c in enumerate(block.options, 1):
            if i > 1:
                line.append("   ")
            if c.value.startswith("cmd:"):  # a shortcut: show what to type
                line.append(c.label, style="cyan")
                line.append(f" ({registry.typed(c.value[4:], t)})", style="dim")
            else:
                line.append(f"[{i}] ", style="bold cyan")
                line.append(c.label, style="cyan")
        return line
    if isinstance(block, Form):
        return _render_form(block)
    if isinstance(block, Card):
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for f in block.fields:
            table.add_row(RichText(f.label), RichText(f.value))
        body: list[RenderableType] = [table]
        if block.footer:
            body.append(RichText(block.footer, style="dim"))
        return Panel(Group(*body), title=RichText(block.title, style="bold"), title_align="left", expand=False)
    if isinstance(block, Image):
        return RichText(block.plain(), style="dim")
    raise TypeError(f"cannot render {type(block).__name__}")


def _render_form(form: Form) -> RenderableType:
    field = form.pending_field()
    if field is None:
        return RichText(form.plain())
    done = [f.name for f in form.fields].index(field.name)
    line = RichText()
    line.append(f"{form.title} {done + 1}/{len(form.fields)} · ", style="dim")
    line.append(field.label, style="bold")
    if field.hint:
        line.append(f" — {field.hint}", style="dim")
    if field.options:
        for i, opt in enumerate(field.options, 1):
            line.append(f"\n  [{i}] ", style="bold cyan")
            line.append(opt.label)
    shown = initial_shown(field)
    if shown:
        line.append(f"\n  → {', '.join(shown)}", style="dim")
    return line


def render(reply: Reply) -> list[RenderableType]:
    t = translator(reply.language)
    return [render_block(b, t) for b in reply.blocks]


def run_chat(coach: Coach, who: Who, console: Console, lines: Iterable[str] | None = None) -> None:
    """Talk until EOF or `quit`. With `lines`, reads those (piped stdin); else prompts interactively."""
    interactive = lines is None
    console.print(RichText("salescoach · help / hulp · quit", style="dim"))
    language = who.language  # then the language the coach answers in

    def prompt() -> str:
        return translator(language).gettext("you ›")

    source = _prompted(console, prompt) if interactive else lines
    for raw in source:
        message = raw.rstrip("\n")
        if message.strip().casefold() in QUIT_WORDS:
            break
        if not interactive:
            console.print(RichText(f"> {message}", style="bold green"))
        try:
            reply = coach.handle(who, Inbound(text=message))
        except (StoreUnavailable, StoreBusy) as exc:  # the turn was rolled back: nothing of it is half-written
            console.print(RichText(translator(language).gettext(
                "The database cannot be reached right now ({reason}), so that message was not handled. "
                "Nothing was lost; send it again in a moment.").format(reason=exc), style="bold red"))
            console.print()
            continue
        language = reply.language or language
        for renderable in render(reply):
            console.print(renderable)
        console.print()


def _prompted(console: Console, prompt: Callable[[], str]) -> Iterable[str]:
    while True:
        try:
            yield console.input(f"[bold green]{escape(prompt())}[/] ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return


def stdin_lines() -> Iterable[str] | None:
    return None if sys.stdin.isatty() else sys.stdin
