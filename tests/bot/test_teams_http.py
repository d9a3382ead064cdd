"""The coach in Teams over HTTP: activities posted to the coach's web app, replies sent to a stand-in connector.

Most tests run the web app in this process (bot/server.py's /api/messages, botbuilder's CloudAdapter) on the
test's runtime and clock; a turn is done when its POST is answered, so nothing is waited for. Tokens are
checked as in production, against the keys the stand-in publishes. One smoke test runs `salescoach serve`
as a real process, with its scheduler sending a proactive reminder.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from botbuilder.core import InvokeResponse
from botframework.connector.auth import ChannelValidation, MicrosoftAppCredentials
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from bot.delivery import DeliveryLoop
from bot.msteams.app import TeamsCoach
from bot.reminder_job import ReminderSweep
from bot.runtime import Runtime
from bot.senders import platform_senders
from coach.clock import SetClock
from storage.models import ConversationRef, FollowUp, User, Visit
from tests.bot.slack_server import CoachServer, ServeProcess
from tests.bot.slack_standin import SlackStandIn
from tests.bot.teams_client import TENANT, TeamsUser, activity, post_activity
from tests.bot.teams_standin import TeamsStandIn
from tests.bot.web_app import WebApp

OPEN = {"teams_allow_unauthenticated": True, "microsoft_app_tenant_id": TENANT}  # no app id: no tokens
APP_ID = "11111111-1111-1111-1111-111111111111"


@pytest.fixture
def server(runtime: Runtime, slack: SlackStandIn) -> Iterator[WebApp]:
    app = WebApp(runtime, slack.url, **OPEN)
    yield app
    app.close()


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


def say(server: CoachServer, connector: TeamsStandIn, user: TeamsUser, **kw) -> list[dict]:
    """Post one activity and return the activities the coach sent back for it: the turn (every card of the
    answer included) is over when the POST is answered."""
    before = len(connector.activities())
    response = post_activity(server, activity(user, connector.url, **kw))
    assert response.status in (200, 201), response.body
    replies = connector.activities()[before:]
    assert replies, "the coach sent nothing back"
    return replies


def click(server: CoachServer, connector: TeamsStandIn, user: TeamsUser, sent_id: str, card: dict,
          label: str, inputs: dict | None = None) -> list[dict]:
    [action] = [a for a in submits(card) if a.get("title") == label]
    return say(server, connector, user, value={**action["data"], **(inputs or {})}, reply_to_id=sent_id)


def last_card(replies: list[dict]) -> tuple[str, dict]:
    with_cards = [(r["id"], c) for r in replies for c in cards(r)]
    assert with_cards, replies
    return with_cards[-1]


def texts(replies: list[dict]) -> str:
    return card_text([c for r in replies for c in cards(r)])


def debrief_with_a_follow_up(server: CoachServer, connector: TeamsStandIn, user: TeamsUser) -> None:
    """Debrief a visit to Acme, with the follow-up "Send the proposal" on 5 January 2027."""
    replies = say(server, connector, user, text="debrief Acme")
    assert "which deal" in texts(replies)
    replies = click(server, connector, user, *last_card(replies), "A new deal")
    replies = click(server, connector, user, *last_card(replies), "Still open")
    assert "How did it go?" in texts(replies)
    replies = click(server, connector, user, *last_card(replies), "Save", inputs={
        "outcome": "They want a proposal", "stage": "hot prospect", "amount": "4.630,50", "probability": "40",
        "decision_date": "2027-03-15", "dmu_known": "yes", "next_step": "Send the proposal",
        "follow_up": "2027-01-05"})
    if "Did you reach it?" in texts(replies):  # a prepared visit: its goal, then its internal objectives
        replies = click(server, connector, user, *last_card(replies), "Skip")
        replies = click(server, connector, user, *last_card(replies), "Save", inputs={})
    assert "Saved: Acme" in texts(replies), texts(replies)


def proposal_follow_up(runtime: Runtime) -> FollowUp:
    with runtime.sessions() as s:
        follow_up = s.scalar(select(FollowUp).where(FollowUp.action.like("%proposal%")))
    assert follow_up is not None and follow_up.status == "open"
    return follow_up


def test_personal_chat_answers_with_cards_in_the_users_language(server: WebApp, connector: TeamsStandIn,
                                                               runtime: Runtime) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a1", locale="nl-NL")
    [reply, *_] = say(server, connector, user, text="help")
    assert "Wat ik kan" in card_text(cards(reply))  # Dutch from the activity's locale on first contact
    call = connector.of("POST")[0]
    assert call.conversation_id == user.conversation_id and "Authorization" not in call.headers
    with runtime.sessions() as s:
        stored = s.scalar(select(User).where(User.identity == f"teams:{user.aad}"))
        assert stored.language == "nl" and stored.timezone == "Europe/Amsterdam"
        ref = s.scalar(select(ConversationRef.reference).where(ConversationRef.identity == stored.identity))
        assert ref["conversation"]["id"] == user.conversation_id and ref["serviceUrl"] == connector.url


def test_a_channel_mention_is_answered_without_the_mention_text(server: WebApp, connector: TeamsStandIn) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a2")
    replies = say(server, connector, user, text="smart I want to meet them", mention=True,
                  conversation_id="19:sales@thread.tacv2;messageid=1")
    assert "For which kind of visit" in texts(replies)  # the smart flow ran
    assert connector.of("POST")[-1].conversation_id == "19:sales@thread.tacv2;messageid=1"


def test_other_tenants_are_refused_and_nothing_is_stored(server: WebApp, connector: TeamsStandIn,
                                                         runtime: Runtime) -> None:
    stranger = TeamsUser(aad="00000000-0000-0000-0000-0000000000ff", tenant="11111111-2222-3333-4444-555555555555")
    [reply] = say(server, connector, stranger, text="pipeline")
    assert "not available to your organisation" in reply.get("text", "")
    with runtime.sessions() as s:
        assert s.scalar(select(User).where(User.identity.like("teams:%"))) is None


def test_a_redelivered_activity_is_handled_once(server: WebApp, connector: TeamsStandIn) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a3")
    body = activity(user, connector.url, text="help")
    assert post_activity(server, body).status in (200, 201)
    assert len(connector.activities()) == 1
    assert post_activity(server, body).status in (200, 201)
    assert len(connector.activities()) == len(connector.of("POST")) == 1


def test_throttled_replies_are_retried_and_arrive_once(server: WebApp, connector: TeamsStandIn) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a4")
    connector.fail_next(429, times=2, retry_after=0.2)
    [reply, *_] = say(server, connector, user, text="help")
    assert "What I can do" in card_text(cards(reply))
    assert [c.verb for c in connector.calls] == ["POST:429", "POST:429", "POST"]
    assert len({a.get("id") for a in connector.activities()}) == len(connector.activities())


def test_without_credentials_the_endpoint_says_what_is_missing(runtime: Runtime, slack: SlackStandIn,
                                                                connector: TeamsStandIn) -> None:
    app = WebApp(runtime, slack.url)
    try:
        response = post_activity(app, activity(TeamsUser(aad="a5"), connector.url, text="help"))
        assert response.status == 503
        assert response.json()["missing_settings"] == ["MicrosoftAppId", "MicrosoftAppPassword"]
        assert connector.calls == []
    finally:
        app.close()


# Authentication: with an app id, only tokens the Bot Framework signed for this bot are let in ---------------

@pytest.fixture
def authenticated(runtime: Runtime, slack: SlackStandIn, connector: TeamsStandIn,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[WebApp]:
    """The app with an app id; tokens are checked against the stand-in's published keys, and the coach's own
    token for the connector comes from here instead of Microsoft's login service."""
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", connector.openid_url)
    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", lambda self, force_refresh=False: "coach-token")
    app = WebApp(runtime, slack.url, microsoft_app_id=APP_ID, microsoft_app_password="app-password-value",
                 microsoft_app_tenant_id=TENANT)
    yield app
    app.close()


