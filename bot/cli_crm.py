"""`salescoach crm sync|status`: pull from the configured CRM now, and how its syncs went."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape

NO_CRM = ("No CRM is configured: the coach's own database is the CRM. To sync one, set CRM (hubspot or salesforce) "
          "and its credentials: HUBSPOT_ACCESS_TOKEN, or the SALESFORCE_* settings.")
NEXT_STEP = {"CrmAuthError": "nothing was changed here", "default": "what was synced before it is kept; "
                                                                     "`salescoach crm status` shows how far it got"}


def _kind_json(run) -> dict[str, Any]:
    def moment(at: datetime | None) -> str | None:
        return at.isoformat() if at else None

    return {"cursor": moment(run.cursor), "last_started": moment(run.started_at),
            "last_finished": moment(run.finished_at), "last_success": moment(run.succeeded_at),
            "counts": run.counts, "skipped": [s.as_json() for s in run.skipped],
            "unknown_stages": run.unknown_stages, "error": run.error}


def _counts(run) -> str:
    if not run.counts:
        return "never run"
    shown = ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in run.counts.items()
                      if n or outcome in ("created", "updated", "unchanged", "closed", "skipped"))
    return shown + (f" (unknown stages: {', '.join(run.unknown_stages)})" if run.unknown_stages else "")


def _skipped(runs) -> list[str]:
    lines = []
    for kind, run in runs.items():
        for s in run.skipped:
            name = f" {s.name!r}" if s.name else ""
            lines.append(f"  {kind} {s.id}{name}: {s.reason}")
        if run.counts.get("skipped", 0) > len(run.skipped):
            lines.append(f"  … and {run.counts['skipped'] - len(run.skipped)} more {kind}")
    return lines


def _push_json(pushes) -> dict[str, Any]:
    return {"waiting": pushes.waiting, "done": pushes.done, "rejected": pushes.rejected,
            "last_error": pushes.last_error,
            "oldest_waiting": pushes.oldest_waiting.isoformat() if pushes.oldest_waiting else None,
            "rejections": [{"id": r.id, "operation": r.operation, "at": r.at.isoformat() if r.at else None,
                            "reason": r.reason} for r in pushes.rejections]}


def _push_lines(pushes, shown) -> list[str]:
    """The write-back: what waits (and why, when it failed), what was done, and each write the CRM rejected."""
    lines = [f"written back: {pushes.done} done, {pushes.waiting} waiting"
             + (f" (oldest since {shown(pushes.oldest_waiting)})" if pushes.oldest_waiting else "")
             + f", {pushes.rejected} rejected"]
    if pushes.waiting and pushes.last_error:
        lines.append(f"  waiting because: {pushes.last_error}")
    lines += [f"  rejected {r.operation.replace('_', ' ')} ({shown(r.at)}): {r.reason}" for r in pushes.rejections]
    return lines


def register(app: typer.Typer) -> None:
    crm_app = typer.Typer(help="The CRM: sync it now, or see how its syncs went.", no_args_is_help=True)
    app.add_typer(crm_app, name="crm")

    @crm_app.command("sync")
    def sync(
        full: Annotated[bool, typer.Option("--full", help="Pull every record, not only those changed since the "
                                                          "last sync.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    ) -> None:
        """Pull owners, companies, deals and tasks from the configured CRM now."""
        from bot.cli import BadInput, cli_errors, err, open_runtime
        from bot.crm_job import crm_push, crm_sync, push_summary
        from crm.connector import CrmError
        from crm.factory import connector_from

        with cli_errors():
            rt = open_runtime()
            connector = connector_from(rt.settings)
            if connector is None:
                raise BadInput(NO_CRM)
            pushed = crm_push(rt, connector).run()
            if pushed.auth_error:
                err.print(f"[bold red]failed:[/] {escape(pushed.auth_error)} (the writes to the CRM wait; nothing "
                          "was changed here)", highlight=False)
                raise typer.Exit(1)
            try:
                report = crm_sync(rt, connector).run(full=full)
            except CrmError as exc:
                then = NEXT_STEP.get(type(exc).__name__, NEXT_STEP["default"])
                err.print(f"[bold red]failed:[/] {escape(str(exc))} ({then})", highlight=False)
                raise typer.Exit(1) from None
            if report is None:
                err.print(f"[bold red]failed:[/] another instance is syncing {connector.name} now; try again when it "
                          "is done (`salescoach crm status`)", highlight=False)
                raise typer.Exit(1)
            if as_json:
                out = {"crm": report.crm, "full": report.full,
                       "pushed": {"done": pushed.done, "retried": pushed.retried, "rejected": pushed.rejected},
                       "kinds": {kind: _kind_json(run) for kind, run in report.runs.items()}}
                sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
                return
            if pushed.done or pushed.retried or pushed.rejected:
                typer.echo(f"written back to {report.crm}: {push_summary(pushed)}")
            typer.echo(f"{report.crm} synced" + (" in full" if report.full else " since the last sync") + ":")
            for kind, run in report.runs.items():
                typer.echo(f"  {kind:<10} {_counts(run)}")
            skipped = _skipped(report.runs)
            if skipped:
                typer.echo("skipped:\n" + "\n".join(skipped))

    @crm_app.command("status")
    def status(as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON.")] = False) -> None:
        """The CRM, its last sync per kind (counts, skipped records, errors), the next run and the API usage."""
        from bot.cli import cli_errors, open_runtime
        from crm.connector import CrmError
        from crm.factory import connector_from

        with cli_errors():
            rt = open_runtime()
            settings = rt.settings
            if settings.crm is None:
                if as_json:
                    sys.stdout.write(json.dumps({"crm": None, "message": NO_CRM}) + "\n")
                else:
                    typer.echo(NO_CRM)
                return
            store = rt.crm_store(settings.crm)
            runs, claim = store.runs(), store.claim_state()
            pushes = rt.crm_outbox(settings.crm).status(rt.clock())
            usage, usage_error = None, None
            try:
                usage = connector_from(settings).usage()
            except CrmError as exc:
                usage_error = str(exc)
            now = rt.clock()
            running = claim is not None and claim.running and claim.lease_until is not None \
                and claim.lease_until >= now
            next_run = None if claim is None else claim.next_run
            if as_json:
                out = {"crm": settings.crm, "every_minutes": settings.crm_sync_minutes, "running": running,
                       "next_run": next_run.isoformat() if next_run else None,
                       "usage": {"used": usage.used, "limit": usage.limit} if usage else None,
                       "usage_error": usage_error, "kinds": {kind: _kind_json(run) for kind, run in runs.items()},
                       "write_back": _push_json(pushes)}
                sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
                return
            zone = ZoneInfo(settings.coach_timezone)

            def shown(at: datetime | None) -> str:
                return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else "never"

            typer.echo(f"CRM: {settings.crm}, synced every {settings.crm_sync_minutes} min by `salescoach serve` "
                       f"(times in {settings.coach_timezone})")
            if running:
                typer.echo(f"running now (started {shown(runs['owners'].started_at)})")
            elif next_run is None:
                typer.echo("never synced here: the first sync runs when `salescoach serve` starts, or now with "
                           "`salescoach crm sync`")
            else:
                typer.echo(f"next run: {'due now' if next_run <= now else shown(next_run)}")
            if usage is not None:
                typer.echo(f"API usage: {usage.used:,} of {usage.limit:,} calls in the CRM's window")
            elif usage_error:
                typer.echo(f"API usage: unavailable ({usage_error})")
            for kind, run in runs.items():
                typer.echo(f"{kind:<10} last run {shown(run.started_at)}, last success {shown(run.succeeded_at)}: "
                           f"{_counts(run)}")
                if run.error:
                    typer.echo(f"{'':<10} error: {run.error}")
            skipped = _skipped(runs)
            if skipped:
                typer.echo("skipped in the last run:\n" + "\n".join(skipped))
            typer.echo("\n".join(_push_lines(pushes, shown)))
