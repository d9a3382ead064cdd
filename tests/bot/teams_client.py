"""Build Bot Framework activities the way Teams sends them, and post them to the coach's web app."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from tests.bot.slack_server import CoachServer, Response

TENANT = "72f988bf-0000-0000-0000-00000000c0de"
BOT_ID = "28:coach-bot"
_ids = itertools.count(1)


@dataclass
class TeamsUser:
    aad: str
    name: str = "Alice Jansen"
    tenant: str = TENANT
    locale: str = "en-US"
    timezone: str = "Europe/Amsterdam"

    @property
    def conversation_id(self) -> str:
        return f"a:1personal-{self.aad}"


def activity(user: TeamsUser, service_url: str, *, text: str | None = None, value: dict | None = None,
             reply_to_id: str | None = None, conversation_id: str | None = None, mention: bool = False,
             kind: str = "message", **extra) -> dict:
    """A Teams activity from `user` to the coach; `value` is an Adaptive Card Action.Submit's data."""
    conversation = {"id": conversation_id or user.conversation_id, "tenantId": user.tenant,
                    "conversationType": "channel" if conversation_id else "personal"}
    body = {
        "type": kind, "id": f"activity-{next(_ids)}", "timestamp": "2026-11-24T09:00:00.000Z",
        "serviceUrl": service_url, "channelId": "msteams", "locale": user.locale,
        "localTimezone": user.timezone,
        "from": {"id": f"29:{user.aad}", "name": user.name, "aadObjectId": user.aad},
        "recipient": {"id": BOT_ID, "name": "Sales coach"},
        "conversation": conversation,
        "channelData": {"tenant": {"id": user.tenant}},
        **extra,
    }
    if text is not None:
        body["text"] = f"<at>Sales coach</at> {text}" if mention else text
        body["textFormat"] = "plain"
    if mention:
        body["entities"] = [{"type": "mention", "text": "<at>Sales coach</at>",
                             "mentioned": {"id": BOT_ID, "name": "Sales coach"}}]
    if value is not None:
        body["value"] = value
    if reply_to_id:
        body["replyToId"] = reply_to_id
    return body


def post_activity(server: CoachServer, body: dict, token: str | None = None) -> Response:
    """POST an activity to the server's /api/messages, with a Bearer token when given."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return server.post("/api/messages", json.dumps(body).encode(), headers)
