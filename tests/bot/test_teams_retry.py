"""Throttled and transient connector failures are retried with backoff; real errors are not."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from bot.msteams.retry import ATTEMPTS, MAX_DELAY, backoff, with_retries


class ConnectorError(Exception):
    def __init__(self, status: int, headers: dict | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.response = SimpleNamespace(status_code=status, headers=headers or {})


def run(failures: list[Exception]) -> tuple[str | Exception, list[float], int]:
    slept: list[float] = []
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        if failures:
            raise failures.pop(0)
        return "sent"

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    try:
        result: str | Exception = asyncio.run(with_retries(call, sleep=sleep))
    except Exception as exc:
        result = exc
    return result, slept, calls


@pytest.mark.parametrize("status", [412, 429, 502, 504])
def test_transient_statuses_are_retried_until_sent(status: int) -> None:
    result, slept, calls = run([ConnectorError(status), ConnectorError(status)])
    assert result == "sent" and calls == 3 and len(slept) == 2


def test_retry_after_is_honoured() -> None:
    result, slept, _ = run([ConnectorError(429, {"Retry-After": "3"})])
    assert result == "sent" and slept == [3.0]


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    for attempt in range(8):
        ceiling = min(MAX_DELAY, 2.0**attempt)
        assert backoff(attempt, rng=lambda: 0.0) == ceiling / 2
        assert backoff(attempt, rng=lambda: 1.0) == ceiling
    assert backoff(20, rng=lambda: 1.0) == MAX_DELAY


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
def test_other_failures_are_raised_at_once(status: int) -> None:
    result, slept, calls = run([ConnectorError(status)])
    assert isinstance(result, ConnectorError) and calls == 1 and slept == []


def test_persistent_throttling_is_raised_not_dropped() -> None:
    result, slept, calls = run([ConnectorError(429) for _ in range(ATTEMPTS)])
    assert isinstance(result, ConnectorError) and calls == ATTEMPTS and len(slept) == ATTEMPTS - 1
