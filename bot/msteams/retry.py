"""Retrying Bot Framework connector calls that Teams throttles or briefly fails.

Teams answers 429 when a bot exceeds its per-conversation limits (about 7 messages a second, 60 a
minute) and 412/502/504 when a message briefly cannot be taken. Microsoft's guidance: retry with
exponential backoff and jitter, honouring Retry-After. Anything else is a real error and is raised.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
RETRY_STATUSES = frozenset({412, 429, 502, 504})
ATTEMPTS = 6
BASE_DELAY = 1.0  # seconds; doubles per attempt
MAX_DELAY = 30.0


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a failed connector call (msrest's HttpOperationError), or None."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return status if isinstance(status, int) else None


def retry_after(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        return min(MAX_DELAY, max(0.0, float(headers.get("Retry-After"))))
    except (TypeError, ValueError):
        return None


def backoff(attempt: int, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: between half and all of BASE_DELAY·2^attempt, capped."""
    ceiling = min(MAX_DELAY, BASE_DELAY * 2**attempt)
    return ceiling / 2 + rng() * ceiling / 2


async def with_retries(call: Callable[[], Awaitable[T]], *, sleep=asyncio.sleep, attempts: int = ATTEMPTS) -> T:
    """Run `call`, retrying throttled and transient failures; the last failure is raised, never swallowed."""
    for attempt in range(attempts):
        try:
            return await call()
        except Exception as exc:
            if status_of(exc) not in RETRY_STATUSES or attempt == attempts - 1:
                raise
            await sleep(retry_after(exc) or backoff(attempt))
    raise AssertionError("unreachable")
