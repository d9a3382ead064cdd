"""Slack rendering: every block kind within Slack's limits, no mention from user text, nothing lost.

Each rendered message and view is checked twice: by slack_sdk's models (which raise on the limits they
know) and by `check_message` / `check_view` below, which count everything listed in Slack's reference,
in UTF-16 code units so the check holds however Slack counts characters.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.views import View

from bot.runtime import Runtime
from bot.slack.render import (
    ZWSP,
    chosen_label,
    escape,
    read_submission,
    render_home,
    render_message,
    render_modal,
    scope_of_block,
    text_size,
    without_actions,
)
from coach.dialog import Inbound
from coach.digest_policy import digest_replies
from coach.forms import parse_form
from coach.i18n import Translator
from coach.replies import (
    Block,
    Bullets,
    Card,
    CardField,
    Choice,
    Choices,
    ChoiceStyle,
    FieldKind,
    Form,
    FormField,
    Heading,
    Image,
    Option,
    Reply,
    Span,
    Text,
    bold,
    bullets,
    italic,
    text,
)
from tests.coach.chat_helper import Chat, Clock
from tests.coach.test_engine import prepare

# --- an explicit checker of Slack's documented limits --------------------------------------------

LIMITS = {
    "message_blocks": 50, "view_blocks": 100, "section_text": 3000, "section_fields": 10, "field_text": 2000,
    "header_text": 150, "button_text": 75, "button_value": 2000, "id": 255, "actions_elements": 25,
    "select_options": 100, "option_text": 75, "option_value": 150, "context_elements": 10, "text_object": 3000,
    "modal_title": 24, "modal_button": 24, "private_metadata": 3000, "input_label": 2000, "input_hint": 2000,
    "placeholder": 150, "text_input": 3000, "fallback": 4000,
    "message_chars": 12000,  # not documented: msg_blocks_too_long from about 13,000 (slackapi/bolt-js#2509)
}
INJECTION = "<!channel> <!here> <!everyone> <@U123> <#C42|general> <https://evil.example|click> " \
            "<!subteam^S1> & *bold* _it_ ~strike~ `code` ```block``` > quote"


def _size_ok(value: Any, limit: str, where: str) -> None:
    assert isinstance(value, str), f"{where}: not a string: {value!r}"
    assert text_size(value) <= LIMITS[limit], f"{where}: {text_size(value)} > {LIMITS[limit]} ({limit})"


def _text_object(obj: Any, limit: str, where: str, kind: str | None = None) -> None:
    assert isinstance(obj, dict) and obj.get("type") in ("plain_text", "mrkdwn"), f"{where}: {obj!r}"
    if kind:
        assert obj["type"] == kind, f"{where}: must be {kind}"
    assert obj["text"].strip(), f"{where}: empty text"
    _size_ok(obj["text"], limit, where)
    _size_ok(obj["text"], "text_object", where)
    if obj["type"] == "mrkdwn":
        assert obj.get("verbatim") is True, f"{where}: mrkdwn without verbatim"
        # we never make links or mentions, so any "<" in mrkdwn came from user text unescaped
        assert "<" not in obj["text"] and ">" not in obj["text"], f"{where}: unescaped <, > in {obj['text'][:80]!r}"


def _option_list(options: list, where: str) -> set[str]:
    assert 1 <= len(options) <= LIMITS["select_options"], f"{where}: {len(options)} options"
    values = []
    for j, opt in enumerate(options):
        _text_object(opt["text"], "option_text", f"{where}.options[{j}]", "plain_text")
        assert opt["value"], f"{where}: empty option value"
        _size_ok(opt["value"], "option_value", f"{where}.options[{j}].value")
        values.append(opt["value"])
    assert len(set(values)) == len(values), f"{where}: repeated option values"
    return set(values)


def _element(el: dict, where: str) -> None:
    assert el.get("action_id"), f"{where}: no action_id"
    _size_ok(el["action_id"], "id", f"{where}.action_id")
    kind = el["type"]
    if "placeholder" in el:
        _text_object(el["placeholder"], "placeholder", f"{where}.placeholder", "plain_text")
    if kind == "button":
        _text_object(el["text"], "button_text", f"{where}.text", "plain_text")
        if "value" in el:
            assert el["value"], f"{where}: empty value"
            _size_ok(el["value"], "button_value", f"{where}.value")
        assert el.get("style", "primary") in ("primary", "danger"), f"{where}: style"
    elif kind in ("static_select", "multi_static_select"):
        values = _option_list(el["options"], where)
        if "initial_option" in el:
            assert el["initial_option"] in el["options"], f"{where}: initial_option not an option"
        for opt in el.get("initial_options", []):
            assert opt in el["options"] and opt["value"] in values, f"{where}: initial_options not options"
    elif kind == "plain_text_input":
        limit = el.get("max_length", LIMITS["text_input"])
        assert limit <= LIMITS["text_input"]
        assert text_size(el.get("initial_value", "")) <= limit, f"{where}: initial_value too long"
    elif kind == "datepicker":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", el.get("initial_date", "2000-01-01")), where
    else:
        raise AssertionError(f"{where}: unexpected element {kind}")


def check_block(block: dict, where: str) -> None:
    if "block_id" in block:
        assert block["block_id"], f"{where}: empty block_id"
        _size_ok(block["block_id"], "id", f"{where}.block_id")
    kind = block["type"]
    if kind == "section":
        assert "text" in block or block.get("fields"), f"{where}: section without text or fields"
        if "text" in block:
            _text_object(block["text"], "section_text", f"{where}.text")
        fields = block.get("fields", [])
        assert len(fields) <= LIMITS["section_fields"], f"{where}: {len(fields)} fields"
        for j, f in enumerate(fields):
            _text_object(f, "field_text", f"{where}.fields[{j}]")
    elif kind == "header":
        _text_object(block["text"], "header_text", f"{where}.text", "plain_text")
    elif kind == "actions":
        elements = block["elements"]
        assert 1 <= len(elements) <= LIMITS["actions_elements"], f"{where}: {len(elements)} elements"
        ids = [e["action_id"] for e in elements]
        assert len(set(ids)) == len(ids), f"{where}: repeated action_id"
        for j, el in enumerate(elements):
            _element(el, f"{where}.elements[{j}]")
    elif kind == "context":
        elements = block["elements"]
        assert 1 <= len(elements) <= LIMITS["context_elements"], f"{where}: {len(elements)} elements"
        for j, el in enumerate(elements):
            _text_object(el, "text_object", f"{where}.elements[{j}]")
    elif kind == "input":
        _text_object(block["label"], "input_label", f"{where}.label", "plain_text")
        if "hint" in block:
            _text_object(block["hint"], "input_hint", f"{where}.hint", "plain_text")
        _element(block["element"], f"{where}.element")
    elif kind != "divider":
        raise AssertionError(f"{where}: unexpected block {kind}")


def _unique_block_ids(blocks: list[dict], where: str) -> None:
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(set(ids)) == len(ids), f"{where}: repeated block_id in {ids}"


def _text_chars(obj: Any) -> int:
    if isinstance(obj, dict):
        return sum(text_size(v) if k == "text" and isinstance(v, str) else _text_chars(v) for k, v in obj.items())
    if isinstance(obj, list):
        return sum(_text_chars(v) for v in obj)
    return 0


def check_message(message: dict, where: str = "message") -> None:
    assert set(message) == {"text", "blocks"}
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= LIMITS["message_blocks"], f"{where}: {len(blocks)} blocks"
    assert message["text"].strip()
    _size_ok(message["text"], "fallback", f"{where}.text")
    assert "<" not in message["text"], f"{where}: unescaped < in the fallback text"
    assert _text_chars(blocks) <= LIMITS["message_chars"], f"{where}: {_text_chars(blocks)} characters of text"
    _unique_block_ids(blocks, where)
    for i, block in enumerate(blocks):
        check_block(block, f"{where}.blocks[{i}]")
    sdk_blocks(blocks)


def check_view(view: dict, where: str = "view") -> None:
    blocks = view["blocks"]
    assert 1 <= len(blocks) <= LIMITS["view_blocks"], f"{where}: {len(blocks)} blocks"
    _unique_block_ids(blocks, where)
    if view["type"] == "modal":
        for key in ("title", "submit", "close"):
            _text_object(view[key], "modal_title" if key == "title" else "modal_button", f"{where}.{key}",
                         "plain_text")
        _size_ok(view["private_metadata"], "private_metadata", f"{where}.private_metadata")
        _size_ok(view["callback_id"], "id", f"{where}.callback_id")
    else:
        assert view["type"] == "home" and "submit" not in view and "close" not in view
    for i, block in enumerate(blocks):
        check_block(block, f"{where}.blocks[{i}]")
    sdk_blocks(blocks)
    parsed = View(**view)
    parsed.validate_json()
    assert parsed.to_dict()["blocks"] == blocks


def sdk_blocks(blocks: list[dict]) -> None:
    """slack_sdk's models raise on the limits they know; the round trip shows no key was ignored."""
    for block in blocks:
        parsed = SlackBlock.parse(block)
        assert parsed is not None, block
        parsed.validate_json()
        assert parsed.to_dict() == block  # to_dict validates every nested element and text object


