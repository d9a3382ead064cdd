"""The Teams bot's dialog through botbuilder's TestAdapter: cards, submits, in-place updates, tenants, proactive."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount
from sqlalchemy import select

from bot.msteams.app import NotReachable, TeamsCoach
from bot.runtime import Runtime
from bot.settings import Settings
from coach.replies import Reply, text
from storage.models import ConversationRef, SentCard, User

TENANT = "72f988bf-0000-0000-0000-00000000c0de"
AAD = "00000000-0000-0000-0000-0000000000d1"


def template(tenant: str = TENANT, locale: str = "en-US") -> Activity:
    return Activity(channel_id="msteams", service_url="https://smba.example/emea/", locale=locale,
                    local_timezone="Europe/Amsterdam",
                    from_property=ChannelAccount(id=f"29:{AAD}", name="Dana", aad_object_id=AAD),
                    recipient=ChannelAccount(id="28:bot", name="Sales coach"),
                    conversation=ConversationAccount(id="a:personal-dana", tenant_id=tenant,
                                                     conversation_type="personal"),
                    channel_data={"tenant": {"id": tenant}})


@pytest.fixture
def bot(runtime: Runtime) -> TeamsCoach:
    settings = Settings(database_url=runtime.settings.database_url, teams_allow_unauthenticated=True,
                        microsoft_app_tenant_id=TENANT)
    return TeamsCoach(dataclasses.replace(runtime, settings=settings), runtime.coach())  # the test's clock too


class Conversation:
    def __init__(self, bot: TeamsCoach, tenant: str = TENANT, locale: str = "en-US") -> None:
        self.adapter = TestAdapter(bot.on_turn, template(tenant, locale))
        bot.adapter = self.adapter  # proactive sends go through the test adapter too

    def send(self, **fields) -> list[Activity]:
        before = len(self.adapter.activity_buffer)
        asyncio.run(self.adapter.receive_activity(Activity(type=fields.pop("type", "message"), **fields)))
        return self.adapter.activity_buffer[before:]


def cards(activities: list[Activity]) -> list[dict]:
    return [a.content for act in activities for a in (act.attachments or [])
            if a.content_type == "application/vnd.microsoft.card.adaptive"]


def words(activities: list[Activity]) -> str:
    return json.dumps(cards(activities), ensure_ascii=False) + " ".join(a.text or "" for a in activities)


def submit_data(card: dict, title: str) -> dict:
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Submit" and node.get("title") == title:
                found.append(node["data"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card)
    assert found, f"no button {title!r}"
    return found[0]


def test_help_is_a_card_and_the_user_is_keyed_by_tenant_and_aad_id(bot: TeamsCoach, runtime: Runtime) -> None:
    chat = Conversation(bot)
    replies = chat.send(text="help")
    assert "What I can do" in words(replies)
    with runtime.sessions() as s:
        user = s.scalar(select(User).where(User.identity == f"teams:{AAD}"))
        assert user is not None and user.timezone == "Europe/Amsterdam"
        assert s.scalar(select(ConversationRef.reference).where(ConversationRef.identity == user.identity))


def test_dutch_locale_on_first_contact(bot: TeamsCoach) -> None:
    assert "Wat ik kan" in words(Conversation(bot, locale="nl-NL").send(text="help"))


def test_a_button_submit_runs_the_step_and_updates_the_clicked_card_in_place(bot: TeamsCoach,
                                                                              runtime: Runtime) -> None:
    chat = Conversation(bot)
    [question] = cards(chat.send(text="prep Acme"))
    sent_id = chat.adapter.activity_buffer[-1].id or "x"
    with runtime.sessions() as s:
        remembered = s.scalar(select(SentCard))
        assert remembered is not None  # a card with buttons is remembered for its update
        sent_id = remembered.activity_id
    replies = chat.send(value=submit_data(question, "First / orientation visit"), reply_to_id=sent_id)
    assert "checklist" in words(replies).lower()
    [updated] = chat.adapter.updated_activities
    assert updated.id == sent_id
    card = updated.attachments[0].content
    assert "Action.Submit" not in json.dumps(card) and "✓ First / orientation visit" in json.dumps(card,
                                                                                                ensure_ascii=False)


def test_action_execute_routes_to_the_same_step(bot: TeamsCoach) -> None:
    chat = Conversation(bot)
    [question] = cards(chat.send(text="prep Acme"))
    data = submit_data(question, "First / orientation visit")
    replies = chat.send(type="invoke", name="adaptiveCard/action",
                        value={"action": {"type": "Action.Execute", "verb": "choice", "data": data}})
    assert "checklist" in words(replies).lower()
    [invoke_response] = [a for a in replies if a.type == "invokeResponse"]
    assert invoke_response.value.status == 200


def test_junk_submits_are_ignored_safely(bot: TeamsCoach) -> None:
    chat = Conversation(bot)
    assert chat.send(value={"coach": "nonsense"}) == []
    assert chat.send(value=["not", "a", "dict"]) == []


def test_another_tenant_is_refused_and_nothing_is_stored(bot: TeamsCoach, runtime: Runtime) -> None:
    replies = Conversation(bot, tenant="11111111-2222-3333-4444-555555555555").send(text="pipeline")
    assert [a.text for a in replies] == ["This coach is not available to your organisation."]
    with runtime.sessions() as s:
        assert s.scalar(select(User)) is None


def test_proactive_message_uses_the_stored_conversation_reference(bot: TeamsCoach) -> None:
    chat = Conversation(bot)
    chat.send(text="help")
    before = len(chat.adapter.activity_buffer)
    asyncio.run(bot.send_proactive(f"teams:{AAD}", Reply(blocks=[text("Call the buyer at Acme")])))
    [sent] = chat.adapter.activity_buffer[before:]
    assert "Call the buyer at Acme" in words([sent])
    assert sent.conversation.id == "a:personal-dana"
    with pytest.raises(NotReachable):
        asyncio.run(bot.send_proactive("teams:never-talked-to-us", Reply(blocks=[text("hi")])))


def test_a_channel_mention_stores_the_channel_for_team_posts(bot: TeamsCoach, runtime: Runtime) -> None:
    channel_template = template()
    channel_template.conversation = ConversationAccount(id="19:sales@thread.tacv2;messageid=17", tenant_id=TENANT,
                                                        conversation_type="channel")
    adapter = TestAdapter(bot.on_turn, channel_template)
    bot.adapter = adapter
    asyncio.run(adapter.receive_activity(Activity(type="message", text="help")))
    with runtime.sessions() as s:
        ref = s.scalar(select(ConversationRef.reference)
                       .where(ConversationRef.identity == "teams:19:sales@thread.tacv2"))
    assert ref["conversation"]["id"] == "19:sales@thread.tacv2"  # the channel, not the thread it was asked in
    before = len(adapter.activity_buffer)
    asyncio.run(bot.send_proactive("teams:19:sales@thread.tacv2", Reply(blocks=[text("Weekly overview")])))
    [post] = adapter.activity_buffer[before:]
    assert post.conversation.id == "19:sales@thread.tacv2"


@pytest.mark.parametrize("settings, missing", [
    ({"MicrosoftAppType": "MultiTenant"}, ["TEAMS_ALLOWED_TENANTS"]),  # any organisation: never by default
    ({"MicrosoftAppType": "MultiTenant", "TEAMS_ALLOWED_TENANTS": "t1, t2"}, []),
    ({"MicrosoftAppType": "MultiTenant", "MicrosoftAppTenantId": "t1"}, []),
    ({"MicrosoftAppType": "SingleTenant"}, ["MicrosoftAppTenantId"]),
    ({"MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": "T1"}, []),
])
def test_the_served_tenants_must_be_named(settings: dict[str, str], missing: list[str]) -> None:
    configured = Settings(**{"MicrosoftAppId": "11111111-1111-1111-1111-111111111111",
                             "MicrosoftAppPassword": "secret", **settings})
    assert configured.teams_missing() == missing
    if not missing:
        assert configured.teams_tenants() and all(t == t.lower() for t in configured.teams_tenants())


def test_a_failed_turn_is_reported_in_the_language_the_user_chose(bot: TeamsCoach, runtime: Runtime,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Teams sends its own UI locale with every activity; a user who chose Dutch with the coach hears Dutch."""
    chat = Conversation(bot)  # Teams in English
    chat.adapter.on_turn_error = bot._on_error
    chat.send(text="help")
    with runtime.sessions() as s:
        s.scalars(select(User).where(User.identity == f"teams:{AAD}")).one().language = "nl"
        s.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(bot.coach, "handle", broken)
    assert [a.text for a in chat.send(text="pipeline")] == ["Er ging bij mij iets mis. Probeer het nog eens."]
