"""`salescoach reminders run-once`: the scheduler's reminder job and delivery, once, from the command line."""

from __future__ import annotations

import asyncio

import typer


def register(app: typer.Typer) -> None:
    reminders_app = typer.Typer(help="Follow-up reminders.", no_args_is_help=True)
    app.add_typer(reminders_app, name="reminders")

    @reminders_app.command("run-once")
    def run_once() -> None:
        """Deliver every due reminder now, on the platforms configured here (safe next to running servers)."""
        from bot.cli import BadInput, cli_errors, open_runtime
        from bot.delivery import DeliveryLoop
        from bot.reminder_job import ReminderSweep
        from bot.senders import platform_senders

        with cli_errors():
            rt = open_runtime()
            senders = platform_senders(rt)
            if not senders:
                raise BadInput("no platform is configured to deliver reminders "
                                         "(set SLACK_BOT_TOKEN or the MicrosoftApp* settings)")

            async def run():
                await ReminderSweep(rt, senders).run_once()
                return await DeliveryLoop(rt, senders).run_once(kind="reminder")

            done = asyncio.run(run())
            typer.echo(f"reminders: {len(done.sent)} sent, {len(done.failed) + len(done.unreachable)} failed "
                       "(they will be retried)")