# --- reading rendered content back --------------------------------------------------------------

def unformat(md: str) -> str:
    """mrkdwn as the reader sees it, read left to right: an escaped character (zero-width space, the
    character, zero-width space) stays, our bold/italic markers go, as do other zero-width spaces."""
    out, i = [], 0
    while i < len(md):
        if md[i] == ZWSP and i + 2 < len(md) and md[i + 1] in "*_~`" and md[i + 2] == ZWSP:
            out.append(md[i + 1])
            i += 3
            continue
        if md[i] not in ("*", "_", ZWSP):
            out.append(md[i])
        i += 1
    return html.unescape("".join(out))


def shown_texts(blocks: list[dict]) -> Iterator[str]:
    """Every text the blocks show, in reading order, as a reader sees it."""
    for block in blocks:
        if block["type"] in ("section",):
            if "text" in block:
                yield unformat(block["text"]["text"])
            for f in block.get("fields", []):
                yield unformat(f["text"])
        elif block["type"] == "header":
            yield block["text"]["text"]
        elif block["type"] == "context":
            for el in block["elements"]:
                yield unformat(el["text"])
        elif block["type"] == "actions":
            for el in block["elements"]:
                if el["type"] == "button":
                    yield el["text"]["text"]
                for opt in el.get("options", []):
                    yield opt["text"]["text"]


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def assert_in_order(pieces: list[str], shown: str) -> None:
    """Each piece appears in `shown` after the one before (whitespace aside): nothing lost or reordered."""
    shown, pos = _squash(shown), 0
    for piece in pieces:
        p = _squash(piece)
        found = shown.find(p, pos)
        assert found >= 0, f"lost or out of order: {piece[:60]!r}…"
        pos = found + len(p)


