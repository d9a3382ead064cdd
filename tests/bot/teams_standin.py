"""A local stand-in for the Bot Framework connector (Teams' REST API): records every call, can fail on cue.

Serves the v3 routes botframework-connector's ConnectorClient uses: send to a conversation, reply
to an activity, update and delete an activity, create a conversation. It also plays the Bot Framework's
token issuer: `token()` signs a channel token with a key the stand-in publishes at `openid_url`, as
login.botframework.com publishes Microsoft's. Run it alone with `python -m tests.bot.teams_standin`; it
prints its port.
"""

from __future__ import annotations

import functools
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.threaded_server import ThreadedServer

ISSUER = "https://api.botframework.com"  # the issuer of the tokens the Bot Framework sends bots


@dataclass
class Call:
    verb: str  # "POST", "PUT", "DELETE", "CREATE", or e.g. "POST:429" for a call answered with a failure
    conversation_id: str  # decoded once, as the bot named it
    activity_id: str | None  # the activity replied to, updated or deleted; for CREATE the initial activity's
    activity: dict[str, Any]  # the request body (for CREATE the conversation parameters), with its new id
    headers: dict[str, str]  # as received: "Authorization" shows whether a token was sent


@dataclass
class TeamsStandIn:
    calls: list[Call] = field(default_factory=list)
    port: int = 0
    key_fetches: int = 0  # how often the signing keys were asked for
    # member profiles by Teams user id (29:…), as GET /v3/conversations/{id}/members/{id} answers them
    members: dict[str, dict] = field(default_factory=dict)
    member_lookups: list[str] = field(default_factory=list)
    _failures: list[tuple[int, float | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.key_id = f"stand-in-{secrets.token_hex(4)}"
        self._realm = secrets.token_hex(8)  # botbuilder caches keys per metadata URL: one URL per stand-in

    @property
    def openid_url(self) -> str:
        """The OpenID metadata naming this stand-in's signing keys (botbuilder's ChannelValidation endpoint)."""
        return f"{self.url}{self._realm}/.well-known/openidconfiguration"

    def token(self, app_id: str, *, service_url: str | None = None, issuer: str = ISSUER, expires_in: int = 3600,
              key_id: str | None = None, key: rsa.RSAPrivateKey | None = None) -> str:
        """A channel token for the bot `app_id` and activities from `service_url` (this stand-in's by default),
        signed with the published key unless another `key` (a forgery) or `key_id` is given."""
        now = int(time.time())  # the protocol's time: checked against the wall clock
        claims = {"iss": issuer, "aud": app_id, "serviceurl": service_url or self.url, "nbf": now - 10,
                  "exp": now + expires_in}
        return jwt.encode(claims, key or _signing_key(), algorithm="RS256",
                          headers={"kid": key_id or self.key_id})

    @property
    def url(self) -> str:
        """The service URL to put in activities' `serviceUrl`."""
        return f"http://127.0.0.1:{self.port}/"

    def of(self, verb: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.verb == verb]

    def activities(self) -> list[dict]:
        """Activities sent successfully (sends, replies, a new conversation's first message) in order, with ids."""
        with self._lock:
            return [a for c in self.calls for a in _sent(c)]

    def fail_next(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        """The next `times` sends, replies or updates are answered with `status` (429 with Retry-After, 412 …)."""
        with self._lock:
            self._failures.extend([(status, retry_after)] * times)

    def wait_for(self, n: int, timeout: float = 10.0) -> list[dict]:
        """Wait until at least `n` activities were sent; returns them all."""
        deadline = time.monotonic() + timeout
        while len(self.activities()) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {n} activities, got {len(self.activities())}: {self.activities()}")
            time.sleep(0.05)
        return self.activities()

    async def _activity(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]  # aiohttp has percent-decoded it
        activity_id = request.match_info.get("activity")
        body = json.loads(await request.read() or b"{}")
        headers = dict(request.headers)
        with self._lock:
            if self._failures and request.method in ("POST", "PUT"):
                status, retry_after = self._failures.pop(0)
                self.calls.append(Call(f"{request.method}:{status}", conversation, activity_id, body, headers))
                return _failure(status, retry_after)
            new_id = activity_id if request.method == "PUT" else self._new_id()
            if request.method == "POST":
                body = {**body, "id": new_id}
            self.calls.append(Call(request.method, conversation, activity_id, body, headers))
        if request.method == "DELETE":
            return web.Response(status=200)
        return web.json_response({"id": new_id})

    async def _create_conversation(self, request: web.Request) -> web.Response:
        parameters = json.loads(await request.read() or b"{}")
        with self._lock:
            conversation = f"a:created-{next(self._ids)}"
            first_id = None
            if parameters.get("activity"):
                first_id = self._new_id()
                parameters = {**parameters, "activity": {**parameters["activity"], "id": first_id}}
            self.calls.append(Call("CREATE", conversation, first_id, parameters, dict(request.headers)))
        return web.json_response({"id": conversation, "activityId": first_id}, status=201)

    async def _member(self, request: web.Request) -> web.Response:
        """One member's profile (TeamsInfo.get_member), with its e-mail and UPN; 404 as Teams answers it."""
        member = request.match_info["member"]
        with self._lock:
            self.member_lookups.append(member)
            profile = self.members.get(member)
        if profile is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation",
                                                "message": "The member was not found in the conversation."}},
                                     status=404)
        return web.json_response({"id": member, "userRole": "user", **profile})

    def _new_id(self) -> str:
        return f"activity-{next(self._ids)}"

    async def _openid(self, request: web.Request) -> web.Response:
        if request.match_info["realm"] != self._realm:
            raise web.HTTPNotFound()
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}{self._realm}/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def _keys(self, request: web.Request) -> web.Response:
        if request.match_info["realm"] != self._realm:
            raise web.HTTPNotFound()
        with self._lock:
            self.key_fetches += 1
        jwk = {**RSAAlgorithm.to_jwk(_signing_key().public_key(), as_dict=True), "kid": self.key_id, "use": "sig",
               "endorsements": ["msteams"]}
        return web.json_response({"keys": [jwk]})

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{realm}/.well-known/openidconfiguration", self._openid)
        app.router.add_get("/{realm}/keys", self._keys)
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        for method in ("POST", "PUT", "DELETE"):
            app.router.add_route(method, "/v3/conversations/{conversation}/activities/{activity}", self._activity)
        return app

    def start(self) -> None:
        """Serve on a free loopback port in a background thread; `port` and `url` are set on return."""
        self._server = ThreadedServer(self._app, port=self.port)
        self.port = self._server.start()

    def stop(self) -> None:
        self._server.stop()


@functools.cache
def _signing_key() -> rsa.RSAPrivateKey:
    """The stand-in's signing key, made once per process (2048-bit keys take a moment)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _sent(call: Call) -> list[dict]:
    if call.verb == "POST":
        return [call.activity]
    if call.verb == "CREATE" and call.activity.get("activity"):
        return [call.activity["activity"]]
    return []


def _failure(status: int, retry_after: float | None) -> web.Response:
    """An error as the connector answers it: an ErrorResponse body, Retry-After when throttled."""
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
    code = "Throttled" if status == 429 else "ServiceUnavailable"
    return web.json_response({"error": {"code": code, "message": f"stand-in answers {status}"}},
                             status=status, headers=headers)


if __name__ == "__main__":  # pragma: no cover
    standin = TeamsStandIn()
    standin.start()
    print(standin.port, flush=True)
    threading.Event().wait()
