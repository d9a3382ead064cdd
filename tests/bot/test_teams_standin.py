"""The connector stand-in speaks the SDK's protocol: botframework-connector's own ConnectorClient drives it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from botbuilder.schema import Activity, ChannelAccount, ConversationParameters, ErrorResponseException
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import ChannelValidation, MicrosoftAppCredentials, SimpleCredentialProvider

from bot.msteams.retry import with_retries
from tests.bot.teams_standin import TeamsStandIn

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "19:sales@thread.tacv2;messageid=1700000000000"  # a Teams channel thread: ':' ';' '@' '='
T = TypeVar("T")


class FixedToken(MicrosoftAppCredentials):
    """App credentials whose token comes from here, not from Microsoft's login service."""

    def get_access_token(self, force_refresh: bool = False) -> str:
        return "token-1"


def drive(url: str, use: Callable[[ConnectorClient], Awaitable[T]],
          credentials: MicrosoftAppCredentials | None = None) -> T:
    """Run `use` with a ConnectorClient on `url`, anonymous unless credentials are given."""
    async def run() -> T:
        async with ConnectorClient(credentials or MicrosoftAppCredentials("", ""), base_url=url) as client:
            return await use(client)

    return asyncio.run(run())


def message(text: str) -> Activity:
    return Activity(type="message", text=text)


def test_send_reply_update_and_delete(connector: TeamsStandIn) -> None:
    async def use(client: ConnectorClient) -> list[str]:
        ops = client.conversations
        sent = await ops.send_to_conversation(CHANNEL, message("first"))
        reply = await ops.reply_to_activity(CHANNEL, sent.id, message("second"))
        updated = await ops.update_activity(CHANNEL, sent.id, message("first, edited"))
        await ops.delete_activity(CHANNEL, reply.id)
        return [sent.id, reply.id, updated.id]

    sent, reply, updated = drive(connector.url, use)
    assert len({sent, reply}) == 2 and updated == sent
    assert [(c.verb, c.conversation_id, c.activity_id) for c in connector.calls] == [
        ("POST", CHANNEL, None), ("POST", CHANNEL, sent), ("PUT", CHANNEL, sent), ("DELETE", CHANNEL, reply)]
    assert [(a["id"], a["text"]) for a in connector.activities()] == [(sent, "first"), (reply, "second")]
    assert connector.of("PUT")[0].activity["text"] == "first, edited"
    assert connector.wait_for(2, timeout=1) == connector.activities()


@pytest.mark.parametrize("conversation", ["a:1personal-3f2a@x;y=z", "a:odd/slash%25percent and space"])
def test_conversation_ids_are_decoded_exactly_once(connector: TeamsStandIn, conversation: str) -> None:
    drive(connector.url, lambda client: client.conversations.send_to_conversation(conversation, message("hi")))
    assert connector.of("POST")[0].conversation_id == conversation


def test_create_conversation_answers_its_id_and_the_first_message_id(connector: TeamsStandIn) -> None:
    def parameters(first: Activity | None) -> ConversationParameters:
        return ConversationParameters(bot=ChannelAccount(id="28:coach"), members=[ChannelAccount(id="29:alice")],
                                      tenant_id="tenant-1", activity=first)

    async def use(client: ConnectorClient) -> list:
        return [await client.conversations.create_conversation(parameters(first))
                for first in (message("welcome"), None)]

    with_first, bare = drive(connector.url, use)
    assert with_first.id != bare.id and with_first.id.startswith("a:") and bare.activity_id is None
    assert [a["id"] for a in connector.activities()] == [with_first.activity_id]
    created = connector.of("CREATE")[0]
    assert created.conversation_id == with_first.id and created.activity["members"] == [{"id": "29:alice"}]


def test_throttling_answers_429_with_retry_after_then_sends(connector: TeamsStandIn) -> None:
    connector.fail_next(429, retry_after=0.5)

    async def use(client: ConnectorClient):
        with pytest.raises(ErrorResponseException) as failed:
            await client.conversations.send_to_conversation(CHANNEL, message("hi"))
        return failed.value, await client.conversations.send_to_conversation(CHANNEL, message("hi"))

    error, sent = drive(connector.url, use)
    assert error.response.status_code == 429 and error.response.headers["Retry-After"] == "0.5"
    assert error.error.error.code == "Throttled"
    assert [c.verb for c in connector.calls] == ["POST:429", "POST"]
    assert [a["id"] for a in connector.activities()] == [sent.id]


