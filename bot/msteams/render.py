"""Adaptive Cards for the neutral reply model, and reading their submits back.

Teams shows cards up to version 1.5. User and engine text only goes into TextRuns and plain-text
properties (input labels, button and choice titles), which Teams never reads as markdown, so a `*` or a
`[link](…)` in someone's notes shows as typed; that is why a Card's fields are rows of RichTextBlocks,
not a FactSet (whose facts are markdown). `<at>` is broken with a zero-width space, so no text can look
like a mention. Teams refuses a message over about 28 KB: every card stays under MAX_CARD_BYTES (its
JSON with non-ASCII escaped, so never fewer bytes than Teams counts). Long text is split over several
cards; only what does not fit in MAX_CARDS cards, and options of a form too big for one card (whose texts
are then shortened too), are left out, with a line that says how many.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from bot.form_fields import initial_values, iso_date, resolve_option
from bot.text_fit import Run, head, shorten, split_runs
from coach.forms import MAX_TEXT_ANSWER
from coach.i18n import Translator, translator
from coach.money import parse_amount
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
    Reply,
    Span,
    Text,
)

CARD_VERSION = "1.5"  # the highest Teams supports
SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_CARD_BYTES = 24_000  # Teams' limit is about 28 KB for the whole activity
MAX_CARDS = 10  # cards for one reply; what does not fit is left out with a note
MAX_BUTTONS = 5  # more choices than this become a drop-down
ROW_CHARS = 40  # buttons whose labels together are longer are stacked, one a row, so none is cut off
UNIT_BYTES = MAX_CARD_BYTES - 1_000  # the most one indivisible part (a form, a drop-down) may take
TEXT_BYTES = 4_000  # one RichTextBlock of a long text
CHOICE_INPUT = "choice"  # the drop-down of a Choices block with many options
FORM_ID = "coach-form"  # the container of a form
RESERVED = ("coach", "scope", "multi")  # keys of our submit data: never form fields
ZWSP = "\u200b"

_STYLES = {ChoiceStyle.PRIMARY: "positive", ChoiceStyle.DANGER: "destructive"}


def _items_left_out(t: Translator, n: int) -> str:
    return t.ngettext("…and {n} more item that does not fit here.", "…and {n} more items that do not fit here.",
                      n).format(n=n)


# text ---------------------------------------------------------------------------------------

_MENTION = re.compile(r"<(?=\s*/?\s*at\b)", re.IGNORECASE)


def neutral(text: str) -> str:
    """Text that cannot become a Teams mention: `<at>` gets a zero-width space after its `<`."""
    return _MENTION.sub("<" + ZWSP, text)


def card_bytes(obj: Any) -> int:
    """The size of a card (or part of one) as JSON, with non-ASCII escaped as \\uXXXX: an upper bound."""
    return len(json.dumps(obj))


def _clip(text: str, limit: int | None) -> str:
    """The text, shortened with "…" when its JSON would take more than `limit` bytes."""
    return text if limit is None else shorten(text, limit, card_bytes)


def _run(text: str, bold: bool = False, italic: bool = False, **style: Any) -> dict:
    run: dict[str, Any] = {"type": "TextRun", "text": neutral(text)}
    if bold:
        run["weight"] = "Bolder"
    if italic:
        run["italic"] = True
    return run | style


def _rich(inlines: list[dict]) -> dict:
    return {"type": "RichTextBlock", "inlines": inlines}


def _line(text: str, **style: Any) -> dict:
    return _rich([_run(text, **style)])


def _chunks(pieces: Sequence[Run], budget: int = TEXT_BYTES, **style: Any) -> list[dict]:
    """The pieces as RichTextBlocks of at most `budget` bytes; nothing is lost but blocks of only whitespace."""
    def size(piece: Run) -> int:
        return card_bytes(_run(*piece, **style)) + 2  # its JSON and the ", " before the next run

    out = []
    for part in split_runs(pieces, budget, size):
        runs = [_run(*piece, **style) for piece in part]
        runs[0]["text"] = runs[0]["text"].lstrip("\n")  # a block of its own: line breaks at its edges show nothing
        runs[-1]["text"] = runs[-1]["text"].rstrip("\n")
        out.append(_rich([r for r in runs if r["text"]]))
    return out


def _pieces(spans: Sequence[Span]) -> list[Run]:
    return [(s.text, s.bold, s.italic) for s in spans]


# neutral blocks as units --------------------------------------------------------------------

@dataclass
class _Unit:
    """Card elements that stay together in one card, from the reply's block number `block`."""

    block: int
    elements: list[dict]
    group: int | None = None  # consecutive units of one group share a Container (a Card block's parts)
    inputs: bool = False  # at most one unit with inputs per card, so a submit gathers only its own


