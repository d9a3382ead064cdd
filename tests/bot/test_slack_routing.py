"""Where the coach answers in Slack (issue 12, item 9): a DM with a file, a reply in a DM thread, an @-mention
with words before it, a slash command typed outside the coach's DM. Signed requests over HTTP to the web app in
this process; the payloads have the shapes of Slack's own and bolt-python's test fixtures."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.runtime import Runtime
from tests.bot.slack_standin import BOT_USER, SlackStandIn, dm_of
from tests.bot.web_app import WebApp

USER = "U0ALICE"
DM = dm_of(USER)


@pytest.fixture
def server(runtime: Runtime, slack: SlackStandIn) -> Iterator[WebApp]:
    app = WebApp(runtime, slack.url)
    yield app
    app.close()


def text_of(call) -> str:
    return json.dumps(call.args.get("blocks", []), ensure_ascii=False) + call.args.get("text", "")


def dm_event(text: str, ts: str, **fields) -> dict:
    """A message the user wrote in their DM with the coach (the `message.im` event)."""
    return {"type": "message", "channel_type": "im", "channel": DM, "user": USER, "text": text, "ts": ts,
            "event_ts": ts, "team": "T0TEAM", **fields}


FILE = {"id": "F0QUOTE", "name": "quote.pdf", "title": "quote.pdf", "mimetype": "application/pdf",
        "filetype": "pdf", "user": USER, "mode": "hosted", "is_external": False, "size": 92582}


def test_a_dm_with_a_file_is_answered_by_its_text(server: WebApp, slack: SlackStandIn) -> None:
    server.event(dm_event("prep Globex", "1700000001.000100", subtype="file_share", files=[FILE], upload=False,
                          display_as_bot=False), "Ev200")
    server.settle()
    [post] = slack.of("chat.postMessage")
    assert post.args["channel"] == DM and post.args.get("thread_ts") is None
    assert "What kind of visit" in text_of(post) and "Globex" in text_of(post)


def test_a_file_without_text_is_answered_with_what_the_coach_reads(server: WebApp, slack: SlackStandIn) -> None:
    slack.users[USER] = {"locale": "nl-NL"}
    server.event(dm_event("", "1700000001.000100", subtype="file_share", files=[FILE], upload=False,
                          display_as_bot=False), "Ev201")
    server.settle()
    [post] = slack.of("chat.postMessage")
    assert "Bestanden lees ik niet" in text_of(post) and "Wat ik kan doen" in text_of(post)


def test_only_what_a_person_writes_in_the_dm_is_answered(server: WebApp, slack: SlackStandIn) -> None:
    """An edit, a deletion, a join, a thread's bookkeeping and another app's post are not a person writing to
    the coach: no answer. A plain message, a file share and a reply also sent to the DM are."""
    ignored = [
        dm_event("", "1700000002.000100", subtype="message_changed", hidden=True,
                 message={"type": "message", "text": "help", "user": USER, "ts": "1700000001.000100",
                          "edited": {"user": USER, "ts": "1700000002.000000"}},
                 previous_message={"type": "message", "text": "hepl", "user": USER, "ts": "1700000001.000100"}),
        dm_event("", "1700000003.000100", subtype="message_deleted", hidden=True, deleted_ts="1700000001.000100",
                 previous_message={"type": "message", "text": "help", "user": USER, "ts": "1700000001.000100"}),
        {k: v for k, v in dm_event("help", "1700000004.000100", subtype="bot_message", bot_id="B0OTHER",
                                   username="other-app").items() if k != "user"},
        dm_event(f"<@{USER}> has joined the channel", "1700000005.000100", subtype="channel_join"),
        dm_event("", "1700000006.000100", subtype="message_replied", hidden=True,
                 message={"type": "message", "text": "help", "user": USER, "ts": "1700000001.000100",
                          "thread_ts": "1700000001.000100", "reply_count": 1}),
        dm_event("help", "1700000007.000100", bot_id="B0OTHER", app_id="A0OTHER"),  # an app posting as a user
    ]
    for n, event in enumerate(ignored):
        assert server.event(event, f"Ev21{n}").status == 200
    server.settle()
    assert slack.of("chat.postMessage") == []

    server.event(dm_event("help", "1700000010.000100"), "Ev220")
    server.event(dm_event("help", "1700000011.000100", subtype="file_share", files=[FILE]), "Ev221")
    server.event(dm_event("help", "1700000012.000100", subtype="thread_broadcast", thread_ts="1700000001.000100",
                          root={"type": "message", "text": "prep Acme", "user": USER, "ts": "1700000001.000100"}),
                 "Ev222")
    server.settle()
    posts = slack.of("chat.postMessage")
    assert len(posts) == 3 and all("What I can do" in text_of(p) for p in posts)
    assert sorted(str(p.args.get("thread_ts")) for p in posts) == ["1700000001.000100", "None", "None"]


def test_a_reply_in_a_dm_thread_is_answered_in_the_thread_and_so_are_the_turns_after_it(
        server: WebApp, slack: SlackStandIn) -> None:
    root = "1700000001.000100"
    server.event(dm_event("prep Globex", "1700000002.000100", thread_ts=root, parent_user_id=USER), "Ev230")
    server.settle()
    [question] = slack.of("chat.postMessage")
    assert question.args["channel"] == DM and question.args["thread_ts"] == root
    assert "What kind of visit" in text_of(question)

    def in_thread(call) -> dict:
        """The posted message as Slack shows it in the thread, for a click on it."""
        return {"ts": f"1700000100.{len(slack.calls):06d}", "thread_ts": root, "text": call.args.get("text", ""),
                "blocks": call.args["blocks"]}

    def click(call, matches) -> None:
        message = in_thread(call)
        block, element = next((b, e) for b in message["blocks"] if b.get("type") == "actions"
                              for e in b["elements"] if matches(e))
        assert server.click(USER, message, block, element, DM).status == 200
        server.settle()

    # Buttons and a form of questions in the thread: the next questions follow in the thread.
    click(question, lambda e: e.get("text", {}).get("text") == "First / orientation visit")
    step = slack.of("chat.postMessage")[-1]
    assert "1/10" in text_of(step) and step.args["thread_ts"] == root
    click(step, lambda e: e.get("text", {}).get("text") == "Skip the rest")
    step = slack.of("chat.postMessage")[-1]
    assert "Internal objective" in text_of(step) and step.args["thread_ts"] == root
    click(step, lambda e: e["action_id"] == "open_form")
    view = slack.of("views.open")[-1].args["view"]
    assert server.submit_view(USER, view, {"items": {"value": {
        "type": "multi_static_select", "selected_options": [{"value": "dmu"}]}}}).status == 200
    server.settle()
    step = slack.of("chat.postMessage")[-1]
    assert "External objective" in text_of(step) and step.args["thread_ts"] == root

    # Typed in the thread: answered there; typed in the DM itself: answered there.
    server.event(dm_event("cancel", "1700000004.000100", thread_ts=root, parent_user_id=USER), "Ev231")
    server.settle()
    assert slack.of("chat.postMessage")[-1].args["thread_ts"] == root
    server.event(dm_event("help", "1700000005.000100"), "Ev232")
    server.settle()
    assert slack.of("chat.postMessage")[-1].args.get("thread_ts") is None


@pytest.mark.parametrize("said", [
    f"hey <@{BOT_USER}> help",
    f"<@{BOT_USER}> help",
    f"<@{BOT_USER}>: help",
    f"help <@{BOT_USER}>",
    f"<@U0BOB> pipeline? <@{BOT_USER}> help",  # another user's mention is not the coach's
])
def test_the_command_after_the_coachs_mention_is_answered_in_the_thread(server: WebApp, slack: SlackStandIn,
                                                                        said: str) -> None:
    server.event({"type": "app_mention", "channel": "C0SALES", "user": USER, "text": said, "ts": "1700000001.000100",
                  "event_ts": "1700000001.000100", "team": "T0TEAM"}, "Ev240")
    server.settle()
    [post] = slack.of("chat.postMessage")
    assert (post.args["channel"], post.args["thread_ts"]) == ("C0SALES", "1700000001.000100")
    assert "What I can do" in text_of(post)


def test_a_personal_command_after_the_mention_goes_to_the_dm(server: WebApp, slack: SlackStandIn) -> None:
    server.event({"type": "app_mention", "channel": "C0SALES", "user": USER, "ts": "1700000001.000100",
                  "text": f"<@U0BOB> look, <@{BOT_USER}> pipeline", "thread_ts": "1700000000.000100"}, "Ev250")
    server.settle()
    answer, pointer = sorted(slack.of("chat.postMessage"), key=lambda c: c.args["channel"] != USER)
    assert answer.args["channel"] == USER and "You have no open deals yet" in text_of(answer)
    assert (pointer.args["channel"], pointer.args["thread_ts"]) == ("C0SALES", "1700000000.000100")
    assert "direct messages" in pointer.args["text"]


def test_a_slash_command_typed_outside_the_coachs_dm_gets_a_pointer_where_it_was_typed(
        server: WebApp, slack: SlackStandIn) -> None:
    """The answer goes to the coach's DM; wherever else the command was typed (a DM with a colleague, a group
    DM, a channel) the user sees an ephemeral pointer there, in their language."""
    slack.users["U0BRAM"] = {"locale": "nl-NL"}
    typed = [
        (USER, "D0ALICEBOB", "directmessage"),  # Alice's DM with Bob
        (USER, "C0GROUP", "mpdm-alice--bob--carol-1"),
        (USER, "C0SALES", "sales"),
        ("U0BRAM", "D0BRAMALICE", "directmessage"),  # Bram's DM with Alice
        (USER, DM, "directmessage"),  # the coach's own DM: no pointer
    ]
    for user, channel, name in typed:
        assert server.slash(user, "help", channel=channel, channel_name=name,
                            response_url=slack.response_url).status == 200
        server.settle()
    answers = slack.of("chat.postMessage")
    assert [a.args["channel"] for a in answers] == [USER, USER, USER, "U0BRAM", USER]
    pointers = [c.args for c in slack.of("response_url")]
    assert [p["text"] for p in pointers] == ["I have answered you in our direct messages."] * 3 + [
        "Ik heb je geantwoord in onze directe berichten."]
    assert all(p["response_type"] == "ephemeral" for p in pointers)


def test_when_slack_does_not_say_which_dm_is_the_coachs_the_pointer_is_given(server: WebApp, slack: SlackStandIn,
                                                                              caplog: pytest.LogCaptureFixture) -> None:
    """A redundant note in the coach's own DM is better than none in a colleague's."""
    slack.errors["conversations.open"] = "missing_scope"
    assert server.slash(USER, "help", channel=DM, response_url=slack.response_url).status == 200
    server.settle()
    assert [c.args["channel"] for c in slack.of("chat.postMessage")] == [USER]
    assert len(slack.of("response_url")) == 1
    assert "conversations.open failed" in caplog.text