def test_a_token_the_bot_framework_signed_for_this_bot_is_let_in(authenticated: WebApp, connector: TeamsStandIn,
                                                                  runtime: Runtime) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a6")
    response = post_activity(authenticated, activity(user, connector.url, text="help"), connector.token(APP_ID))
    assert response.status in (200, 201), response.body
    [post] = connector.of("POST")
    assert "What I can do" in texts([post.activity]) and post.headers["Authorization"] == "Bearer coach-token"
    assert connector.key_fetches >= 1
    with runtime.sessions() as s:
        assert s.scalar(select(User.identity).where(User.identity == f"teams:{user.aad}"))


def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("token", [
    pytest.param(lambda c: None, id="missing"),
    pytest.param(lambda c: c.token(APP_ID, key=other_key()), id="forged"),  # the published key's id, another key
    pytest.param(lambda c: c.token(APP_ID, key_id="unpublished-key"), id="unknown-key"),
    pytest.param(lambda c: c.token("22222222-2222-2222-2222-222222222222"), id="another-bot"),
    pytest.param(lambda c: c.token(APP_ID, expires_in=-3600), id="expired"),
    pytest.param(lambda c: c.token(APP_ID, service_url="https://smba.trafficmanager.net/emea/"), id="other-service"),
    pytest.param(lambda c: c.token(APP_ID, issuer="https://sts.windows.net/evil/"), id="other-issuer"),
])
def test_missing_or_bad_tokens_get_401_and_nothing_happens(authenticated: WebApp, connector: TeamsStandIn,
                                                            runtime: Runtime, caplog: pytest.LogCaptureFixture,
                                                            token) -> None:
    caplog.set_level(logging.DEBUG)
    response = post_activity(authenticated, activity(TeamsUser(aad="a6"), connector.url, text="help"),
                             token(connector))
    assert response.status == 401 and response.json() == {"error": "unauthorized"}
    assert connector.calls == []  # nothing was answered
    with runtime.sessions() as s:
        assert s.scalar(select(User).where(User.identity.like("teams:%"))) is None
    assert "Teams activity" in caplog.text and "app-password-value" not in caplog.text
    # the sender's problem, not ours: a warning without a traceback
    assert [(r.levelname, r.exc_info) for r in caplog.records if r.levelno >= logging.WARNING] == [("WARNING", None)]


