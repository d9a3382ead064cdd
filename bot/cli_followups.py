"""`salescoach followups export --user U`: a rep's open follow-ups as an .ics calendar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    followups_app = typer.Typer(help="Follow-ups.", no_args_is_help=True)
    app.add_typer(followups_app, name="followups")

    @followups_app.command("export")
    def export(
        user: Annotated[str, typer.Option(
            "--user", help="The rep: slack:U0123, teams:<aad-object-id> or console:alice.")],
        out: Annotated[Path | None, typer.Option(
            "--out", help="Write the .ics here (default: standard output).")] = None,
    ) -> None:
        """Write the user's open follow-ups as an iCalendar (.ics) file."""
        from bot.calendar_export import followups_calendar
        from bot.cli import BadInput, cli_errors, open_runtime
        from coach.identity import Identity

        with cli_errors():
            try:
                Identity.parse(user)
            except ValueError as exc:
                raise BadInput(str(exc)) from None
            rt = open_runtime()
            with rt.unit_of_work() as uow:
                store = uow.store
                info = store.user(user)
                if info is None:
                    raise BadInput(f"no user {user!r} is known to the coach; check the id (see `team add-member`)")
                data = followups_calendar(store.open_followups(info), user, rt.clock(), info.language)
            if out is None:
                sys.stdout.buffer.write(data)
            else:
                out.write_bytes(data)
                typer.echo(f"{data.count(b'BEGIN:VEVENT')} follow-ups written to {out}")
