"""The `salescoach` command line (the README's "Command line"). Exit codes: 0 ok, 2 bad input, 1 other failure."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from bot.runtime import Runtime, SettingsError
from coach.errors import InputError

app = typer.Typer(help="salescoach: a sales coach for Slack, Teams and the terminal.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database administration.", no_args_is_help=True)
team_app = typer.Typer(help="Teams and their members.", no_args_is_help=True)
import_app = typer.Typer(help="Import data from CRM exports.", no_args_is_help=True)
coach_app = typer.Typer(help="One-shot coaching checks.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(team_app, name="team")
app.add_typer(import_app, name="import")
app.add_typer(coach_app, name="coach")

err = Console(stderr=True)


class BadInput(Exception):
    """Input the user can fix; printed without a traceback and exits 2."""


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn expected failures into a clear message and the contract's exit codes."""
    try:
        yield
    except (BadInput, InputError, SettingsError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    except typer.Exit:
        raise
    except Exception as exc:  # the last line of defence: no traceback for users
        err.print(f"[bold red]failed:[/] {type(exc).__name__}: {exc}", highlight=False)
        raise typer.Exit(1) from None


def open_runtime() -> Runtime:
    return Runtime.open()


@app.command()
def chat(
    user: str = typer.Option(None, "--user", help="Who you are (default: your login name)."),
    name: str = typer.Option(None, "--name", help="Your display name."),
    lang: str = typer.Option(None, "--lang", help="en or nl"),
) -> None:
    """Talk to the coach in the terminal (interactive, or one message per line on stdin)."""
    from bot.console import run_chat, stdin_lines
    from coach.engine import Who
    from coach.i18n import normalize_language

    with cli_errors():
        if lang is not None and normalize_language(lang) is None:
            raise BadInput(f"unsupported language {lang!r}; use en or nl")
        login = user or getpass.getuser()
        identity = login if login.startswith("console:") else f"console:{login}"
        rt = open_runtime()
        language = normalize_language(lang)
        if language:
            with rt.unit_of_work() as uow:
                uow.teams.set_language(identity, language)
                uow.commit()
        who = Who(identity=identity, conversation_key=f"console:{identity}", display_name=name or login,
                  language=language)
        console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
        run_chat(rt.coach(), who, console, stdin_lines())


@app.command()
def serve(
    host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on."),
    port: int = typer.Option(None, "--port", help="Port (default $PORT or 3978)."),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Do not run the reminder scheduler here."),
) -> None:
    """Run the web service for Slack and Teams."""
    from bot.server import serve as run_server

    with cli_errors():
        rt = open_runtime()
        run_server(rt, host, port or rt.settings.port, scheduler=not no_scheduler)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database schema to the newest version."""
    with cli_errors():
        rt = Runtime.open(migrate=False)
        rt.upgrade()
        typer.echo("database is up to date")


@team_app.command("create")
def team_create(
    name: str,
    timezone: str = typer.Option("Europe/Amsterdam", "--timezone", help="IANA time zone of the team."),
    working_hours: str = typer.Option("mon-fri 08:00-18:00", "--working-hours",
                                      help="When reminders may arrive, e.g. 'mon-fri 08:00-18:00' or 'always'."),
    country: str = typer.Option(None, "--country",
                                help="Two-letter country code whose public holidays get no reminders, e.g. NL."),
) -> None:
    """Create a team."""
    with cli_errors():
        rt = open_runtime()
        with rt.unit_of_work() as uow:
            team = uow.teams.create(name, timezone, working_hours, country)
            uow.commit()
            holidays = f", no reminders on {team.country} public holidays" if team.country else ""
            typer.echo(f"team {team.name!r} created ({team.timezone}, {team.working_hours}{holidays})")


@team_app.command("update")
def team_update(
    name: str,
    channel: str = typer.Option(None, "--channel", help="Weekly overview of overdue follow-ups here: slack:C0123 or "
                                                         "teams:19:…@thread.tacv2; '' removes it."),
    prep_days: int = typer.Option(None, "--prep-days", help="Offer a planned visit's preparation this many working "
                                                            "days before it (default 1)."),
    country: str = typer.Option(None, "--country", help="Two-letter country code for public holidays; '' removes it."),
    working_hours: str = typer.Option(None, "--working-hours", help="e.g. 'mon-fri 08:00-18:00' or 'always'."),
    timezone: str = typer.Option(None, "--timezone", help="IANA time zone of the team."),
    digest: str = typer.Option(None, "--digest", help="When the managers' weekly digest goes out, in the team's "
                                                      "time zone: e.g. 'mon 08:00' (the default), or 'off'."),
    norm: list[str] = typer.Option(None, "--norm", help="Visits a year per account class, e.g. --norm A=6 "  # noqa: B008
                                                        "--norm B=3; C=0: no visits (inside sales and e-mail)."),
) -> None:
    """Change a team's settings."""
    from coach.account_memory import norms, parse_norm

    with cli_errors():
        try:
            new_norms = dict(parse_norm(n) for n in norm or [])
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        rt = open_runtime()
        with rt.unit_of_work() as uow:
            team = uow.teams.update(name, channel=channel, prep_days=prep_days, country=country,
                                    working_hours=working_hours, timezone=timezone, digest_at=digest,
                                    norms=new_norms)
            uow.commit()
            visits = ", ".join(f"{c} {n}" for c, n in sorted(norms(team.contact_norms).items()))
            typer.echo(f"team {team.name!r}: {team.timezone}, {team.working_hours}, holidays "
                       f"{team.country or 'none'}, preparation {team.prep_days} working day(s) before a visit, "
                       f"channel {team.channel or 'none'}, weekly digest {team.digest_at}, "
                       f"visits a year per class {visits or 'none'}")
            if channel and team.channel.startswith("slack:"):
                typer.echo(f"invite the coach to Slack channel {team.channel[6:]} (/invite @coach in the channel), "
                           "or it cannot post the weekly overview there")


@team_app.command("add-member")
def team_add_member(
    name: str,
    user: str = typer.Argument(..., help="slack:U0123, teams:<aad-object-id> or console:alice"),
    role: str = typer.Option("rep", "--role", help="rep or manager"),
) -> None:
    """Add a user to a team as rep or manager."""
    with cli_errors():
        rt = open_runtime()
        with rt.unit_of_work() as uow:
            member = uow.teams.add_member(name, user, role)
            uow.commit()
            typer.echo(f"{member.identity} is now {member.role} in team {name!r}")


from bot import (  # noqa: E402
    cli_accounts,
    cli_coach,
    cli_crm,
    cli_deals,
    cli_digest,
    cli_followups,
    cli_msteams,
    cli_reminders,
    cli_users,
)

cli_coach.register(coach_app)
cli_accounts.register(app)
cli_digest.register(app)
cli_deals.register(app, import_app)
cli_reminders.register(app)
cli_followups.register(app)
cli_users.register(app)
cli_crm.register(app)
cli_msteams.register(app)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