def contents(block: Block) -> list[str]:
    """The user-visible strings of a neutral block, in order."""
    if isinstance(block, Text):
        return [s.text for s in block.spans]
    if isinstance(block, Heading):
        return [block.text]
    if isinstance(block, Bullets):
        return [s.text for item in block.items for s in item]
    if isinstance(block, Choices):
        return [c.label for c in block.options]
    if isinstance(block, Card):
        return [block.title, *[x for f in block.fields for x in (f.label, f.value)], block.footer or ""]
    if isinstance(block, Form):
        field = block.pending_field()
        return [block.title, *([field.label, field.hint or ""] if field else [])]
    if isinstance(block, Image):  # no text of its own: Slack gets the file, Teams the picture
        return []
    raise TypeError(block)


def rendered_ok(reply: Reply, language: str | None = None) -> list[dict]:
    """Render, check every message, and check that everything the reply says is shown, in order."""
    messages = render_message(reply, language=language)
    for i, message in enumerate(messages):
        check_message(message, f"message[{i}]")
    shown = "".join(t for m in messages for t in shown_texts(m["blocks"]))
    assert_in_order([c for b in reply.blocks for c in contents(b)], shown)
    plain = escape("\n\n".join(b.plain() for b in reply.blocks if b.plain().strip() and not isinstance(b, Image)))
    if len(messages) == 1 and text_size(plain) <= 4000:  # one message: the reply's own plain text
        assert messages[0]["text"] == plain
    for block in reply.blocks:
        if isinstance(block, Form):
            check_view(render_modal(block, json.dumps({"scope": block.scope}), language=language), "modal")
    home = render_home(list(reply.blocks), language=language)
    check_view(home, "home")
    return messages


# --- a broad set of replies ------------------------------------------------------------------------

