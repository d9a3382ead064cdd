"""The web service: Slack on POST /slack/events, Teams on POST /api/messages, health on GET /healthz."""

from __future__ import annotations

import asyncio
import logging
import sys

from aiohttp import web
from sqlalchemy import text

from bot.logs import configure_logging, new_request_id, request_id, settings_secrets
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def _not_configured(platform: str, missing: list[str]):
    async def handler(_request: web.Request) -> web.Response:
        return web.json_response(
            {"error": f"{platform} is not configured on this server", "missing_settings": missing}, status=503)

    return handler


@web.middleware
async def with_request_id(request: web.Request, handler):
    """Every log line of a request carries its id; the response tells the caller which one it was."""
    token = request_id.set(new_request_id(request.headers.get("X-Request-Id")))
    try:
        response = await handler(request)
        response.headers["X-Request-Id"] = request_id.get()
        return response
    finally:
        request_id.reset(token)


def build_web_app(runtime: Runtime, slack=None, teams=None) -> web.Application:
    """`slack` is a bot.slack.app.SlackCoach and `teams` a bot.msteams.app.TeamsCoach, or None when not configured."""
    app = web.Application(client_max_size=1024 * 1024, middlewares=[with_request_id])

    def probe() -> dict:
        try:
            with runtime.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return {"database": "ok", "migrations": "pending" if runtime.pending_migrations() else "current"}
        except Exception as exc:  # report, don't crash: the database may come back
            return {"database": "unreachable", "error": type(exc).__name__}

    async def healthz(_request: web.Request) -> web.Response:
        """The process is alive (200 whatever the database says; the state is in the body)."""
        return web.json_response({"status": "ok", **await asyncio.to_thread(probe)})

    async def readyz(_request: web.Request) -> web.Response:
        """Ready for traffic: the database answers and its schema is current; 503 otherwise."""
        state = await asyncio.to_thread(probe)
        ready = state.get("database") == "ok" and state.get("migrations") == "current"
        return web.json_response({"status": "ready" if ready else "not ready", **state}, status=200 if ready else 503)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if slack is not None:
        app.router.add_post("/slack/events", slack.handle_http)
    else:
        app.router.add_post("/slack/events", _not_configured("Slack", runtime.settings.slack_missing()))
    if teams is not None:
        app.router.add_post("/api/messages", teams.handle_http)
    else:
        app.router.add_post("/api/messages", _not_configured("Microsoft Teams", runtime.settings.teams_missing()))
    return app


def crm_schedule(runtime: Runtime):
    """The scheduled CRM sync, or None when no CRM is configured."""
    from crm.factory import connector_from

    connector = connector_from(runtime.settings)
    if connector is None:
        return None
    from bot.crm_job import ScheduledCrmSync

    return ScheduledCrmSync(runtime, connector)


def serve(runtime: Runtime, host: str, port: int, scheduler: bool = True) -> None:
    from bot.slack.app import SlackCoach

    settings = runtime.settings
    configure_logging(settings_secrets(settings))
    coach = runtime.coach()
    slack = None if settings.slack_missing() else SlackCoach(runtime, coach)
    teams = None
    if not settings.teams_missing():
        from bot.msteams.app import TeamsCoach

        teams = TeamsCoach(runtime, coach)
    web_app = build_web_app(runtime, slack, teams)
    if scheduler:
        from bot.delivery import DeliveryLoop
        from bot.digest_job import WeeklyDigest
        from bot.nudge_jobs import NudgeSweep, TeamOverview
        from bot.reminder_job import ReminderSweep
        from bot.scheduler import Schedule
        from bot.senders import platform_senders

        senders = platform_senders(runtime, teams)
        schedule = Schedule(ReminderSweep(runtime, senders), NudgeSweep(runtime, senders),
                            TeamOverview(runtime, senders), WeeklyDigest(runtime, senders),
                            DeliveryLoop(runtime, senders), crm_schedule(runtime))
        web_app.on_startup.append(schedule.start)
        web_app.on_shutdown.append(schedule.stop)
    if slack is not None:
        web_app.on_startup.append(slack.start)
        web_app.on_cleanup.append(slack.stop)
    if slack is not None and settings.slack_app_token:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        sockets: list[AsyncSocketModeHandler] = []

        async def start_socket(_app: web.Application) -> None:  # the handler needs the running loop
            sockets.append(AsyncSocketModeHandler(slack.app, settings.slack_app_token))
            await sockets[0].connect_async()

        async def stop_socket(_app: web.Application) -> None:
            for socket in sockets:
                await socket.close_async()

        web_app.on_startup.append(start_socket)
        web_app.on_cleanup.append(stop_socket)
    mode = "off (missing " + ", ".join(settings.slack_missing()) + ")" if slack is None else \
        ("Socket Mode" if settings.slack_app_token else "HTTP on /slack/events")
    if teams is None:
        teams_mode = "off (missing " + ", ".join(settings.teams_missing()) + ")"
    elif settings.microsoft_app_id:
        teams_mode = "on /api/messages"
    else:
        teams_mode = "on /api/messages WITHOUT AUTHENTICATION"
        print("WARNING: TEAMS_ALLOW_UNAUTHENTICATED is on and no MicrosoftAppId is set: anyone who can reach "
              "/api/messages can talk to the coach as any user. Use this only with the Bot Framework Emulator "
              "or in tests.", file=sys.stderr, flush=True)
    if teams is not None and not teams.tenants:
        print("WARNING: no MicrosoftAppTenantId or TEAMS_ALLOWED_TENANTS: Teams activities from any tenant are "
              "served.", file=sys.stderr, flush=True)
    crm = (f"{settings.crm}, synced every {settings.crm_sync_minutes} min" + ("" if scheduler else " elsewhere")
           if settings.crm else "none (the coach's own database)")
    print(f"salescoach serving on http://{host}:{port}  ·  Slack: {mode}  ·  Teams: {teams_mode}  ·  CRM: {crm}",
          flush=True)
    web.run_app(web_app, host=host, port=port, print=None, access_log=None, handle_signals=True)
