"""The Bot Framework's token signing keys, fetched without ever holding up the server.

botframework-connector (4.17) checks each incoming token against the keys published behind an OpenID metadata
URL, which it fetches with `requests.get` on the event loop, without a timeout, and again for every token
after a failed fetch. While Microsoft's key endpoint hung, one forged token froze every request of the process:
Slack's acks and /healthz too. `SigningKeys` takes the library's place for the requests it serves (see
`SigningKeys.in_use`): a fetch runs in a thread under a timeout, requests that need keys meanwhile wait for
that one fetch, the last good keys are kept and refreshed on the library's schedule (after a day; for a key id
it does not know, at most once an hour), and after a failed fetch none is tried for a backoff period (30 s,
doubling up to 5 minutes): until then a token that needs keys is refused at once. Proxies come from the
environment (`HTTPS_PROXY`, `NO_PROXY`), as for the library.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from jwt import PyJWK
from jwt.exceptions import InvalidKeyError, PyJWKError

from coach.clock import Clock

log = logging.getLogger(__name__)
TIMEOUT = 5.0  # seconds to connect (a proxy's CONNECT included) and between bytes read
BACKOFF = timedelta(seconds=30)  # after a failed fetch; doubles with each failure in a row
MAX_BACKOFF = timedelta(minutes=5)
MAX_AGE = timedelta(days=1)  # the library's schedule: keys older than this are fetched again before use,
UNKNOWN_KEY_REFRESH = timedelta(hours=1)  # and a token naming a key id not among them fetches them at most this often


class KeysUnavailable(Exception):
    """No signing keys could be fetched, or none tried in the backoff after a failure: no token can be checked."""


@dataclass(frozen=True)
class SigningKey:
    """One published key, as JwtTokenExtractor reads it."""

    public_key: Any
    endorsements: list[str]


class SigningKeys:
    """The keys behind every metadata URL the library asks for, timed by `clock`."""

    def __init__(self, clock: Clock, timeout: float = TIMEOUT, backoff: timedelta = BACKOFF) -> None:
        self.clock, self.timeout, self.backoff = clock, timeout, backoff
        self._published: dict[str, _Published] = {}
        _install()

    @contextmanager
    def in_use(self) -> Iterator[None]:
        """Tokens checked within (in this task and those it starts) are checked against these keys."""
        token = _in_use.set(self)
        try:
            yield
        finally:
            _in_use.reset(token)

    def at(self, url: str) -> _Published:
        return self._published.setdefault(url, _Published(url, self))


class _Published:
    """The keys published at one metadata URL: the last good ones, and the one fetch that may be under way."""

    def __init__(self, url: str, owner: SigningKeys) -> None:
        self.url, self.owner = url, owner
        self.keys: dict[str, SigningKey] = {}
        self.fetched_at: datetime | None = None
        self.retry_at: datetime | None = None  # no fetch before then: the last one failed
        self.backoff = owner.backoff
        self.fetch: asyncio.Task | None = None

    async def get(self, key_id: str | None) -> SigningKey:
        """The key `key_id` names. Raises KeysUnavailable, or PermissionError for a key that is not published."""
        if self.fetched_at is None or self.owner.clock() - self.fetched_at > MAX_AGE:
            await self._refresh()  # when it fails, the keys we had (if any) stand
        if key_id not in self.keys and self.fetched_at is not None \
                and self.owner.clock() - self.fetched_at > UNKNOWN_KEY_REFRESH:
            await self._refresh()
        if not self.keys:
            raise KeysUnavailable(self.url)
        if key_id not in self.keys:
            raise PermissionError("the token is not signed with a published key")
        return self.keys[key_id]

    async def _refresh(self) -> None:
        """Fetch the keys, or wait for the fetch under way; nothing while backing off after a failure."""
        if self.fetch is None:
            if self.retry_at is not None and self.owner.clock() < self.retry_at:
                return
            self.fetch = asyncio.create_task(self._fetch())
        await asyncio.shield(self.fetch)  # a request that goes away does not end the fetch the others wait for

    async def _fetch(self) -> None:
        try:
            self.keys = await asyncio.to_thread(download, self.url, self.owner.timeout)
        except Exception as exc:
            self.retry_at = self.owner.clock() + self.backoff
            if isinstance(exc, requests.RequestException | ValueError):  # the endpoint's trouble, not ours
                meanwhile = "the keys fetched before stay in use" if self.keys else "Teams requests are refused"
                log.warning("Could not fetch the Bot Framework's signing keys from %s (%s: %s); %s, next try in %d s",
                            self.url, type(exc).__name__, exc, meanwhile, self.backoff.total_seconds())
            else:
                log.exception("Fetching the Bot Framework's signing keys from %s failed", self.url)
            self.backoff = min(self.backoff * 2, MAX_BACKOFF)
        else:
            if self.retry_at is not None:
                log.info("The Bot Framework's signing keys could be fetched again from %s", self.url)
            self.fetched_at, self.retry_at, self.backoff = self.owner.clock(), None, self.owner.backoff
        finally:
            self.fetch = None


def download(url: str, timeout: float) -> dict[str, SigningKey]:
    """The usable keys of the key set the metadata at `url` names (blocking: run it in a thread)."""
    with requests.Session() as session:
        metadata = _json(session.get(url, timeout=(timeout, timeout)))
        jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
        if not isinstance(jwks_uri, str):
            raise ValueError("the OpenID metadata names no jwks_uri")
        published = _json(session.get(jwks_uri, timeout=(timeout, timeout)))
    keys = _usable(published.get("keys") if isinstance(published, dict) else None)
    if not keys:
        raise ValueError("the key set holds no usable signing key")
    return keys


def _usable(listed: Any) -> dict[str, SigningKey]:
    """The keys of a JWKS `keys` list by key id, leaving out what is no key we can check a signature with."""
    keys = {}
    for data in listed if isinstance(listed, list) else []:
        if not isinstance(data, dict):
            continue
        try:
            key = PyJWK(data)
        except (PyJWKError, InvalidKeyError):
            continue
        endorsements = data.get("endorsements")
        if key.key_id:
            keys[key.key_id] = SigningKey(key.key, endorsements if isinstance(endorsements, list) else [])
    return keys


def _json(response: requests.Response) -> Any:
    response.raise_for_status()
    return response.json()


_in_use: ContextVar[SigningKeys | None] = ContextVar("teams_signing_keys", default=None)
_library_metadata = JwtTokenExtractor.get_open_id_metadata


def _metadata(url: str) -> Any:
    """What JwtTokenExtractor checks a token's signature with: ours within `SigningKeys.in_use`, else its own."""
    keys = _in_use.get()
    return _library_metadata(url) if keys is None else keys.at(url)


def _install() -> None:
    """Every JwtTokenExtractor (channel, emulator and skill tokens alike) asks this one static method."""
    JwtTokenExtractor.get_open_id_metadata = staticmethod(_metadata)