# The whole way: prep, call plan, debrief, follow-up, and the follow-up's reminder ------------------------------

def test_full_round_trip_prep_call_plan_debrief_follow_up_and_a_proactive_reminder(
        server: WebApp, connector: TeamsStandIn, runtime: Runtime, clock: SetClock) -> None:
    user = TeamsUser(aad="00000000-0000-0000-0000-00000000b0b1")

    def send(text: str, expect: str) -> tuple[str, dict]:
        replies = say(server, connector, user, text=text)
        assert expect in texts(replies), texts(replies)
        return last_card(replies)

    def press(sent: tuple[str, dict], label: str, expect: str) -> tuple[str, dict]:
        replies = click(server, connector, user, sent[0], sent[1], label)
        assert expect in texts(replies)
        return last_card(replies)

    sent = send("prep Acme", "What kind of visit")
    press(sent, "First / orientation visit", "Sales method")
    updates = connector.of("PUT")
    assert updates and not submits(cards(updates[-1].activity)[0])  # the clicked card lost its buttons
    for message in ("done", "skip", "Website: 120 staff, three sites", "done", "done", "done", "skip", "done",
                    "done", "done", "keep", "use this", "Get the order today",
                    "At the end of the visit I know who decides and when their contract ends, and we have a "
                    "follow-up appointment", "How many sites do you run?",
                    "What goes wrong with deliveries today?", "What does a late delivery cost you?", "add"):
        send(message, "")
    send("done", "Call plan")
    say(server, connector, user, text="no reminder")
    with runtime.sessions() as s:
        visit = s.scalar(select(Visit))
        assert visit is not None and visit.call_plan  # the call plan is stored with the visit
    debrief_with_a_follow_up(server, connector, user)
    follow_up = proposal_follow_up(runtime)

    senders = platform_senders(server.runtime, server.teams)
    sweep, delivery = ReminderSweep(server.runtime, senders), DeliveryLoop(server.runtime, senders)
    clock.set(follow_up.due_at - timedelta(minutes=1))
    assert server.run(sweep.run_once()).messages == 0  # not due yet
    assert server.run(delivery.run_once()).sent == []
    before = len(connector.activities())
    clock.set(follow_up.due_at + timedelta(minutes=1))
    assert server.run(sweep.run_once()).messages == 1
    assert len(server.run(delivery.run_once()).sent) == 1
    [reminder] = connector.activities()[before:]
    assert "Send the proposal" in card_text(cards(reminder))
    assert connector.of("POST")[-1].conversation_id == user.conversation_id
    labels = {a.get("title") for a in submits(cards(reminder)[0])}
    assert {"Done", "Snooze 1 hour", "Tomorrow", "Next week", "Log debrief"} <= labels
    replies = click(server, connector, user, reminder["id"], cards(reminder)[0], "Done")
    assert "Done: Send the proposal" in texts(replies)
    with runtime.sessions() as s:
        assert s.get(FollowUp, follow_up.id).status == "done"