def _long_text(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    words = ["order", "quote", "Zoë", "naïve", "€4.630,50", "😀", "👍🏽", "👨‍👩‍👧", "🇳🇱", "e\u0301", "<!channel>",
             "<@U123>", "*bold*", "_it_", "a&b", "~x~", "`c`", "dmu", "decides", "x" * 40]
    out: list[str] = []
    while sum(map(len, out)) < n:
        out.append(rng.choice(words))
        out.append(rng.choice([" ", " ", " ", "\n", "\n\n", "  "]))
    return "".join(out)[:n]


def _every_field_form(pending: str | None = None) -> Form:
    yes_no = [Option(label="yes", value="yes"), Option(label="no — not yet", value="no")]
    many = [Option(label=f"Option {i} ✓", value=f"v{i}") for i in range(1, 101)]
    return Form(scope="debrief.details", title="Debrief é 🤝🤝🤝🤝 <!here>", submit_label="Save *now*", fields=[
        FormField(name="outcome", label="How did it go? <@U123>", kind=FieldKind.LONG_TEXT,
                  initial="They *liked* it & want <more>", hint="a sentence or two"),
        FormField(name="product", label="Product", kind=FieldKind.TEXT, required=False, initial="x" * 2500),
        FormField(name="amount", label="Amount (€)", kind=FieldKind.NUMBER, initial="4.630,50",
                  min_value=0, max_value=10_000_000),
        FormField(name="probability", label="Chance (%)", kind=FieldKind.NUMBER, min_value=0, max_value=100),
        FormField(name="decision_date", label="Decision date", kind=FieldKind.DATE, initial="2027-01-15",
                  hint="“15-03” or “end of the month”"),
        FormField(name="follow_up", label="Follow-up date", kind=FieldKind.DATE, required=False,
                  initial="next tuesday", not_in_past=True),
        FormField(name="dmu_known", label="Do you know who decides?", kind=FieldKind.SELECT, options=yes_no,
                  initial="no"),
        FormField(name="stage", label="Stage", kind=FieldKind.SELECT, options=many, required=False, initial="3"),
        FormField(name="topics", label="Topics", kind=FieldKind.MULTI_SELECT, options=many,
                  initial=["v2", "v99", "nope"]),
        FormField(name="extras", label="Extras", kind=FieldKind.MULTI_SELECT, options=yes_no, required=False,
                  initial="yes, no"),
    ], pending=pending)


def _cases() -> dict[str, Reply]:
    long = _long_text(20_000)
    cases: dict[str, Reply] = {
        "every kind": Reply(blocks=[
            Heading(text="Call plan: Acme"), text("Plain ", bold("bold"), " and ", italic("italic"), "."),
            bullets(["one", ("two ", bold("bold")), "three"]),
            Choices(scope="prep.kind", options=[Choice(label="First visit", value="first", style=ChoiceStyle.PRIMARY),
                                                Choice(label="Stop", value="stop", style=ChoiceStyle.DANGER),
                                                Choice(label="Later", value="later")]),
            Card(title="Acme", fields=[CardField(label="Stage", value="quote"), CardField(label="", value="x"),
                                       CardField(label="Empty", value="")], footer="Updated today"),
            _every_field_form(pending="outcome"),
        ]),
        "injection everywhere": Reply(blocks=[
            Heading(text=INJECTION[:150]), text(INJECTION, bold(INJECTION), italic(INJECTION),
                                                Span(text=INJECTION, bold=True, italic=True)),
            bullets([INJECTION, (bold(INJECTION), " ", italic(INJECTION))]),
            Choices(scope="cmd", options=[Choice(label=INJECTION[:75], value="cmd:help")]),
            Card(title=INJECTION[:150], fields=[CardField(label=INJECTION[:75], value=INJECTION)], footer=INJECTION),
            Form(scope="s.f", title="<!channel>", submit_label="<@U1>", pending="a", fields=[
                FormField(name="a", label=INJECTION[:75], kind=FieldKind.SELECT, hint=INJECTION[:150],
                          options=[Option(label=INJECTION[:75], value="x")], initial="x")]),
        ]),
        "20,000 characters": Reply(blocks=[text(long), text(bold(long)), text(italic(long[:7000]), long[7000:])]),
        "no spaces at all": Reply(blocks=[text("x" * 20_000), text(bold("é" * 9000)), text("👍🏽" * 4000),
                                          text("👨‍👩‍👧" * 1500), text("🇳🇱" * 3000), text("&" * 5000)]),
        "sixty bullets": Reply(blocks=[bullets([f"Item {i}: {_long_text(120, i)}" for i in range(60)]),
                                       bullets([_long_text(5000, 3), "short", _long_text(3100, 4)])]),
        "twelve choices": Reply(blocks=[
            text("Pick one"), Choices(scope="s.pick", options=[Choice(label=f"Choice {i} 🎯", value=f"c{i}")
                                                               for i in range(12)]),
            Choices(scope="s.five", options=[Choice(label=f"B{i}", value=f"b{i}") for i in range(5)]),
            Choices(scope="s.max", options=[Choice(label="L" * 75, value="v" * 140 + str(i)) for i in range(25)]),
        ]),
        "thirty card fields": Reply(blocks=[
            Card(title="Deal — Zoë’s café ☕", footer=_long_text(5000, 9),
                 fields=[CardField(label=f"Field {i} <@U{i}>", value=_long_text(2900 if i % 3 else 10, i))
                         for i in range(30)]),
            Card(title="Long footer", footer=_long_text(30_000, 5),
                 fields=[CardField(label=f"Field {i} <@U{i}>", value=_long_text(2900 if i % 3 else 10, i))
                         for i in range(30)]),
        ]),
        "every field kind": Reply(blocks=[_every_field_form(), _every_field_form(pending="topics"),
                                          _every_field_form(pending="stage")]),
        "non-ascii": Reply(blocks=[Heading(text="Überblick — 进度 🚀"), text("Ça va? ", bold("Größe"), " 日本語 🙂"),
                                   bullets(["naïve résumé", "Ελληνικά", "العربية"])]),
        "many blocks": Reply(blocks=[b for i in range(40) for b in (
            text(bold(f"#{i} Acme"), f" — follow up {i}"),
            Choices(scope="cmd", options=[Choice(label="Done", value=f"cmd:done {i}"),
                                          Choice(label="Tomorrow", value=f"cmd:snooze {i} tomorrow")]))]),
        "heavy message": Reply(blocks=[text(_long_text(2900, i)) for i in range(12)]),
        "weekly digest with its chart": _digest_with_chart(),
        "whitespace and empties": Reply(blocks=[text(" "), text(bold("  "), "\n"), Heading(text=" "), text("ok"),
                                                text(bold(" padded "), "x", italic("\nline one\n\nline two "))]),
    }
    return cases


def _digest_with_chart() -> Reply:
    from coach.digest_chart import forecast_chart
    from tests.coach.test_digest import ALICE, BOB, numbers

    summary, _details = digest_replies(numbers(ALICE, BOB), None, "nl", forecast_chart(numbers(ALICE, BOB), "nl"))
    return summary


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_every_reply_renders_within_limits_and_loses_nothing(name: str) -> None:
    messages = rendered_ok(CASES[name])
    assert messages


def test_long_content_is_split_not_cut() -> None:
    messages = render_message(CASES["20,000 characters"])
    sections = [b for m in messages for b in m["blocks"] if b["type"] == "section"]
    assert len(sections) >= 3 * 7  # 20,000 characters need at least seven sections each
    assert all(text_size(b["text"]["text"]) <= 3000 for b in sections)
    many = render_message(CASES["many blocks"])
    assert len(many) == 2 and [len(m["blocks"]) for m in many] == [50, 30]
    heavy = render_message(CASES["heavy message"])
    assert len(heavy) >= 3  # 12 × 2900 characters do not go in one message


def test_splits_keep_characters_and_emphasis_whole() -> None:
    for message in render_message(CASES["no spaces at all"]) + render_message(CASES["20,000 characters"]):
        for block in message["blocks"]:
            md = block["text"]["text"]
            assert not re.match(r"[\u0300-\u036f\u200d\ufe0f\U0001F3FB-\U0001F3FF]", md), md[:10]
            assert not md.endswith("\u200d")
            assert "&amp" not in md.replace("&amp;", "")  # no entity cut in half
    bold_parts = [b["text"]["text"] for b in render_message(Reply(blocks=[text(bold("é" * 9000))]))[0]["blocks"]]
    assert len(bold_parts) == 4 and all(p.startswith("*") and p.endswith("*") for p in bold_parts)


def test_escape_neutralises_mentions_links_and_formatting() -> None:
    assert escape("<!channel> & <@U123>") == "&lt;!channel&gt; &amp; &lt;@U123&gt;"
    assert escape("*a*") == f"{ZWSP}*{ZWSP}a{ZWSP}*{ZWSP}"
    assert unformat(escape(INJECTION)) == INJECTION
    md = render_message(Reply(blocks=[text(bold("x*y"), " ", italic("_z_"))]))[0]["blocks"][0]["text"]["text"]
    assert md == f"*x{ZWSP}*{ZWSP}y* _{ZWSP}_{ZWSP}z{ZWSP}_{ZWSP}_"
    for message in render_message(CASES["injection everywhere"]):
        mrkdwn = [message["text"], *_mrkdwn_texts(message["blocks"])]
        assert len(mrkdwn) >= 7
        for t in mrkdwn:
            assert "&lt;!channel&gt;" in t and not re.search(r"<[!@#h]", t), t[:80]


def _mrkdwn_texts(obj: Any) -> Iterator[str]:
    if isinstance(obj, dict):
        if obj.get("type") == "mrkdwn":
            yield obj["text"]
        for v in obj.values():
            yield from _mrkdwn_texts(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _mrkdwn_texts(v)


def test_emphasis_goes_around_words_not_spaces_or_line_breaks() -> None:
    md = render_message(Reply(blocks=[text("a", bold(" b c "), "d", italic("e\nf"))]))[0]["blocks"][0]["text"]["text"]
    assert md == "a *b c* d_e_\n_f_"


def test_single_message_fallback_is_the_plain_reply() -> None:
    reply = CASES["every kind"]
    [message] = render_message(reply)
    assert message["text"] == escape(reply.plain())
    parts = render_message(CASES["20,000 characters"])
    assert all(text_size(m["text"]) <= 4000 for m in parts)
    assert render_message(Reply()) == [] and render_message(Reply(blocks=[text("  ")])) == []


def test_choices_become_buttons_or_a_select_with_scoped_block_ids() -> None:
    [message] = render_message(CASES["twelve choices"])
    select, buttons, biggest = [b for b in message["blocks"] if b["type"] == "actions"]
    assert select["block_id"] == "s.pick" and select["elements"][0]["action_id"] == "choice:select"
    assert [o["value"] for o in select["elements"][0]["options"]] == [f"c{i}" for i in range(12)]
    assert buttons["block_id"] == "s.five"
    assert [(e["action_id"], e["value"]) for e in buttons["elements"]] == [(f"choice:{i}", f"b{i}") for i in range(5)]
    assert len(biggest["elements"][0]["options"]) == 25
    [kinds] = render_message(Reply(blocks=[CASES["every kind"].blocks[3]]))
    assert [e.get("style") for e in kinds["blocks"][0]["elements"]] == ["primary", "danger", None]
    first, second = render_message(CASES["many blocks"])
    ids = [b["block_id"] for b in first["blocks"] if b["type"] == "actions"]
    assert ids[:3] == ["cmd", "cmd#2", "cmd#3"] and {scope_of_block(i) for i in ids} == {"cmd"}
    assert scope_of_block("prep.kind") == "prep.kind"


def test_form_message_offers_the_modal_and_the_pending_question() -> None:
    [message] = render_message(Reply(blocks=[_every_field_form(pending="dmu_known")]))
    section, actions = message["blocks"]
    shown = unformat(section["text"]["text"])
    assert "…or answer here: Do you know who decides?" in shown and "[2] no — not yet" in shown and "→ no" in shown
    [button] = actions["elements"]
    assert (button["action_id"], button["value"], button["style"]) == ("open_form", "debrief.details", "primary")
    [nl] = render_message(Reply(blocks=[_every_field_form(pending="outcome")]), language="nl")
    assert "…of antwoord hier:" in nl["blocks"][0]["text"]["text"]


def test_card_fields_ten_per_section_and_long_values_split() -> None:
    messages = render_message(CASES["thirty card fields"])
    sections = [b for m in messages for b in m["blocks"] if b["type"] == "section"]
    assert unformat(sections[0]["text"]["text"]) == "Deal — Zoë’s café ☕"
    assert all(len(s.get("fields", [])) <= 10 for s in sections)
    assert sum(len(s.get("fields", [])) for s in sections) > 30  # 2900-character values take two fields
    assert messages[-1]["blocks"][-1]["type"] == "context"


def test_modal_has_an_input_per_field_kind() -> None:
    form = _every_field_form()
    view = render_modal(form, "meta", language="nl")
    check_view(view, "modal")
    assert (view["callback_id"], view["title"]["text"], view["close"]["text"]) == (
        "coach_form", "Debrief é 🤝🤝🤝🤝 <!he…", "Annuleren")
    assert text_size(view["title"]["text"]) <= 24
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert list(by_id) == [f.name for f in form.fields]
    assert all(b["element"]["action_id"] == "value" for b in view["blocks"])
    assert {n: by_id[n]["element"]["type"] for n in by_id} == {
        "outcome": "plain_text_input", "product": "plain_text_input", "amount": "plain_text_input",
        "probability": "plain_text_input", "decision_date": "datepicker", "follow_up": "datepicker",
        "dmu_known": "static_select", "stage": "static_select", "topics": "multi_static_select",
        "extras": "multi_static_select"}
    assert by_id["outcome"]["element"]["multiline"] is True and by_id["product"]["optional"] is True
    assert by_id["outcome"]["element"]["initial_value"] == "They *liked* it & want <more>"
    assert by_id["amount"]["element"]["initial_value"] == "4.630,50"
    assert by_id["decision_date"]["element"]["initial_date"] == "2027-01-15"
    assert "initial_date" not in by_id["follow_up"]["element"]  # not an ISO date
    assert by_id["dmu_known"]["element"]["initial_option"]["value"] == "no"
    assert by_id["stage"]["element"]["initial_option"]["value"] == "v3"  # "3": the third option
    assert [o["value"] for o in by_id["topics"]["element"]["initial_options"]] == ["v2", "v99"]
    assert [o["value"] for o in by_id["extras"]["element"]["initial_options"]] == ["yes", "no"]
    assert len(by_id["product"]["element"]["initial_value"]) == 2000
    with pytest.raises(ValueError):
        render_modal(form, "x" * 3001)


def _option_state(option: dict) -> dict:
    return {"text": option["text"], "value": option["value"]}


def slack_state(view: dict, answers: dict[str, Any]) -> dict:
    """A view_submission `view.state` as Slack sends it, for these answers (None/[] for empty fields)."""
    values: dict[str, dict] = {}
    for block in view["blocks"]:
        el, answer = block["element"], answers.get(block["block_id"])
        if el["type"] == "plain_text_input":
            state = {"type": "plain_text_input", "value": answer}
        elif el["type"] == "datepicker":
            state = {"type": "datepicker", "selected_date": answer}
        elif el["type"] == "static_select":
            chosen = next((o for o in el["options"] if o["value"] == answer), None)
            state = {"type": "static_select", "selected_option": chosen and _option_state(chosen)}
        else:
            state = {"type": "multi_static_select",
                     "selected_options": [_option_state(o) for o in el["options"] if o["value"] in (answer or [])]}
        values[block["block_id"]] = {el["action_id"]: state}
    return {"values": values}


def test_read_submission_round_trips_every_field_kind() -> None:
    form = _every_field_form()
    view = render_modal(form, "{}")
    answers = {"outcome": "Good talk\nthey want a *proposal* <@U1>", "product": None, "amount": "4.630,50",
               "probability": "60", "decision_date": "2027-01-15", "follow_up": None, "dmu_known": "yes",
               "stage": None, "topics": ["v1", "v100"], "extras": []}
    submitted = {**view, "id": "V123", "state": slack_state(view, answers)}
    View(**submitted).validate_json()  # slack_sdk reads the state shape too
    assert read_submission(submitted) == answers
    values, errors = parse_form(form, read_submission(submitted), Translator("en"), __import__("datetime").date(
        2026, 11, 24))
    assert errors == [] and str(values["amount"]) == "4630.50" and values["topics"] == ["v1", "v100"]
    assert values["extras"] is None and values["decision_date"].isoformat() == "2027-01-15"
    assert read_submission({}) == {} and read_submission({"state": {"values": {"x": {}}}}) == {}


def test_chosen_label_and_without_actions() -> None:
    [message] = render_message(Reply(blocks=[
        text("Which kind?"), CASES["every kind"].blocks[3], text("More"), CASES["twelve choices"].blocks[1]]))
    blocks = message["blocks"]
    assert chosen_label(blocks, "choice:1", "stop") == "Stop"
    assert chosen_label(blocks, "choice:select", "c7") == "Choice 7 🎯"
    assert chosen_label(blocks, "choice:1", "nope") is None and chosen_label([], "choice:0", "x") is None
    after = without_actions(blocks, "✓ <!channel> *Stop*")
    assert [b["type"] for b in after] == ["section", "context", "section"]
    assert after[1]["elements"][0]["text"] == f"✓ &lt;!channel&gt; {ZWSP}*{ZWSP}Stop{ZWSP}*{ZWSP}"
    clicked = without_actions(blocks, "✓ Choice 7", block_id="s.pick")
    assert [b["type"] for b in clicked] == ["section", "section", "context"]
    for result in (after, clicked):
        check_message({"text": "x", "blocks": result})
    assert without_actions(blocks[:1], "note") == blocks[:1]


def test_home_drops_overflow_and_says_how_much() -> None:
    blocks = [b for i in range(80) for b in (text(f"Item {i}"), Choices(scope="cmd", options=[
        Choice(label="Done", value=f"cmd:done {i}")]))]
    view = render_home(blocks)
    check_view(view, "home")
    assert len(view["blocks"]) == 100 and view["blocks"][-1]["type"] == "context"
    assert view["blocks"][-1]["elements"][0]["text"] == "…and 61 more items that do not fit here."
    assert render_home([])["blocks"] == [{"type": "divider"}]
    one_left = [text(f"Item {i}") for i in range(98)] + [text(_long_text(8000))]  # the last one in part
    nl = render_home(one_left, language="nl")["blocks"][-1]["elements"][0]["text"]
    assert nl == "…en nog 1 onderdeel dat hier niet past."


_ALPHABET = st.sampled_from(list("ab c\n*_~`<>&!@#é") + ["😀", "👍🏽", "\u200d", "\u0301", "🇳", "🇱", "  "])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(_ALPHABET, max_size=900).map("".join), st.booleans(), st.booleans(),
                          st.integers(1, 8)), min_size=1, max_size=6))
