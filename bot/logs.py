"""Logging for the service: JSON lines when not on a terminal, a request id on every line of a request,
and no secrets.

The request id comes from the incoming `X-Request-Id` (a load balancer's) or is made up, and follows
the work into worker processes. Known secret values from the settings and anything shaped like a
Slack or bearer token are masked in every record, whichever library logged it. Message text is never
logged by our code; Bolt's request-body logging is turned off by `bot.slack.app`.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import uuid

from pythonjsonlogger.json import JsonFormatter

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_TOKENS = re.compile(r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+)")
MASK = "[redacted]"


def new_request_id(incoming: str | None = None) -> str:
    """The caller's id when it looks like one (letters, digits, dashes; at most 64), else a fresh one."""
    if incoming and re.fullmatch(r"[A-Za-z0-9._-]{1,64}", incoming):
        return incoming
    return uuid.uuid4().hex[:16]


class _Context(logging.Filter):
    """Adds the request id and masks secrets in the message and its arguments."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _TOKENS.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure_logging(secrets: list[str], level: int = logging.INFO, json_lines: bool | None = None) -> None:
    """Set up the root logger once for this process (web process and each worker alike)."""
    if json_lines is None:
        json_lines = not sys.stderr.isatty()
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_Context(secrets))
    if json_lines:
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                                           rename_fields={"asctime": "time", "levelname": "level",
                                                          "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiohttp.access", "apscheduler", "msrest", "azure", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def settings_secrets(settings) -> list[str]:
    return [settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token,
            settings.microsoft_app_password, settings.database_url and _password_of(settings.database_url),
            *settings.crm_secrets()]


def _password_of(url: str) -> str | None:
    m = re.match(r"^[a-z+]+://[^:/@]+:([^@]+)@", url)
    return m.group(1) if m else None
