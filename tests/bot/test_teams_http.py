"""The coach in Teams over real HTTP: activities posted to `salescoach serve`, replies sent to a stand-in connector."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.runtime import Runtime
from bot.settings import Settings
from storage.models import ConversationRef, FollowUp, User, Visit
from tests.bot.slack_server import ServeProcess
from tests.bot.slack_standin import SlackStandIn
from tests.bot.teams_client import TENANT, TeamsUser, activity, post_activity
from tests.bot.teams_standin import TeamsStandIn

OPEN = {"TEAMS_ALLOW_UNAUTHENTICATED": "1", "MicrosoftAppTenantId": TENANT, "COACH_WORKERS": "0"}


def serve(database_url: str, slack: SlackStandIn, env: dict, scheduler: bool = False) -> ServeProcess:
    return ServeProcess(database_url, slack.url, extra_env=env, scheduler=scheduler)


@pytest.fixture
def server(database_url: str, slack: SlackStandIn) -> Iterator[ServeProcess]:
    proc = serve(database_url, slack, OPEN)
    yield proc
    proc.stop()


def cards(sent: dict) -> list[dict]:
    return [a["content"] for a in sent.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]


def card_text(node) -> str:
    """Every text a person would read on a card, joined."""
    if isinstance(node, dict):
        own = [str(node[k]) for k in ("text", "title", "value", "label") if isinstance(node.get(k), str)]
        return " ".join(own + [card_text(v) for k, v in node.items() if k != "data"])
    if isinstance(node, list):
        return " ".join(card_text(v) for v in node)
    return ""


def submits(card: dict) -> list[dict]:
    """The Action.Submit actions of a card, wherever they sit."""
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("Action.Submit", "Action.Execute"):
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card)
    return found


def say(server: ServeProcess, connector: TeamsStandIn, user: TeamsUser, **kw) -> list[dict]:
    """Post one activity and return the activities the coach sent back for it."""
    before = len(connector.activities())
    response = post_activity(server.base, activity(user, connector.url, **kw))
    assert response.status in (200, 201), response.body
    connector.wait_for(before + 1, timeout=20)
    time.sleep(0.2)  # a multi-card answer arrives as several activities
    return connector.activities()[before:]


def click(server: ServeProcess, connector: TeamsStandIn, user: TeamsUser, sent_id: str, card: dict,
          label: str, inputs: dict | None = None) -> list[dict]:
    [action] = [a for a in submits(card) if a.get("title") == label]
    return say(server, connector, user, value={**action["data"], **(inputs or {})}, reply_to_id=sent_id)


def test_personal_chat_answers_with_cards_in_the_users_language(server: ServeProcess,
                                                               connector: TeamsStandIn) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a1", locale="nl-NL")
    [reply, *_] = say(server, connector, user, text="help")
    assert "Wat ik kan" in card_text(cards(reply))  # Dutch from the activity's locale on first contact
    call = connector.of("POST")[0]
    assert call.conversation_id == user.conversation_id
    rt = Runtime.open(Settings(database_url=server_db(server)), migrate=False)
    with rt.sessions() as s:
        stored = s.scalar(select(User).where(User.identity == f"teams:{user.aad}"))
        assert stored.language == "nl" and stored.timezone == "Europe/Amsterdam"
        ref = s.scalar(select(ConversationRef.reference).where(ConversationRef.identity == stored.identity))
        assert ref["conversation"]["id"] == user.conversation_id and ref["serviceUrl"] == connector.url


def server_db(server: ServeProcess) -> str:
    return server.env["DATABASE_URL"]


def test_a_channel_mention_is_answered_without_the_mention_text(server: ServeProcess,
                                                                connector: TeamsStandIn) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a2")
    replies = say(server, connector, user, text="smart I want to meet them", mention=True,
                  conversation_id="19:sales@thread.tacv2;messageid=1")
    assert "For which kind of visit" in card_text([c for r in replies for c in cards(r)])  # the smart flow ran
    assert connector.of("POST")[-1].conversation_id == "19:sales@thread.tacv2;messageid=1"


def test_other_tenants_are_refused_and_nothing_is_stored(server: ServeProcess, connector: TeamsStandIn) -> None:
    stranger = TeamsUser(aad="00000000-0000-0000-0000-0000000000ff", tenant="11111111-2222-3333-4444-555555555555")
    [reply] = say(server, connector, stranger, text="pipeline")
    assert "not available to your organisation" in reply.get("text", "")
    rt = Runtime.open(Settings(database_url=server_db(server)), migrate=False)
    with rt.sessions() as s:
        assert s.scalar(select(User).where(User.identity.like("teams:%"))) is None


def test_a_redelivered_activity_is_handled_once(server: ServeProcess, connector: TeamsStandIn) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a3")
    body = activity(user, connector.url, text="help")
    assert post_activity(server.base, body).status in (200, 201)
    connector.wait_for(1, timeout=20)
    assert post_activity(server.base, body).status in (200, 201)
    time.sleep(0.5)
    assert len(connector.activities()) == len(connector.of("POST")) == 1


def test_throttled_replies_are_retried_and_arrive_once(server: ServeProcess, connector: TeamsStandIn) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a4")
    connector.fail_next(429, times=2, retry_after=0.2)
    [reply, *_] = say(server, connector, user, text="help")
    assert "What I can do" in card_text(cards(reply))
    assert [c.verb for c in connector.calls][:3] == ["POST:429", "POST:429", "POST"]
    assert len(connector.activities()) >= 1 and len({a.get("id") for a in connector.activities()}) >= 1


def test_without_credentials_the_endpoint_says_what_is_missing(database_url: str, slack: SlackStandIn,
                                                                connector: TeamsStandIn) -> None:
    proc = serve(database_url, slack, {})
    try:
        response = post_activity(proc.base, activity(TeamsUser(aad="a5"), connector.url, text="help"))
        assert response.status == 503
        assert response.json()["missing_settings"] == ["MicrosoftAppId", "MicrosoftAppPassword"]
        assert "Teams: off (missing MicrosoftAppId, MicrosoftAppPassword)" in proc.log()
    finally:
        proc.stop()


def test_unauthenticated_mode_is_announced_loudly(server: ServeProcess) -> None:
    assert "WARNING: TEAMS_ALLOW_UNAUTHENTICATED is on" in server.log()


@pytest.mark.parametrize("token", [None, "forged"])
def test_with_an_app_id_missing_or_forged_tokens_get_401(database_url: str, slack: SlackStandIn,
                                                          connector: TeamsStandIn, token: str | None) -> None:
    proc = serve(database_url, slack, {"MicrosoftAppId": "11111111-1111-1111-1111-111111111111",
                                       "MicrosoftAppPassword": "secret", "MicrosoftAppTenantId": TENANT})
    try:
        if token == "forged":
            token = forged_token()
        response = post_activity(proc.base, activity(TeamsUser(aad="a6"), connector.url, text="help"), token)
        assert response.status == 401
        time.sleep(0.3)
        assert connector.calls == []  # nothing was answered
        rt = Runtime.open(Settings(database_url=database_url), migrate=False)
        with rt.sessions() as s:
            assert s.scalar(select(User).where(User.identity.like("teams:%"))) is None
        assert "secret" not in proc.log()
    finally:
        proc.stop()


def forged_token() -> str:
    """A well-formed JWT for the bot's app id, signed with a key Microsoft never published."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"iss": "https://api.botframework.com", "aud": "11111111-1111-1111-1111-111111111111",
              "serviceurl": "https://smba.trafficmanager.net/emea/", "nbf": now - 10, "exp": now + 3600}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "forged-key"})