def _units(block: Block, i: int, t: Translator) -> list[_Unit]:
    if isinstance(block, Text):
        return [_Unit(i, [rich]) for rich in _chunks(_pieces(block.spans))]
    if isinstance(block, Heading):
        return [_Unit(i, [rich]) for rich in _chunks([(block.text, True, False)], size="Medium")]
    if isinstance(block, Bullets):
        return [_Unit(i, [rich]) for item in block.items for rich in _chunks([("• ", False, False), *_pieces(item)])]
    if isinstance(block, Choices):
        return _choices(block, i, t)
    if isinstance(block, Form):
        return [_form(block, i, t)]
    if isinstance(block, Card):
        return _card(block, i)
    if isinstance(block, Image):  # Teams shows a data URI image inside the card
        return [_Unit(i, [{"type": "Image", "url": f"data:image/png;base64,{block.png_base64}",
                           "altText": neutral(block.alt), "size": "Stretch"}])]
    raise TypeError(f"cannot render {type(block).__name__}")


def _action_set(actions: list[dict]) -> dict:
    return {"type": "ActionSet", "actions": actions}


def _button(scope: str, choice: Choice) -> dict:
    button = {"type": "Action.Submit", "title": neutral(choice.label), "associatedInputs": "none",
              "data": {"coach": "choice", "scope": scope, "value": choice.value, "label": choice.label}}
    if choice.style in _STYLES:
        button["style"] = _STYLES[choice.style]
    return button


def _dropdown(block: Choices, options: list[Choice], t: Translator) -> list[dict]:
    choices = [{"title": neutral(c.label), "value": c.value} for c in options]
    submit = {"type": "Action.Submit", "title": t.gettext("OK"), "style": "positive",
              "data": {"coach": "choice", "scope": block.scope}}
    return [{"type": "Input.ChoiceSet", "id": CHOICE_INPUT, "style": "compact", "label": t.gettext("Pick one"),
             "placeholder": t.gettext("Choose…"), "isRequired": True, "errorMessage": t.gettext("Pick one first."),
             "choices": choices},
            _action_set([submit])]


def _choices(block: Choices, i: int, t: Translator) -> list[_Unit]:
    """Buttons, or a drop-down with an OK button; split over several cards when their labels are too long."""
    if len(block.options) <= MAX_BUTTONS:
        buttons = [_button(block.scope, c) for c in block.options]
        if card_bytes(_action_set(buttons)) > UNIT_BYTES:
            return [_Unit(i, [_action_set([b])]) for b in buttons]
        if sum(len(c.label) for c in block.options) > ROW_CHARS:  # would be cut off side by side: stack them
            return [_Unit(i, [_action_set([b]) for b in buttons])]
        return [_Unit(i, [_action_set(buttons)])]
    groups: list[list[Choice]] = [[]]
    for choice in block.options:
        if groups[-1] and card_bytes(_dropdown(block, [*groups[-1], choice], t)) > UNIT_BYTES:
            groups.append([])
        groups[-1].append(choice)
    return [_Unit(i, _dropdown(block, group, t), inputs=True) for group in groups]


def _card(card: Card, i: int) -> list[_Unit]:
    parts = _chunks([(card.title, True, False)])
    for f in card.fields:
        parts += _rows(f)
    if card.footer:
        parts += _chunks([(card.footer, False, False)], isSubtle=True, size="Small")
    return [_Unit(i, [part], group=i) for part in parts]


def _rows(f: CardField) -> list[dict]:
    """A field as a label and value side by side (a long value continues in rows with no label)."""
    labels = _chunks([(f.label, True, False)])
    values = _chunks([(f.value, False, False)]) or ([None] if labels else [])
    return [_columns(labels if n == 0 else [], [value] if value else []) for n, value in enumerate(values)]


def _columns(left: list[dict], right: list[dict]) -> dict:
    return {"type": "ColumnSet", "columns": [{"type": "Column", "width": 1, "items": left},
                                             {"type": "Column", "width": 2, "items": right}]}


# forms --------------------------------------------------------------------------------------

# (options shown per select, bytes for each label, hint, option title, typed value and option value):
# a form too big for one card is shown again with fewer options and shorter texts, until it fits.
_FORM_STEPS: tuple[tuple[int, int | None], ...] = ((100, None), (40, 240), (12, 96), (3, 32))


