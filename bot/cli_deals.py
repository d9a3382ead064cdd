"""`salescoach import deals` and `salescoach forecast` (the deals CSV and JSON shapes are in the README).

`bot.cli` calls `register(app, import_app)`; its helpers are imported inside the commands so that
the two modules do not import each other at load time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from coach.deal_csv import RowError, parse_deals_csv
from coach.errors import InputError
from coach.i18n import translator
from coach.pipeline import OPEN_DEALS, QUOTES, Forecast, forecast, forecasts_by_currency

BASIS_LABELS = {OPEN_DEALS: "all open deals", QUOTES: "outstanding quotes"}


def _refuse(file: Path, errors: list[RowError], what: str) -> None:
    """Print every error with its line on stderr and exit 2."""
    typer.echo(f"error: {file}: {len(errors)} error{'s' if len(errors) != 1 else ''}, {what}", err=True)
    for e in errors:
        typer.echo(f"  {e}", err=True)
    raise typer.Exit(2)


def import_deals_command(
    file: Annotated[Path, typer.Argument(help="CSV export: , ; or tab separated, UTF-8 or Windows-1252.")],
    owner: Annotated[str | None, typer.Option(
        "--owner", help="Owner of rows without one: console:alice, slack:U0123 or an e-mail.")] = None,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Import the valid rows and report the invalid ones as skipped.")] = False,
) -> None:
    """Import deals from a CSV export; all-or-nothing unless --skip-invalid."""
    from bot.cli import BadInput, cli_errors, open_runtime

    with cli_errors():
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            raise BadInput(escape(f"no such file: {file}")) from None
        except OSError as exc:
            raise BadInput(escape(f"cannot read {file}: {exc.strerror or exc}")) from None
        parsed = parse_deals_csv(data)
        if parsed.header_errors:
            _refuse(file, parsed.header_errors, "nothing was imported")
        rt = open_runtime()
        with rt.unit_of_work() as uow:
            try:
                report = uow.deals.import_rows(parsed.rows, owner, skip_invalid, parsed.errors,
                                               rt.settings.coach_timezone)
            except InputError as exc:
                raise BadInput(escape(str(exc))) from None
            if not report.written:
                _refuse(file, report.errors, "nothing was imported")
            uow.commit()
        typer.echo(f"{file.name}: {report.created} created, {report.updated} updated, "
                   f"{report.unchanged} unchanged, {report.skipped} skipped")
        if report.errors:
            typer.echo("skipped:", err=True)
            for e in report.errors:
                typer.echo(f"  {e}", err=True)


def _print_table(console: Console, result: Forecast, label: str) -> None:
    t = translator("en")
    table = Table(title=f"Forecast {result.currency} of {BASIS_LABELS[result.basis]} ({label})",
                  title_justify="left")
    table.add_column("Month")
    table.add_column("Weighted amount", justify="right")
    table.add_column("Weighted units", justify="right")
    table.add_column("Deals", justify="right")
    for m in result.months:
        table.add_row(m.month, t.money(m.weighted_amount, result.currency), t.number(m.weighted_units),
                      str(m.deals))
    table.add_section()
    table.add_row("Total", t.money(result.total_weighted_amount, result.currency),
                  t.number(result.total_weighted_units), str(result.deals), style="bold")
    console.print(table)
    if result.undated:
        what = "quote(s)" if result.basis == QUOTES else "open deal(s)"
        console.print(f"Not in the forecast: {result.undated} {what} without a decision date "
                      f"(weighted {t.money(result.undated_weighted_amount, result.currency)}); "
                      "give them a decision month.")


def forecast_command(
    owner: Annotated[str | None, typer.Option("--owner", help="Only this rep's deals (identity or e-mail).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only deals of this team's members.")] = None,
    quotes_only: Annotated[bool, typer.Option(
        "--quotes-only", help="Only outstanding quotes (stage quote): the textbook forecast.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per currency, one per line.")] = False,
) -> None:
    """Weighted forecast per decision month (amount × chance) of all open deals, or of the outstanding quotes."""
    from bot.cli import BadInput, cli_errors, open_runtime

    with cli_errors():
        rt = open_runtime()
        with rt.unit_of_work() as uow:
            try:
                deals, currency, label = uow.deals.open_deals(owner, team)
            except InputError as exc:
                raise BadInput(escape(str(exc))) from None
            basis = QUOTES if quotes_only else OPEN_DEALS
            results = forecasts_by_currency(deals, basis) or [forecast([], currency, basis)]
        if as_json:
            for result in results:
                typer.echo(json.dumps(result.to_json()))
            return
        console = Console(highlight=False)
        for result in results:
            _print_table(console, result, escape(label))
        if not any(r.months or r.undated for r in results):
            console.print("No outstanding quotes to forecast." if quotes_only else "No open deals to forecast.")


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    """Add `import deals` and `forecast` to the `salescoach` app."""
    import_app.command("deals")(import_deals_command)
    app.command("forecast")(forecast_command)