def test_full_round_trip_prep_call_plan_debrief_follow_up_and_a_proactive_reminder(
        database_url: str, slack: SlackStandIn, connector: TeamsStandIn) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-00000000b0b1")
    proc = serve(database_url, slack, OPEN)
    try:
        def last_card(replies: list[dict]) -> tuple[str, dict]:
            with_cards = [(r["id"], c) for r in replies for c in cards(r)]
            assert with_cards, replies
            return with_cards[-1]

        def send(text: str, expect: str) -> tuple[str, dict]:
            replies = say(proc, connector, user, text=text)
            assert expect in card_text([c for r in replies for c in cards(r)]), card_text(
                [c for r in replies for c in cards(r)])
            return last_card(replies)

        def press(sent: tuple[str, dict], label: str, expect: str, inputs: dict | None = None) -> tuple[str, dict]:
            replies = click(proc, connector, user, sent[0], sent[1], label, inputs)
            assert expect in card_text([c for r in replies for c in cards(r)])
            return last_card(replies)

        sent = send("prep Acme", "What kind of visit")
        sent = press(sent, "First / orientation visit", "Sales method")
        updates = connector.of("PUT")
        assert updates and not submits(cards(updates[-1].activity)[0])  # the clicked card lost its buttons
        for message in ("done", "skip", "Website: 120 staff, three sites", "done", "done", "done", "skip", "done",
                        "done", "done", "keep", "use this", "Get the order today",
                        "At the end of the visit I know who decides and when their contract ends, and we have a "
                        "follow-up appointment", "How many sites do you run?",
                        "What goes wrong with deliveries today?", "What does a late delivery cost you?", "add"):
            sent = send(message, "")
        sent = send("done", "Call plan")
        say(proc, connector, user, text="no reminder")
        rt = Runtime.open(Settings(database_url=database_url), migrate=False)
        with rt.sessions() as s:
            visit = s.scalar(select(Visit))
            assert visit is not None and visit.call_plan  # the call plan is stored with the visit
        sent = send("debrief Acme", "which deal")
        sent = press(sent, "A new deal", "How did it go?")
        press(sent, "Save", "Saved: Acme", inputs={
            "outcome": "They want a proposal", "stage": "hot prospect", "amount": "4.630,50", "probability": "40",
            "decision_date": "2027-03-15", "dmu_known": "yes", "next_step": "Send the proposal",
            "follow_up": "2027-01-05"})
        with rt.sessions() as s:
            follow_up = s.scalar(select(FollowUp).where(FollowUp.status == "open", FollowUp.action.like("%proposal%")))
            assert follow_up is not None
            s.execute(update(FollowUp).where(FollowUp.id == follow_up.id)
                      .values(due_at=datetime.now(UTC) - timedelta(minutes=1)))
            s.commit()
    finally:
        proc.stop()
    before = len(connector.activities())
    reminder_server = serve(database_url, slack, OPEN, scheduler=True)  # its first sweep runs at start-up
    try:
        connector.wait_for(before + 1, timeout=30)
        reminder = connector.activities()[before]
        assert "Send the proposal" in card_text(cards(reminder))
        assert connector.of("POST")[-1].conversation_id == user.conversation_id
        labels = {a.get("title") for a in submits(cards(reminder)[0])}
        assert {"Done", "Snooze 1 hour", "Tomorrow", "Next week", "Log debrief"} <= labels
        replies = click(reminder_server, connector, user, reminder["id"], cards(reminder)[0], "Done")
        assert "Done: Send the proposal" in card_text([c for r in replies for c in cards(r)])
    finally:
        reminder_server.stop()
    with rt.sessions() as s:
        assert s.get(FollowUp, follow_up.id).status == "done"
    assert json.dumps(connector.activities()).count("Send the proposal") >= 2
