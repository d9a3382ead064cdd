"""`salescoach digest`: the managers' weekly pipeline digest, printed, as JSON, or sent to the team's managers."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer


def _week_numbers(rt, team, week: str | None, now: datetime, listed):
    """The digest asked for and the snapshot it is compared with: this week's is computed up to now, an
    earlier week's is the one that was sent then (the coach keeps no history of deals to compute it again)."""
    from bot.cli import BadInput
    from coach.digest_policy import iso_week, parse_iso_week

    this_week = iso_week(now.astimezone(ZoneInfo(team.timezone)).date())
    if week is None or week.strip().upper() == this_week:
        return rt.jobs.current_digest(team.team_id, now, listed)
    try:
        monday = parse_iso_week(week)
    except ValueError as exc:
        raise BadInput(f"--week: {exc}") from None
    if iso_week(monday) > this_week:
        raise BadInput(f"--week {iso_week(monday)} has not begun yet; this week is {this_week}")
    with rt.unit_of_work() as uow:
        try:
            numbers = uow.digests.stored(team.team_id, monday)
        except ValueError:  # pydantic's ValidationError: written by a version that stored other fields
            raise BadInput(f"the digest stored for {iso_week(monday)} cannot be read by this version") from None
        if numbers is None:
            weeks = ", ".join(iso_week(w) for w in uow.digests.weeks(team.team_id)) or "none yet"
            raise BadInput(f"no digest was sent to team {team.name!r} in {iso_week(monday)} (weeks with a sent "
                           f"digest: {weeks}); an earlier week cannot be worked out again, as the coach keeps no "
                           "history of deals. Leave out --week for this week's digest.")
        return numbers, uow.digests.last_snapshot(team.team_id, monday)


def register(app: typer.Typer) -> None:
    @app.command("digest")
    def digest(
        team_name: Annotated[str, typer.Option("--team", help="The team whose digest it is.")],
        week: Annotated[str, typer.Option("--week", help="An ISO week like 2026-W49: this week's digest is worked "
                                                         "out now, an earlier week's is the one sent then.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the digest as JSON.")] = False,
        send: Annotated[bool, typer.Option("--send", help="Send this week's digest to the team's managers now.")]
        = False,
        chart: Annotated[Path, typer.Option("--chart", help="Also write the forecast chart (PNG) to this file.")]
        = None,
        lang: Annotated[str, typer.Option("--lang", help="en or nl, for the printed digest.")] = None,
    ) -> None:
        """The managers' weekly pipeline digest: forecast per decision month, the week's results, attention points."""
        from bot.cli import BadInput, cli_errors, open_runtime
        from bot.console import render
        from bot.senders import platform_senders
        from coach.digest_json import digest_json
        from coach.digest_policy import MAX_LISTED, digest_replies
        from coach.i18n import normalize_language

        with cli_errors():
            language = normalize_language(lang) if lang is not None else None
            if lang is not None and language is None:
                raise BadInput(f"--lang: unsupported language {lang!r}; use en or nl")
            if send and week is not None:
                raise BadInput("--send sends this week's digest; leave out --week")
            if chart is not None and not chart.parent.is_dir():
                raise BadInput(f"--chart: there is no folder {chart.parent}")
            rt = open_runtime()
            teams = rt.jobs.digest_teams(team_name.strip())
            if not teams:
                raise BadInput(f"no team named {team_name!r}; create it with: salescoach team create NAME")
            team = teams[0]
            now = rt.clock()
            if send:
                _send(rt, team, now, platform_senders(rt))
            numbers, previous = _week_numbers(rt, team, week, now, None if as_json else MAX_LISTED)
            language = language or rt.settings.coach_language
            picture = None
            if chart is not None:
                from coach.digest_chart import forecast_chart

                picture = forecast_chart(numbers, language)
                chart.write_bytes(picture)
            if as_json:
                typer.echo(json.dumps(digest_json(numbers, previous), ensure_ascii=False, indent=2))
            elif not send:
                from rich.console import Console

                console = Console(highlight=False)
                summary, details = digest_replies(numbers, previous, language, picture)
                for reply in (summary, *details):
                    for renderable in render(reply):
                        console.print(renderable)
                    console.print()
            if picture is not None:
                typer.echo(f"chart written to {chart}", err=True)


def _send(rt, team, now, senders) -> None:
    """Send this week's digest now to every manager who has not had it (the scheduler then does not send it
    again); say what happened to each."""
    from bot.cli import BadInput
    from bot.delivery import DeliveryLoop
    from bot.digest_job import STALE_AFTER, enqueue_team_digest
    from coach.outgoing import platform

    if not team.managers:
        raise BadInput(f"team {team.name!r} has no manager to send the digest to; add one with: salescoach team "
                       f"add-member {json.dumps(team.name)} slack:U0123 --role manager")
    if not senders:
        raise BadInput("no platform is configured to deliver the digest (set SLACK_BOT_TOKEN or the MicrosoftApp* "
                       "settings)")
    reachable = {m: now + STALE_AFTER for m in team.managers if platform(m.identity) in senders}

    async def send():
        added = await enqueue_team_digest(rt, team, reachable, now, on_demand=True)
        return await DeliveryLoop(rt, senders).run_once(keys=added)

    done = asyncio.run(send())
    outcome = {m.recipient: what for what, ms in (("sent", done.sent), ("failed", done.failed),
                                                  ("unreachable", done.unreachable)) for m in ms}
    outcome |= {m.identity: "unreachable" for m in team.managers if m not in reachable}
    results = {m.identity: outcome.get(m.identity, "already") for m in team.managers}
    for identity, what in results.items():
        if what == "sent":
            typer.echo(f"sent to {identity}")
        elif what == "already":
            typer.echo(f"not sent to {identity}: they have had this week's digest already", err=True)
        elif what == "unreachable":
            typer.echo(f"not sent to {identity}: the coach cannot reach them from here (no platform configured for "
                       "them, or in Teams they have not talked to the coach yet)", err=True)
        else:
            typer.echo(f"failed for {identity}: the platform refused or did not answer; a running server tries "
                       "again within minutes, or run --send again", err=True)
    if "failed" in results.values() or not {"sent", "already"} & set(results.values()):
        raise typer.Exit(1)
