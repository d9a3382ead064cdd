"""`salescoach account show|set ACCOUNT`: what the coach knows about an account; its status and class."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

OWNER_HELP = "Whose account (their team's): slack:U0123, teams:<id>, console:alice, an e-mail or a name; " \
             "also shows only that rep's deals, follow-ups and visits."


def _text(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console(highlight=False)
    cls = f", class {report['abc_class']}" if report["abc_class"] else ", no class"
    out.print(f"[bold]{report['name']}[/] — {report['status']}{cls}")
    facts = {k: v for k, v in report["facts"].items() if v not in (None, [])}
    out.print("facts: " + ("none learned yet" if not facts else ""))
    for key, value in facts.items():
        shown = ", ".join(value) if isinstance(value, list) else ("yes" if value is True else "no"
                                                                  if value is False else str(value))
        out.print(f"  {key.replace('_', ' ')}: {shown}", markup=False)
    for title, rows, columns in (
            ("deals", report["deals"], ("id", "title", "stage", "amount", "probability", "decision_date")),
            ("open follow-ups", report["open_follow_ups"], ("id", "action", "due"))):
        if not rows:
            out.print(f"{title}: none")
            continue
        table = Table(title=title, title_justify="left")
        for column in columns:
            table.add_column(column.replace("_", " "))
        for row in rows:
            table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
        out.print(table)
    if not report["visits"]:
        out.print("visits: none")
    for v in report["visits"]:
        goal = {None: "not ticked off", "reached": "reached", "partly": "partly reached", "not": "not reached"}
        out.print(f"visit {v['date']} ({v['visit_type']}): goal {v['goal'] or '—'} — {goal[v['goal_result']]}",
                  markup=False)
        if v["objectives"]:
            ticks = {True: "yes", False: "no", None: "?"}
            out.print("  objectives: " + ", ".join(f"{k} {ticks[t]}" for k, t in v["objectives"].items()),
                      markup=False)
        if v["learned"]:
            out.print(f"  learned: {v['learned']}", markup=False)


def register(app: typer.Typer) -> None:
    account_app = typer.Typer(help="Accounts: what the coach knows, status and class.", no_args_is_help=True)
    app.add_typer(account_app, name="account")

    @account_app.command("show")
    def show(
        account: Annotated[str, typer.Argument(help="The account's name (case and spaces do not matter).")],
        owner: Annotated[str | None, typer.Option("--owner", help=OWNER_HELP)] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON.")] = False,
    ) -> None:
        """Status, A/B/C class, facts learned in debriefs, deals, open follow-ups and past visits."""
        from bot.cli import cli_errors, open_runtime

        with cli_errors():
            rt = open_runtime()
            with rt.unit_of_work() as uow:
                report = uow.accounts.report(account, owner)
            if as_json:
                sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            else:
                _text(report)

    @account_app.command("set")
    def set_(
        account: Annotated[str, typer.Argument(help="The account's name.")],
        owner: Annotated[str | None, typer.Option("--owner", help=OWNER_HELP)] = None,
        status: Annotated[str | None, typer.Option(
            "--status", help="suspect, prospect, customer, ex-customer or dead (never to be approached again).")]
        = None,
        abc_class: Annotated[str | None, typer.Option("--class", help="A, B or C; '' removes it.")] = None,
    ) -> None:
        """Set an account's relationship status or A/B/C class (debriefs set them too)."""
        from bot.cli import BadInput, cli_errors, open_runtime

        with cli_errors():
            if status is None and abc_class is None:
                raise BadInput("give --status and/or --class")
            rt = open_runtime()
            with rt.unit_of_work() as uow:
                found = uow.accounts.set(account, owner, status, abc_class)
                uow.commit()
                typer.echo(f"{found.name}: {found.status}, class {found.abc_class or 'none'}")