def _form(form: Form, i: int, t: Translator) -> _Unit:
    for room, clip in _FORM_STEPS:
        unit = _Unit(i, [_form_container(form, t, room, clip)], inputs=True)
        if card_bytes(unit.elements) <= UNIT_BYTES:
            break
    return unit  # the last step fits the largest form the model allows (tested)


def _form_container(form: Form, t: Translator, room: int, clip: int | None) -> dict:
    items = [_line(form.title, bold=True, size="Medium")]
    for field in form.fields:
        items += _field(field, t, room, clip)
    data: dict[str, Any] = {"coach": "form", "scope": form.scope}
    multi = [f.name for f in form.fields if f.kind == FieldKind.MULTI_SELECT]
    if multi:
        data["multi"] = multi
    submit = {"type": "Action.Submit", "title": neutral(form.submit_label), "style": "positive", "data": data}
    return {"type": "Container", "id": FORM_ID, "items": [*items, _action_set([submit])]}


def _field(field: FormField, t: Translator, room: int, clip: int | None) -> list[dict]:
    """The input for one field, then its hint and a note about options left out, as subtle lines."""
    element: dict[str, Any] = {"id": field.name, "label": neutral(_clip(field.label, clip))}
    if field.required:
        needed = t.gettext("“{field}” is needed.").format(field=field.label)
        element |= {"isRequired": True, "errorMessage": neutral(_clip(needed, clip))}
    notes = [field.hint] if field.hint else []
    if field.kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT):
        element |= _choice_set(field, t, room, clip)
        if len(field.options) > room:
            left = len(field.options) - room
            notes.append(t.ngettext("…and {n} more option that does not fit here.",
                                    "…and {n} more options that do not fit here.", left).format(n=left))
    elif field.kind == FieldKind.DATE:
        element["type"] = "Input.Date"
        day = iso_date(field.initial)
        if day:
            element["value"] = day
    elif field.kind == FieldKind.NUMBER:
        element |= _number(field)
    else:
        element |= {"type": "Input.Text", "maxLength": MAX_TEXT_ANSWER}
        if field.kind == FieldKind.LONG_TEXT:
            element["isMultiline"] = True
        raw = field.initial if isinstance(field.initial, str) else ", ".join(initial_values(field))
        raw = head(raw, MAX_TEXT_ANSWER, len)
        if raw.strip():
            element["value"] = _clip(raw, clip)
    return [element, *(_line(_clip(note, clip), isSubtle=True, size="Small") for note in notes)]


def _choice_set(field: FormField, t: Translator, room: int, clip: int | None) -> dict:
    """A drop-down. An option value with a comma (a multi-select answers "a,b") or longer than `clip` goes as its
    number, which the engine reads as that option, as it does a typed answer."""
    multi = field.kind == FieldKind.MULTI_SELECT
    tokens = {o.value: (str(n) if (multi and "," in o.value) or (clip and card_bytes(o.value) > clip) else o.value)
              for n, o in enumerate(field.options, 1)}
    shown = field.options[:room]
    chosen = [v for v in dict.fromkeys(resolve_option(field, token) for token in initial_values(field))
              if v is not None and v in {o.value for o in shown}]
    element: dict[str, Any] = {
        "type": "Input.ChoiceSet", "style": "compact", "placeholder": t.gettext("Choose…"),
        "choices": [{"title": neutral(_clip(o.label, clip)), "value": tokens[o.value]} for o in shown]}
    if multi:
        element["isMultiSelect"] = True
    if chosen:
        element["value"] = ",".join(tokens[v] for v in (chosen if multi else chosen[:1]))
    return element


def _number(field: FormField) -> dict:
    element: dict[str, Any] = {"type": "Input.Number"}
    if field.min_value is not None:
        element["min"] = field.min_value
    if field.max_value is not None:
        element["max"] = field.max_value
    try:  # a typed initial answer may be in Dutch notation ("4.630,50")
        value = parse_amount(field.initial) if isinstance(field.initial, str) else None
    except (ValueError, ArithmeticError):
        value = None
    if value is not None:
        element["value"] = int(value) if value == value.to_integral_value() else float(value)
    return element


# cards --------------------------------------------------------------------------------------

def _new_card(units: Sequence[_Unit]) -> dict:
    body: list[dict] = []
    group = None
    for unit in units:
        if unit.group is not None and unit.group == group:
            body[-1]["items"].extend(unit.elements)
            continue
        if unit.group is not None:
            body.append({"type": "Container", "style": "emphasis", "items": list(unit.elements)})
        else:
            body.extend(unit.elements)
        group = unit.group
    return {"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": CARD_VERSION, "body": body}