# Smoke test: `salescoach serve` as a real process ------------------------------------------------------------

def test_a_real_server_sends_a_due_reminder_and_takes_the_click(database_url: str, runtime: Runtime,
                                                                slack: SlackStandIn, connector: TeamsStandIn) -> None:
    """The scheduler of a real server (its clock at the moment the follow-up is due) reminds the rep in the
    conversation stored when they talked to the coach; a click on the reminder is a turn like any other."""
    user = TeamsUser(aad="00000000-0000-0000-0000-00000000b0b2")
    app = WebApp(runtime, slack.url, **OPEN)
    try:
        debrief_with_a_follow_up(app, connector, user)
    finally:
        app.close()
    follow_up = proposal_follow_up(runtime)
    before = len(connector.activities())
    proc = ServeProcess(database_url, slack.url, scheduler=True, clock=follow_up.due_at + timedelta(minutes=1),
                        extra_env={"TEAMS_ALLOW_UNAUTHENTICATED": "1", "MicrosoftAppTenantId": TENANT,
                                   "SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": ""})
    try:
        [reminder] = connector.wait_for(before + 1, timeout=30)[before:]  # the first sweep runs at start-up
        assert "Send the proposal" in card_text(cards(reminder))
        assert connector.of("POST")[-1].conversation_id == user.conversation_id
        replies = click(proc, connector, user, reminder["id"], cards(reminder)[0], "Done")
        assert "Done: Send the proposal" in texts(replies)
        assert proc.slash("U0ALICE", "help").status == 503  # Slack is off here, and says so
        log = proc.log()
        assert "WARNING: TEAMS_ALLOW_UNAUTHENTICATED is on" in log
        assert "Slack: off (missing SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)" in log
    finally:
        proc.stop()
    with runtime.sessions() as s:
        assert s.get(FollowUp, follow_up.id).status == "done"
    assert json.dumps(connector.activities()).count("Send the proposal") >= 2


def test_an_action_execute_invoke_is_answered_200_with_the_answered_card_also_when_redelivered(
        server: WebApp, connector: TeamsStandIn) -> None:
    """Universal Actions: Teams sends the click as an `adaptiveCard/action` invoke and shows the card in the
    answer's body in place of the clicked one."""
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a7")
    sent_id, card = last_card(say(server, connector, user, text="prep Acme"))
    [action] = [a for a in submits(card) if a.get("title") == "First / orientation visit"]
    body = activity(user, connector.url, kind="invoke", name="adaptiveCard/action", reply_to_id=sent_id,
                    value={"action": {"type": "Action.Execute", "verb": "coach", "data": action["data"]}})
    before = len(connector.activities())
    answered = post_activity(server, body)
    assert answered.status == 200, answered.body
    assert answered.json()["statusCode"] == 200 and "needs-oriented" in texts(connector.activities()[before:])
    again = post_activity(server, body)  # the connector redelivers it
    assert again.status == 200 and again.json()["statusCode"] == 200
    assert len(connector.activities()) > before and "1/10" in texts(connector.activities()[before:])


