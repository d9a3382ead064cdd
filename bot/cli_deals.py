"""`salescoach import deals` and `salescoach forecast` (the deals CSV and JSON shapes are in the README).

`bot.cli` calls `register(app, import_app)`; its helpers are imported inside the commands so that
the two modules do not import each other at load time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from coach.deal_csv import DealFile
from coach.deal_dates import DateOrder
from coach.deal_maps import MapFileError, read_owner_map, read_stage_map
from coach.deal_rows import RowError
from coach.errors import InputError
from coach.i18n import translator
from coach.pipeline import OPEN_DEALS, QUOTES, Forecast, forecast, forecasts_by_currency

BASIS_LABELS = {OPEN_DEALS: "all open deals", QUOTES: "outstanding quotes"}

T = TypeVar("T")


MAX_MB = 100  # the default size limit of a deals file


@contextmanager
def _readable(file: Path) -> Iterator[None]:
    """A file that cannot be read is bad input, said in one line."""
    from bot.cli import BadInput

    try:
        yield
    except FileNotFoundError:
        raise BadInput(escape(f"no such file: {file}")) from None
    except OSError as exc:
        raise BadInput(escape(f"cannot read {file}: {exc.strerror or exc}")) from None


def _read(file: Path) -> bytes:
    with _readable(file):
        return file.read_bytes()


def _deals_file(file: Path, max_mb: int, stages: dict | None, date_order: DateOrder | None) -> DealFile:
    """The export, checked against the size limit before any row is read, and surveyed."""
    from bot.cli import BadInput

    with _readable(file):
        size = file.stat().st_size
        if size > max_mb * 1_000_000:
            raise BadInput(escape(f"{file} is {size / 1_000_000:.1f} MB, more than the {max_mb} MB an import reads; "
                                  "split the export, or raise the limit with --max-mb"))
        deals = DealFile(lambda: file.open("rb"), stages, date_order)
        stop = deals.survey()
    if stop:
        _refuse(file, stop, "nothing was imported")
    return deals


def _read_map(file: Path | None, read: Callable[[bytes], T]) -> T | None:
    """A stage or owner map; every problem in it is listed and nothing is imported."""
    if file is None:
        return None
    try:
        return read(_read(file))
    except MapFileError as exc:
        _refuse(file, exc.errors, "nothing was imported")


def _list(errors: list[RowError], total: int) -> None:
    for e in errors:
        typer.echo(f"  {e}", err=True)
    if total > len(errors):
        typer.echo(f"  … and {total - len(errors):,} more", err=True)


def _refuse(file: Path, errors: list[RowError], what: str, total: int | None = None) -> NoReturn:
    """Print the errors with their lines on stderr (the first ones of `total`) and exit 2."""
    total = len(errors) if total is None else total
    typer.echo(f"error: {file}: {total:,} error{'s' if total != 1 else ''}, {what}", err=True)
    _list(errors, total)
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
    max_mb: Annotated[int, typer.Option("--max-mb", min=1, help="Refuse files larger than this many MB.")] = MAX_MB,
) -> None:
    """Import deals from a CSV export; all-or-nothing unless --skip-invalid."""
    from bot.cli import BadInput, cli_errors, open_runtime

    with cli_errors():
        stages, owners = _read_map(stage_map, read_stage_map), _read_map(owner_map, read_owner_map)
        deals = _deals_file(file, max_mb, stages, date_order)
        rt = open_runtime()
        with rt.unit_of_work() as uow:
            try:
                report = uow.deals.import_rows(deals.rows(), owner, skip_invalid, rt.settings.coach_timezone,
                                               owner_map=owners, unknown_to_default=unknown_owners_to_owner)
            except InputError as exc:
                raise BadInput(escape(str(exc))) from None
            if not report.written:
                _refuse(file, report.errors, "nothing was imported", report.error_count)
            uow.commit()
        typer.echo(f"{file.name}: {report.created:,} created, {report.updated:,} updated, "
                   f"{report.unchanged:,} unchanged, {report.skipped:,} skipped")
        if report.reassigned:
            typer.echo(f"{report.reassigned:,} row{'s' if report.reassigned != 1 else ''} whose owner is not a known "
                       f"user went to {owner}")
        if report.errors:
            typer.echo("skipped:", err=True)
            _list(report.errors, report.error_count)


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