def test_any_text_renders_within_limits_and_keeps_its_content(parts) -> None:
    spans = [Span(text=t * n, bold=b, italic=i) for t, b, i, n in parts]
    reply = Reply(blocks=[Text(spans=spans), Bullets(items=[spans, spans[:1]]),
                          Card(title="T", fields=[CardField(label="L", value=s.text[:2900]) for s in spans])])
    if not reply.plain().strip():
        return
    messages = render_message(reply)
    for message in messages:
        check_message(message)
    shown = "".join(t for m in messages for t in shown_texts(m["blocks"]))
    assert_in_order([c for b in reply.blocks for c in contents(b)], shown)


# --- every reply of a real conversation -------------------------------------------------------------

def test_every_engine_reply_renders(runtime: Runtime) -> None:
    clock = Clock()
    coach = runtime.coach(clock=clock)
    seen: list[Reply] = []
    handle = coach.handle

    def recording(who, inbound: Inbound) -> Reply:
        reply = handle(who, inbound)
        seen.append(reply)
        return reply

    coach.handle = recording  # type: ignore[method-assign]
    chat = Chat(coach)
    for line in ["help", "blabla", "smart Get the order signed", "cancel", "spin", "How many sites?", "cancel"]:
        chat.send(line)
    chat.command("followups")
    prepare(chat)
    chat.send("tomorrow")
    chat.send("debrief Acme")
    chat.send("1")
    chat.send("still open")
    for answer in ["Good talk, they want a proposal <!channel>", "Packaging *line*", "quote", "4.630,50", "skip",
                   "60", "15-12", "yes", "Send the quote"]:
        chat.send(answer)
    chat.send("next tuesday")
    chat.send("yes")
    out = chat.skip_until("Saved: Acme", chat.send("yes"))  # the prepared goal and objectives: skipped
    assert "Saved: Acme" in out

    # a debrief answered through the modal: render it, answer it as Slack would, read it back
    chat.send("debrief Beta & <@U999>")
    chat.send("1")
    chat.send("1")
    form = chat.form()
    view = render_modal(form, json.dumps({"scope": form.scope}))
    check_view(view, "modal")
    by_name = {f.name: f for f in form.fields}
    answers = {"outcome": "ok", "stage": "prospect", "amount": "10000", "probability": "40",
               "decision_date": "2027-01-15", "dmu_known": "no"}
    assert {"stage", "dmu_known"} <= set(by_name)
    submitted = {**view, "state": slack_state(view, answers)}
    assert "Saved: Beta" in chat.submit(read_submission(submitted))

    out = chat.send("followups")
    assert "Send the quote" in out
    assert "Done:" in chat.click("Done")
    assert "January 2027" in chat.send("pipeline")
    chat.send("prep Gamma")
    chat.click("first")
    chat.send("back")
    chat.send("cancel")
    chat.send("lang nl")
    chat.send("help")
    chat.send("pipeline")
    home = coach.home(chat.who)

    kinds = set()
    for reply in seen:
        kinds |= {type(b).__name__ for b in reply.blocks}
        rendered_ok(reply)
        rendered_ok(reply, language="nl")
    check_view(render_home(home.blocks), "home")
    assert len(seen) > 40
    assert {"Text", "Heading", "Choices", "Form", "Card"} <= kinds, kinds
