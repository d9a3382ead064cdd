"""`salescoach user export|delete USER`: the data rights of a user, for an administrator; `user link`: the e-mail
that matches a user to their CRM owner."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    user_app = typer.Typer(help="A user's data: export it, delete it.", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @user_app.command("export")
    def export(
        user: Annotated[str, typer.Argument(help="slack:U0123, teams:<aad-object-id> or console:alice")],
        out: Annotated[Path | None, typer.Option("--out", help="Write the JSON here (default: stdout).")] = None,
    ) -> None:
        """Everything stored about USER, as JSON."""
        from bot.cli import cli_errors, open_runtime

        with cli_errors():
            rt = open_runtime()
            with rt.unit_of_work() as uow:
                data = json.dumps(uow.users.export(user), indent=2, ensure_ascii=False, default=str)
            if out is None:
                sys.stdout.write(data + "\n")
            else:
                out.write_text(data + "\n", encoding="utf-8")
                typer.echo(f"everything stored about {user} written to {out}")

    @user_app.command("delete")
    def delete(
        user: Annotated[str, typer.Argument(help="slack:U0123, teams:<aad-object-id> or console:alice")],
        reassign_to: Annotated[str | None, typer.Option(
            "--reassign-to", help="A colleague in the same team who takes over the team's deals and follow-ups; "
                                  "without it they stay with the team under an anonymous 'Former rep'.")] = None,
        yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    ) -> None:
        """Delete USER and everything personal about them; team work is reassigned or anonymised."""
        from bot.cli import BadInput, cli_errors, open_runtime

        with cli_errors():
            if not yes:
                if not sys.stdin.isatty():
                    raise BadInput("deleting a user cannot be undone: add --yes to confirm")
                typer.confirm(f"Delete {user} and everything personal about them? This cannot be undone",
                              abort=True)
            rt = open_runtime()
            with rt.unit_of_work() as uow:
                counts = uow.users.delete(user, reassign_to)
                uow.commit()
            moved = "to " + reassign_to if reassign_to else "to an anonymous 'Former rep' in the team"
            typer.echo(f"{user} deleted: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items() if v)
                       + (f"; team work moved {moved}" if any(k.endswith("_moved") and v for k, v in counts.items())
                          else ""))

    @user_app.command("link")
    def link(
        user: Annotated[str, typer.Argument(help="slack:U0123, teams:<aad-object-id> or console:alice")],
        email: Annotated[str, typer.Option("--email", help="Their e-mail in the CRM, which matches them to their "
                                                           "CRM owner (case does not matter).")],
    ) -> None:
        """Tie USER to their e-mail, which matches them to their CRM owner at the next sync."""
        from bot.cli import cli_errors, open_runtime

        with cli_errors():
            rt = open_runtime()
            with rt.unit_of_work() as uow:
                linked = uow.users.link_email(user, email)
                uow.commit()
            then = (f"the next `salescoach crm sync` matches them to their {rt.settings.crm} owner"
                    if rt.settings.crm else "a CRM owner with it is matched to them once a CRM is configured")
            typer.echo(f"{linked.identity} has e-mail {linked.email}; {then}")
