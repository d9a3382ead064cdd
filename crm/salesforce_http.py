"""The one HTTP session the Salesforce connector sends everything through: it counts requests and keeps what the
last answer said about limits (Retry-After, Sforce-Limit-Info)."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter


class CountingAdapter(HTTPAdapter):
    """Counts every request sent (failed ones too), gives each a default timeout, remembers the last answer's
    Retry-After and the latest Sforce-Limit-Info.

    `verify` is True (the system's CA bundle, or REQUESTS_CA_BUNDLE's) or the path of a CA bundle, which then wins
    over REQUESTS_CA_BUNDLE (requests would otherwise let the environment override a session's own)."""

    def __init__(self, timeout: float, verify: bool | str = True) -> None:
        super().__init__()
        self.timeout = timeout
        self.verify = verify
        self.sent = 0
        self.retry_after: str | None = None
        self.limit_info: str | None = None

    def send(self, request, timeout=None, **kwargs):  # noqa: ANN001 - requests' own signature
        self.sent += 1
        self.retry_after = None
        if self.verify is not True:
            kwargs["verify"] = self.verify
        response = super().send(request, timeout=timeout or self.timeout, **kwargs)
        self.retry_after = response.headers.get("Retry-After")
        self.limit_info = response.headers.get("Sforce-Limit-Info") or self.limit_info
        return response


def counting_session(adapter: CountingAdapter) -> requests.Session:
    """A session whose every request goes through `adapter`."""
    session = requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
