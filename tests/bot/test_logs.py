"""Service logs: JSON lines off a terminal, one request id per request (into the workers), no secrets, no text."""

from __future__ import annotations

import io
import json
import logging
import time

import pytest

from bot.logs import MASK, configure_logging, new_request_id, request_id
from coach.clock import SetClock
from tests.bot.slack_server import ServeProcess
from tests.bot.slack_standin import SlackStandIn


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging(["sup3r-s3cret-value"], json_lines=True)
    yield stream
    logging.getLogger().handlers.clear()


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_request_id_and_mask_secrets(captured: io.StringIO) -> None:
    token = request_id.set("req-42")
    try:
        logging.getLogger("x").warning("calling with %s and xoxb-1234-abcd and Bearer eyJhbGciOi.x.y",
                                       "sup3r-s3cret-value")
        try:
            raise RuntimeError("boom sup3r-s3cret-value")
        except RuntimeError:
            logging.getLogger("x").exception("failed")
    finally:
        request_id.reset(token)
    first, second = lines(captured)
    assert first["request_id"] == "req-42" and first["level"] == "WARNING" and first["logger"] == "x"
    assert "sup3r" not in first["message"] and "xoxb-1234" not in first["message"] and "eyJ" not in first["message"]
    assert first["message"].count(MASK) == 3
    assert "sup3r" not in json.dumps(second) and "RuntimeError" in json.dumps(second)


def test_request_ids_from_callers_are_kept_only_when_harmless() -> None:
    assert new_request_id("lb-7f3a-0001") == "lb-7f3a-0001"
    assert new_request_id("bad id\nwith newline") != "bad id\nwith newline"
    assert len(new_request_id(None)) == 16


def test_serve_logs_json_with_the_request_id_and_never_secrets_or_message_text(database_url: str,
                                                                               clock: SetClock) -> None:
    slack = SlackStandIn()
    slack.start()
    proc = ServeProcess(database_url, slack.url, extra_env={"SLACK_BOT_TOKEN": "xoxb-very-secret-token",
                                                            "COACH_CLOCK": clock().isoformat()})
    try:
        response = proc.slash("U0LOG", "smart My secret goal about Acme")
        assert response.status == 200
        assert proc.get("/readyz").status == 200
        deadline = time.monotonic() + 20
        while not slack.of("chat.postMessage") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert slack.of("chat.postMessage"), "the coach never answered: its handling is not in the log"
        refused = proc.slash("U0LOG", "a very private text", secret="wrong", headers={"X-Request-Id": "lb-abc123"})
        assert refused.status == 401
    finally:
        proc.stop()
        slack.stop()
    log = proc.log()
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert records, log
    assert "xoxb-very-secret-token" not in log and "test-signing-secret" not in log
    assert "My secret goal" not in log and "very private" not in log
    [refusal] = [r for r in records if r["message"].startswith("Invalid request signature")]
    assert refusal["request_id"] == "lb-abc123"  # the load balancer's id, on the line about its request


def test_readyz_waits_for_current_migrations_while_healthz_says_alive(tmp_path, clock: SetClock) -> None:
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from bot.runtime import Runtime
    from bot.server import build_web_app
    from bot.settings import Settings
    from storage.db import upgrade

    runtime = Runtime.open(Settings(database_url=f"sqlite:///{tmp_path}/old.db"), migrate=False, clock=clock)
    upgrade(runtime.engine, "0003")

    async def probe() -> list[tuple[int, dict]]:
        async with TestClient(TestServer(build_web_app(runtime))) as client:
            answers = []
            for path in ("/healthz", "/readyz"):
                resp = await client.get(path, headers={"X-Request-Id": "probe-1"})
                assert resp.headers["X-Request-Id"] == "probe-1"
                answers.append((resp.status, await resp.json()))
            return answers

    (alive, health), (ready, readiness) = asyncio.run(probe())
    assert alive == 200 and health["migrations"] == "pending"
    assert ready == 503 and readiness["status"] == "not ready"
    upgrade(runtime.engine)
    assert asyncio.run(probe())[1][0] == 200
