"""`salescoach import deals` and `salescoach forecast` (the deals CSV and JSON shapes are in the README).

`bot.cli` calls `register(app, import_app)`; its helpers are imported inside the commands so that
the two modules do not import each other at load time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from coach.deal_csv import RowError, parse_deals_csv
from coach.deal_dates import DateOrder
from coach.deal_maps import MapFileError, read_owner_map, read_stage_map
from coach.errors import InputError
from coach.i18n import translator
from coach.pipeline import Forecast, forecast, forecasts_by_currency

T = TypeVar("T")


def _read(file: Path) -> bytes:
    from bot.cli import BadInput

    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise BadInput(escape(f"no such file: {file}")) from None
    except OSError as exc:
        raise BadInput(escape(f"cannot read {file}: {exc.strerror or exc}")) from None


def _read_map(file: Path | None, read: Callable[[bytes], T]) -> T | None:
    """A stage or owner map; every problem in it is listed and nothing is imported."""
    if file is None:
        return None
    try:
        return read(_read(file))
    except MapFileError as exc:
        _refuse(file, exc.errors, "nothing was imported")


def _refuse(file: Path, errors: list[RowError], what: str) -> NoReturn:
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
    stage_map: Annotated[Path | None, typer.Option(
        "--stage-map", help="CSV with the columns crm stage, stage, probability: your CRM's stages mapped onto "
                            "ours, with their chance.")] = None,
    date_order: Annotated[DateOrder | None, typer.Option(
        "--date-order", help="How to read dates like 05/06/2026: dmy (day first) or mdy (month first); by default "
                             "each date column's own values tell.")] = None,
    owner_map: Annotated[Path | None, typer.Option(
        "--owner-map", help="CSV with the columns owner, user: an owner as the export names them (name or "
                            "e-mail) and the known user they are (slack:U0123, console:alice or an e-mail).")] = None,
    unknown_owners_to_owner: Annotated[bool, typer.Option(
        "--unknown-owners-to-owner", help="Give rows whose owner is not a known user to --owner.")] = False,
) -> None:
    """Import deals from a CSV export; all-or-nothing unless --skip-invalid."""
    from bot.cli import BadInput, cli_errors, open_runtime

    with cli_errors():
        stages, owners = _read_map(stage_map, read_stage_map), _read_map(owner_map, read_owner_map)
        parsed = parse_deals_csv(_read(file), stages, date_order)
        if parsed.header_errors:
            _refuse(file, parsed.header_errors, "nothing was imported")
        rt = open_runtime()
        with rt.unit_of_work() as uow:
            try:
                report = uow.deals.import_rows(parsed.rows, owner, skip_invalid, parsed.errors,
                                               rt.settings.coach_timezone, owner_map=owners,
                                               unknown_to_default=unknown_owners_to_owner)
            except InputError as exc:
                raise BadInput(escape(str(exc))) from None
            if not report.written:
                _refuse(file, report.errors, "nothing was imported")
            uow.commit()
        typer.echo(f"{file.name}: {report.created} created, {report.updated} updated, "
                   f"{report.unchanged} unchanged, {report.skipped} skipped")
        if report.reassigned:
            typer.echo(f"{report.reassigned} row{'s' if report.reassigned != 1 else ''} whose owner is not a known "
                       f"user went to {owner}")
        if report.errors:
            typer.echo("skipped:", err=True)
            for e in report.errors:
                typer.echo(f"  {e}", err=True)


def _print_table(console: Console, result: Forecast, label: str) -> None:
    t = translator("en")
    table = Table(title=f"Forecast {result.currency} ({label})", title_justify="left")
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
        console.print(f"Not in the forecast: {result.undated} open deal(s) without a decision date "
                      f"(weighted {t.money(result.undated_weighted_amount, result.currency)}); "
                      "give them a decision month.")


def forecast_command(
    owner: Annotated[str | None, typer.Option("--owner", help="Only this rep's deals (identity or e-mail).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only deals of this team's members.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per currency, one per line.")] = False,
) -> None:
    """Weighted forecast of open deals per decision month: amount × chance."""
    from bot.cli import BadInput, cli_errors, open_runtime

    with cli_errors():
        rt = open_runtime()
        with rt.unit_of_work() as uow:
            try:
                deals, currency, label = uow.deals.open_deals(owner, team)
            except InputError as exc:
                raise BadInput(escape(str(exc))) from None
            results = forecasts_by_currency(deals) or [forecast([], currency)]
        if as_json:
            for result in results:
                typer.echo(json.dumps(result.to_json()))
            return
        console = Console(highlight=False)
        for result in results:
            _print_table(console, result, escape(label))
        if not any(r.months or r.undated for r in results):
            console.print("No open deals to forecast.")


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    """Add `import deals` and `forecast` to the `salescoach` app."""
    import_app.command("deals")(import_deals_command)
    app.command("forecast")(forecast_command)
