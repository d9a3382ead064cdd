"""`salescoach followups list|export --user U`: a rep's open follow-ups and accounts overdue a visit, or their
follow-ups as an .ics calendar."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

USER_HELP = "The rep: slack:U0123, teams:<aad-object-id> or console:alice."


def _rep(store, user: str):
    """The user named on the command line, known to the coach."""
    from bot.cli import BadInput
    from coach.identity import Identity

    try:
        Identity.parse(user)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    info = store.user(user)
    if info is None:
        raise BadInput(f"no user {user!r} is known to the coach; check the id (see `team add-member`)")
    return info


def register(app: typer.Typer) -> None:
    followups_app = typer.Typer(help="Follow-ups.", no_args_is_help=True)
    app.add_typer(followups_app, name="followups")

    @followups_app.command("list")
    def list_(
        user: Annotated[str, typer.Option("--user", help=USER_HELP)],
        as_json: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
        lang: Annotated[str | None, typer.Option("--lang", help="en or nl (default: the rep's own).")] = None,
    ) -> None:
        """The rep's open follow-ups and their accounts overdue a visit by the contact norm, as `followups` in
        chat shows them."""
        from rich.console import Console

        from bot.cli import BadInput, cli_errors, open_runtime
        from bot.console import render
        from coach.dialog import Ctx
        from coach.followups import listing, listing_json
        from coach.i18n import normalize_language, translator
        from coach.replies import Choices, Heading, Reply

        with cli_errors():
            language = normalize_language(lang) if lang is not None else None
            if lang is not None and language is None:
                raise BadInput(f"--lang: unsupported language {lang!r}; use en or nl")
            rt = open_runtime()
            with rt.unit_of_work() as uow:
                info = _rep(uow.store, user)
                ctx = Ctx(uow.store, info, translator(language or info.language), rt.clock())
                if as_json:
                    typer.echo(json.dumps(listing_json(ctx), ensure_ascii=False, indent=2))
                    return
                blocks = [b for b in listing(ctx) if not isinstance(b, Choices)]  # no buttons to click here
            console = Console(highlight=False)
            for n, (block, renderable) in enumerate(zip(blocks, render(Reply(blocks=blocks, language=ctx.t.lang)),
                                                        strict=True)):
                if n and isinstance(block, Heading):  # a blank line between the sections
                    console.print()
                console.print(renderable)

    @followups_app.command("export")
    def export(
        user: Annotated[str, typer.Option("--user", help=USER_HELP)],
        out: Annotated[Path | None, typer.Option(
            "--out", help="Write the .ics here (default: standard output).")] = None,
    ) -> None:
        """Write the user's open follow-ups as an iCalendar (.ics) file."""
        from bot.calendar_export import followups_calendar
        from bot.cli import cli_errors, open_runtime

        with cli_errors():
            rt = open_runtime()
            with rt.unit_of_work() as uow:
                info = _rep(uow.store, user)
                data = followups_calendar(uow.store.open_followups(info), user, rt.clock(), info.language)
            if out is None:
                sys.stdout.buffer.write(data)
            else:
                out.write_bytes(data)
                typer.echo(f"{data.count(b'BEGIN:VEVENT')} follow-ups written to {out}")