def test_our_own_error_after_the_turn_is_a_500_with_the_traceback_in_the_log_not_a_401(
        server: WebApp, connector: TeamsStandIn, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    async def answers_with_a_plain_dict(self, turn_context):  # what the invoke handler used to return
        return InvokeResponse(status=200, body={"statusCode": 200})

    monkeypatch.setattr(TeamsCoach, "on_invoke_activity", answers_with_a_plain_dict)
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a8")
    failed = post_activity(server, activity(user, connector.url, kind="invoke", name="adaptiveCard/action",
                                            value={"action": {"type": "Action.Execute", "data": {}}}))
    assert failed.status == 500 and "unauthorized" not in failed.body
    assert "Traceback" in caplog.text and "failed after authentication" in caplog.text


def test_the_users_time_zone_is_learned_after_the_install_and_follows_them(server: WebApp,
                                                                           connector: TeamsStandIn,
                                                                           runtime: Runtime) -> None:
    """The real install flow: `installationUpdate` comes first without a time zone; the messages after it
    carry `localTimezone` or only the `clientInfo` entity's `timezone`."""
    user = TeamsUser(aad="00000000-0000-0000-0000-0000000000a9", timezone=None)
    install = activity(user, connector.url, kind="installationUpdate", action="add")
    assert post_activity(server, install).status in (200, 201)

    def stored() -> str | None:
        with runtime.sessions() as s:
            return s.scalar(select(User.timezone).where(User.identity == f"teams:{user.aad}"))

    assert stored() is None
    say(server, connector, user, text="help", localTimezone="America/New_York")
    assert stored() == "America/New_York"
    say(server, connector, user, text="help", localTimezone=None,
        entities=[{"type": "clientInfo", "locale": "en-US", "timezone": "Asia/Tokyo"}])
    assert stored() == "Asia/Tokyo"
    say(server, connector, user, text="help", localTimezone="Not/AZone")
    assert stored() == "Asia/Tokyo"  # a zone we do not know changes nothing


CHANNEL = "19:sales@thread.tacv2;messageid=7"


def test_personal_commands_mentioned_in_a_channel_are_answered_in_the_personal_chat(
        server: WebApp, connector: TeamsStandIn, runtime: Runtime) -> None:
    """`pipeline` in a channel would show the rep's deals to everyone: the answer goes to the personal chat and
    the channel gets a pointer, in the user's language; public commands still answer in the channel."""
    sanne = TeamsUser(aad="00000000-0000-0000-0000-0000000000b3", locale="nl-NL")
    say(server, connector, sanne, text="help")  # the personal chat exists
    replies = say(server, connector, sanne, text="pipeline", mention=True, conversation_id=CHANNEL)
    in_channel = [r for r in replies if r["conversation"]["id"] == CHANNEL]
    personal = [r for r in replies if r["conversation"]["id"] == sanne.conversation_id]
    assert [r.get("text") for r in in_channel] == ["Ik heb je geantwoord in onze persoonlijke chat."]
    assert personal and "open deals" in texts(personal)  # her pipeline, in Dutch
    with runtime.sessions() as s:  # her reminders still go to the personal chat, not the channel
        ref = s.scalar(select(ConversationRef.reference).where(ConversationRef.identity == f"teams:{sanne.aad}"))
    assert ref["conversation"]["id"] == sanne.conversation_id

    stranger = TeamsUser(aad="00000000-0000-0000-0000-0000000000b4")  # never wrote to the coach in person
    replies = say(server, connector, stranger, text="followups", mention=True, conversation_id=CHANNEL)
    assert [r["conversation"]["id"] for r in replies] == [CHANNEL]
    assert "open a chat with me" in replies[0]["text"]
    public = say(server, connector, stranger, text="spin How many sites do you run?", mention=True,
                 conversation_id=CHANNEL)
    assert [r["conversation"]["id"] for r in public] == [CHANNEL] and "situation" in texts(public).lower()


def test_the_teams_member_profiles_email_becomes_the_users_so_the_crm_sync_can_match_their_owner(
        server: WebApp, connector: TeamsStandIn, runtime: Runtime) -> None:
    """Issue 14: at first contact (the install) the member profile is read once; its e-mail, else its UPN."""
    anna = TeamsUser(aad="00000000-0000-0000-0000-0000000000b1")
    bram = TeamsUser(aad="00000000-0000-0000-0000-0000000000b2", name="Bram")
    connector.members[f"29:{anna.aad}"] = {"name": anna.name, "aadObjectId": anna.aad,
                                           "email": "anna.jansen@example.com", "userPrincipalName": "anna@example.com"}
    connector.members[f"29:{bram.aad}"] = {"name": bram.name, "aadObjectId": bram.aad,
                                           "userPrincipalName": "bram@example.com"}
    assert post_activity(server, activity(anna, connector.url, kind="installationUpdate", action="add")).status in (
        200, 201)
    say(server, connector, anna, text="help")
    say(server, connector, bram, text="help")
    with runtime.sessions() as s:
        emails = dict(s.execute(select(User.identity, User.email)).all())
    assert emails == {f"teams:{anna.aad}": "anna.jansen@example.com", f"teams:{bram.aad}": "bram@example.com"}
    assert connector.member_lookups == [f"29:{anna.aad}", f"29:{bram.aad}"]  # once each: at first contact
