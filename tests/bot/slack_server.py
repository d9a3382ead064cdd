"""Talk to the coach's web app with correctly signed Slack requests; run `salescoach serve` as a real process."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from tests.bot.slack_standin import dm_of

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-signing-secret"
TEAM = "T0TEAM"
TRIGGERS = itertools.count()  # every command and click a trigger id of its own, as Slack gives them


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self):
        return json.loads(self.body)


class CoachServer:
    """The coach's web app as a test talks to it: GET, POST, and Slack's requests correctly signed. Subclasses
    say how a request reaches the app (a real process, or the app in this process)."""

    def get(self, path: str) -> Response:
        raise NotImplementedError

    def post(self, path: str, data: bytes, headers: dict[str, str]) -> Response:
        raise NotImplementedError

    def post_signed(self, body: bytes, content_type: str, timestamp: int | None = None,
                    secret: str = SECRET, headers: dict | None = None) -> Response:
        ts = int(time.time()) if timestamp is None else timestamp  # Slack's protocol: checked against the wall clock
        return self.post("/slack/events", body, {
            "Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts, secret), **(headers or {})})

    # Slack payload shapes --------------------------------------------------------------------
    def slash(self, user: str, text: str, channel: str | None = None, channel_name: str = "directmessage",
              response_url: str = "http://127.0.0.1:9/respond", trigger_id: str | None = None, **kw) -> Response:
        """`/coach text` typed by `user` in `channel`, by default in their DM with the coach. Each command has a
        trigger id of its own, as Slack gives it (the same body signed in the same second is a replay)."""
        form = {"command": "/coach", "text": text, "user_id": user, "team_id": TEAM,
                "channel_id": channel or dm_of(user), "channel_name": channel_name, "response_url": response_url,
                "trigger_id": trigger_id or f"trig{next(TRIGGERS)}", "token": "x"}
        return self.post_signed(urlencode(form).encode(), "application/x-www-form-urlencoded", **kw)

    def event(self, event: dict, event_id: str, **kw) -> Response:
        body = {"type": "event_callback", "team_id": TEAM, "api_app_id": "A0APP", "event": event,
                "event_id": event_id, "event_time": int(time.time()), "token": "x"}
        return self.post_signed(json.dumps(body).encode(), "application/json", **kw)

    def dm(self, user: str, text: str, event_id: str, **kw) -> Response:
        return self.event({"type": "message", "channel_type": "im", "channel": dm_of(user), "user": user,
                           "text": text, "ts": f"{time.time():.6f}"}, event_id, **kw)

    def interaction(self, payload: dict, **kw) -> Response:
        payload = {"team": {"id": TEAM}, "api_app_id": "A0APP", "token": "x", **payload}
        return self.post_signed(urlencode({"payload": json.dumps(payload)}).encode(),
                                "application/x-www-form-urlencoded", **kw)

    def click(self, user: str, message: dict, block: dict, element: dict, channel: str,
              trigger_id: str | None = None, **kw) -> Response:
        action = {"type": element["type"], "action_id": element["action_id"], "value": element.get("value"),
                  "block_id": block.get("block_id", "slack-made-id"), "action_ts": "1"}
        return self.interaction({"type": "block_actions", "user": {"id": user},
                                 "trigger_id": trigger_id or f"trig{next(TRIGGERS)}",
                                 "container": {"type": "message", "channel_id": channel,
                                               "message_ts": message.get("ts", "1")},
                                 "channel": {"id": channel}, "message": message, "actions": [action]}, **kw)

    def submit_view(self, user: str, view: dict, values: dict) -> Response:
        view = {**view, "id": "V1", "state": {"values": values}}
        return self.interaction({"type": "view_submission", "user": {"id": user}, "view": view})


class ServeProcess(CoachServer):
    """`salescoach serve` as its own process. `clock`: the moment its clock starts at (COACH_CLOCK), so what it
    does depends on the test, not on when the test runs. `root`: the checkout it runs (a benchmark's reference)."""

    def __init__(self, database_url: str, slack_api_url: str, extra_env: dict | None = None,
                 scheduler: bool = False, clock: datetime | None = None, root: Path = ROOT) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "SLACK_API_URL": slack_api_url,
               "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
        env.pop("SLACK_APP_TOKEN", None)
        if clock is not None:
            env["COACH_CLOCK"] = clock.isoformat()
        env.update(extra_env or {})
        self.env = env
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"salescoach-serve-{self.port}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             *([] if scheduler else ["--no-scheduler"])],
            cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start:\n" + self.log_path.read_text())

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()

    def get(self, path: str) -> Response:
        return self._send(urllib.request.Request(self.base + path))

    def post(self, path: str, data: bytes, headers: dict[str, str]) -> Response:
        return self._send(urllib.request.Request(self.base + path, data=data, method="POST", headers=headers))

    @staticmethod
    def _send(request: urllib.request.Request) -> Response:
        try:
            with urllib.request.urlopen(request, timeout=60) as resp:
                return Response(resp.status, resp.read().decode())
        except urllib.error.HTTPError as err:
            return Response(err.code, err.read().decode())