async def no_sleep(seconds: float) -> None:
    """Stands in for asyncio.sleep in the coach's retry."""


def test_the_coach_retry_honours_the_stand_ins_retry_after(connector: TeamsStandIn) -> None:
    connector.fail_next(429, times=2, retry_after=2)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def use(client: ConnectorClient):
        return await with_retries(lambda: client.conversations.send_to_conversation(CHANNEL, message("hi")),
                                  sleep=sleep)

    sent = drive(connector.url, use)
    assert slept == [2.0, 2.0] and [a["id"] for a in connector.activities()] == [sent.id]


@pytest.mark.parametrize("status", [412, 502, 504])
def test_transient_failures_are_recorded_and_a_retried_send_gets_through(connector: TeamsStandIn,
                                                                        status: int) -> None:
    connector.fail_next(status, times=2)

    async def use(client: ConnectorClient):
        return await with_retries(lambda: client.conversations.send_to_conversation(CHANNEL, message("hi")),
                                  sleep=no_sleep)

    sent = drive(connector.url, use)
    assert [c.verb for c in connector.calls] == [f"POST:{status}", f"POST:{status}", "POST"]
    assert "Retry-After" not in connector.calls[0].headers
    assert [a["id"] for a in connector.activities()] == [sent.id]


def test_a_412_on_update_reaches_the_caller(connector: TeamsStandIn) -> None:
    connector.fail_next(412)

    async def use(client: ConnectorClient) -> int:
        with pytest.raises(ErrorResponseException) as failed:
            await client.conversations.update_activity(CHANNEL, "activity-9", message("edited"))
        return failed.value.response.status_code

    assert drive(connector.url, use) == 412 and [c.verb for c in connector.calls] == ["PUT:412"]


def test_the_sdk_transport_itself_retries_a_5xx_on_update(connector: TeamsStandIn) -> None:
    """msrest's requests transport retries PUT and DELETE on 5xx (urllib3 Retry, 3 times) before anyone sees it."""
    connector.fail_next(502)
    updated = drive(connector.url, lambda client: client.conversations.update_activity(
        CHANNEL, "activity-9", message("edited")))
    assert updated.id == "activity-9" and [c.verb for c in connector.calls] == ["PUT:502", "PUT"]


@pytest.mark.parametrize("credentials, authorization", [
    (MicrosoftAppCredentials("", ""), None),
    (FixedToken("00000000-0000-0000-0000-000000000001", "secret"), "Bearer token-1"),
])
def test_the_authorization_header_is_recorded(connector: TeamsStandIn, credentials: MicrosoftAppCredentials,
                                              authorization: str | None) -> None:
    drive(connector.url, lambda client: client.conversations.send_to_conversation(CHANNEL, message("hi")),
          credentials)
    assert connector.calls[0].headers.get("Authorization") == authorization


def test_its_tokens_pass_botbuilders_channel_validation_against_its_published_keys(
        connector: TeamsStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    """botbuilder's own check of a channel token: signature against the keys at the metadata URL, issuer, the
    bot's app id as audience, the service URL, the channel's endorsement."""
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", connector.openid_url)
    app_id = "00000000-0000-0000-0000-000000000001"

    async def validate(token: str, service_url: str = connector.url):
        return await ChannelValidation.authenticate_channel_token_with_service_url(
            f"Bearer {token}", SimpleCredentialProvider(app_id, ""), service_url, "msteams")

    identity = asyncio.run(validate(connector.token(app_id)))
    assert identity.is_authenticated and identity.get_claim_value("aud") == app_id
    assert connector.key_fetches >= 1  # the keys came from the stand-in
    for bad in (connector.token("another-bot"), connector.token(app_id, service_url="https://elsewhere/")):
        with pytest.raises(PermissionError):
            asyncio.run(validate(bad))


def test_wait_for_says_what_arrived_when_it_times_out(connector: TeamsStandIn) -> None:
    with pytest.raises(AssertionError, match="expected 1 activities, got 0"):
        connector.wait_for(1, timeout=0.2)


def test_it_runs_as_its_own_process_and_prints_its_port() -> None:
    process = subprocess.Popen([sys.executable, "-m", "tests.bot.teams_standin"], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    try:
        port = int(process.stdout.readline())
        sent = drive(f"http://127.0.0.1:{port}/",
                     lambda client: client.conversations.send_to_conversation(CHANNEL, message("hi")))
        assert sent.id
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()
