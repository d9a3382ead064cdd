"""The one door every HTTP request of the HubSpot SDK goes through.

The SDK builds a urllib3 pool per API client; the connector swaps each pool for a `MeteredPool`, so that every
request is counted, a 429 is waited out once (HubSpot's rolling ten-second limit says how long in `Retry-After`),
an answer of 400 or more becomes one of the connector's `CrmError`s with HubSpot's own message, and the daily
usage HubSpot reports to private apps is noted. The SDK's own retries are off (`Retry(0)`), so the count is exact.
Nothing here logs or quotes a request header: the token travels in one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import urllib3

from crm.connector import MAX_WAIT, ApiUsage, CrmAuthError, CrmError, CrmRateLimited, CrmRejected, CrmUnavailable

log = logging.getLogger(__name__)

TIMEOUT = urllib3.Timeout(connect=10, read=60)  # the SDK sets none: a silent server would hang a sync
SCOPES = ("crm.objects.owners.read", "crm.objects.companies.read", "crm.objects.deals.read",
          "crm.objects.deals.write", "crm.objects.contacts.read", "crm.objects.contacts.write")
"""What the private app needs: owners, companies and deals as named; tasks and notes fall under contacts."""


class Meter:
    """Counts the requests of one connector, waits out a 429 once, and keeps the last daily usage seen."""

    def __init__(self, sleep: Callable[[float], None]) -> None:
        self.calls = 0
        self.usage: ApiUsage | None = None
        self._sleep = sleep

    def send(self, pool: urllib3.PoolManager, method: str, url: str, options: dict[str, Any]):
        response = self._once(pool, method, url, options)
        if response.status == 429:
            wait = retry_after(response.headers)
            if wait is not None and wait <= MAX_WAIT:
                log.info("HubSpot's rate limit: waiting %.1f s, then %s %s once more", wait, method, _path(url))
                self._sleep(wait)
                response = self._once(pool, method, url, options)
        if response.status >= 400:
            raise crm_error(response.status, response.data, response.headers, f"{method} {_path(url)}")
        return response

    def _once(self, pool: urllib3.PoolManager, method: str, url: str, options: dict[str, Any]):
        self.calls += 1
        try:
            response = pool.request(method, url, **options)
        except urllib3.exceptions.HTTPError as error:
            reason = getattr(error, "reason", None) or error
            raise CrmUnavailable(f"HubSpot could not be reached at {_origin(url)} ({reason}); "
                                 "try again later, and check HUBSPOT_API_URL if it persists.") from None
        self._note_usage(response.headers)
        return response

    def _note_usage(self, headers) -> None:
        """Private apps get their daily allowance in every answer (OAuth apps and search answers do not)."""
        limit, remaining = headers.get("X-HubSpot-RateLimit-Daily"), headers.get("X-HubSpot-RateLimit-Daily-Remaining")
        if limit and remaining and limit.isdigit() and remaining.isdigit():
            self.usage = ApiUsage(used=int(limit) - int(remaining), limit=int(limit))


class MeteredPool:
    """Stands in for the SDK's urllib3 pool: requests go through the meter, everything else to the pool."""

    def __init__(self, pool: urllib3.PoolManager, meter: Meter) -> None:
        self._pool = pool
        self._meter = meter

    def request(self, method: str, url: str, **options: Any):
        if options.get("timeout") is None:
            options["timeout"] = TIMEOUT
        return self._meter.send(self._pool, method, url, options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


def metered(api, meter: Meter):
    """The SDK API object `api`, its requests going through `meter`."""
    rest = api.api_client.rest_client
    rest.pool_manager = MeteredPool(rest.pool_manager, meter)
    return api


def retry_after(headers) -> float | None:
    """`Retry-After` in seconds, as HubSpot sends it; None when absent or not a number."""
    try:
        seconds = float(headers.get("Retry-After", ""))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def crm_error(status: int, data: bytes, headers, request: str) -> CrmError:
    """The CrmError for HubSpot's answer `status` to `request` ("PATCH /crm/v3/objects/deals/12")."""
    body = _json(data)
    said = str(body.get("message") or data[:200].decode("utf-8", "replace").strip() or f"HTTP {status}")
    if status == 401:
        return CrmAuthError(
            f"HubSpot refused the access token ({said}). Check that HUBSPOT_ACCESS_TOKEN is the current access "
            f"token of a private app in this HubSpot account (Settings > Integrations > Private Apps; a rotated "
            f"token or a deleted app stops working) and that the app has the scopes {', '.join(SCOPES)}.")
    if status == 403:
        scopes = _required_scopes(body) or list(SCOPES)
        return CrmAuthError(f"HubSpot refused {request} ({said}). Check the private app's scopes in HubSpot "
                            f"(Settings > Integrations > Private Apps): it needs {', '.join(scopes)}.")
    if status == 429:
        policy = body.get("policyName") or "rate"
        return CrmRateLimited(f"HubSpot's {policy} limit was reached at {request} ({said})", retry_after(headers))
    if status >= 500:
        return CrmUnavailable(f"HubSpot answered {status} to {request} ({said}); try again later.")
    return CrmRejected(f"HubSpot rejected {request} ({status}): {said}")


def _required_scopes(body: dict) -> list[str]:
    """The scopes a 403 MISSING_SCOPES answer names (granular ones first, as HubSpot lists them today)."""
    found: list[str] = []
    for error in body.get("errors") or []:
        context = (error.get("context") if isinstance(error, dict) else None) or {}
        for key in ("requiredGranularScopes", "requiredScopes"):
            found += [s for s in context.get(key) or [] if isinstance(s, str) and s not in found]
    return found


def _json(data: bytes) -> dict:
    try:
        body = json.loads(data or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _path(url: str) -> str:
    return urlsplit(url).path


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