def _pack(units: list[_Unit]) -> list[list[_Unit]]:
    """Units in order over as few cards as keep each under MAX_CARD_BYTES and one input unit per card."""
    cards: list[list[_Unit]] = []
    for unit in units:
        current = cards[-1] if cards else []
        if not cards or (unit.inputs and any(u.inputs for u in current)) \
                or card_bytes(_new_card([*current, unit])) > MAX_CARD_BYTES:
            cards.append([])
        cards[-1].append(unit)
    return cards


def _cut_to_max(cards: list[list[_Unit]], units: list[_Unit], t: Translator) -> list[dict]:
    """The first MAX_CARDS cards; the last one ends with a note of how many blocks were (partly) left out."""
    kept = [list(c) for c in cards[:MAX_CARDS]]
    last = kept[-1]
    worst = _Unit(-1, [_line(_items_left_out(t, 10**6), isSubtle=True, italic=True)])
    while len(last) > 1 and card_bytes(_new_card([*last, worst])) > MAX_CARD_BYTES:
        last.pop()
    shown = {id(u) for card in kept for u in card}
    left = len({u.block for u in units if id(u) not in shown})
    note = _Unit(-1, [_line(_items_left_out(t, left), isSubtle=True, italic=True)])
    return [_new_card(c) for c in kept[:-1]] + [_new_card([*last, note])]


def render_cards(reply: Reply, *, language: str | None = None) -> list[dict]:
    """The reply as Adaptive Cards, one message each, in order; none for an empty reply. `language` (else the
    reply's) picks the few words the cards add."""
    t = translator(language or reply.language)
    units = [u for i, block in enumerate(reply.blocks) for u in _units(block, i, t)]
    cards = _pack(units) if units else []
    if len(cards) > MAX_CARDS:
        return _cut_to_max(cards, units, t)
    return [_new_card(c) for c in cards]


# after a click ------------------------------------------------------------------------------

def _interactive(element: dict) -> bool:
    kind = element.get("type")
    return kind == "ActionSet" or (isinstance(kind, str) and kind.startswith("Input.")) or element.get("id") == FORM_ID


def without_actions(card: dict, note: str) -> dict:
    """A copy of the card with no buttons, inputs or forms left; the first of them becomes the line `note`
    (at the end when the card only had card-level actions). A card with none is returned as it was."""
    placed = False
    line = [_line(note)] if note.strip() else []

    def strip(items: list) -> list:
        nonlocal placed
        out = []
        for element in items:
            if isinstance(element, dict) and _interactive(element):
                out += [] if placed else line
                placed = True
                continue
            if isinstance(element, dict) and isinstance(element.get("items"), list):
                element = {**element, "items": strip(element["items"])}
            if isinstance(element, dict) and isinstance(element.get("columns"), list):
                element = {**element, "columns": strip(element["columns"])}
            out.append(element)
        return out

    copy = {k: v for k, v in card.items() if k != "actions"}
    copy["body"] = strip(card.get("body") or [])
    if not placed and card.get("actions"):
        copy["body"] += line
    return copy


@dataclass(frozen=True)
class Submitted:
    """What a click on one of our cards sent: a choice (its value) or a form (field name → raw answer)."""

    kind: Literal["choice", "form"]
    scope: str | None
    value: str | None
    form: dict[str, str | list[str] | None] | None
    label: str | None


def _text(value: Any) -> str | None:
    """A submitted value as text: Teams sends strings, but a number or flag is read too; anything else is None."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value if isinstance(value, str) and value != "" else None


def _answer(value: Any, multi: bool) -> str | list[str] | None:
    if not multi:
        return _text(value)
    parts = value if isinstance(value, list) else (_text(value) or "").split(",")
    return [p for p in (_text(x) for x in parts) if p and p.strip()] or None


def parse_submit(value: Any) -> Submitted | None:
    """The submit of one of our cards (Teams' `activity.value`, or an Action.Execute's data); None for anything
    else, junk included. A form's empty answers are None and its multi-selects lists of option values."""
    if not isinstance(value, dict):
        return None
    kind = value.get("coach")
    scope = value.get("scope") if isinstance(value.get("scope"), str) and value.get("scope") else None
    if kind == "choice":
        chosen = _text(value.get("value", value.get(CHOICE_INPUT)))
        label = value.get("label") if isinstance(value.get("label"), str) else None
        return Submitted("choice", scope, chosen, None, label) if chosen is not None else None
    if kind == "form":
        multi = value.get("multi")
        multi = {m for m in multi if isinstance(m, str)} if isinstance(multi, list) else set()
        form = {k: _answer(v, k in multi) for k, v in value.items() if isinstance(k, str) and k not in RESERVED}
        return Submitted("form", scope, None, form, None)
    return None
