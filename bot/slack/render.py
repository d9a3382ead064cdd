"""Block Kit for the neutral reply model: messages, modals, App Home, and reading modal submissions.

Every piece of user or engine text placed in mrkdwn goes through `escape`, so no text can mention
@channel or a user or make a link, and a `*` in someone's notes cannot end our bold. Slack's limits
are kept by splitting (long text over several sections, many blocks over several messages), never
by cutting content off; only labels that are short by design (button and option text, titles) are
shortened to fit. Lengths are counted in UTF-16 code units (`text_size`), never fewer than the
characters, so emoji-heavy text stays inside a limit however Slack counts it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bot.form_fields import initial_shown, initial_values, iso_date, resolve_option
from bot.text_fit import Run, head, shorten, split_runs
from coach.forms import MAX_TEXT_ANSWER
from coach.i18n import Translator, translator
from coach.replies import (
    Block,
    Bullets,
    Card,
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

# Slack's documented limits.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID = 255  # action_id and block_id
MAX_ACTION_ELEMENTS = 25
MAX_SELECT_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_PLACEHOLDER = 150
MAX_MODAL_TITLE = 24
MAX_MODAL_BUTTON = 24
MAX_PRIVATE_METADATA = 3000
MAX_INPUT_LABEL = 2000
MAX_INPUT_HINT = 2000
MAX_TEXT_INPUT = 3000  # plain_text_input max_length
MAX_FALLBACK_TEXT = 4000
# Our own, tighter budgets.
MAX_CONTEXT_TEXT = 2000  # one context element (Slack documents none below a text object's 3000)
MAX_SECTION_CHARS = 6000  # text + fields of one section (a card's), so no single block fills a message
# Not documented: chat.postMessage answers `msg_blocks_too_long` from about 13,000 characters of block
# text in one message (slackapi/bolt-js#2509), far below 50 full sections. Stay under it.
MAX_MESSAGE_CHARS = 12000
MAX_BUTTONS = 5  # more choices than this become a select menu

FORM_CALLBACK = "coach_form"
OPEN_FORM = "open_form"
SELECT_ACTION = "choice:select"
INPUT_ACTION = "value"
ZWSP = "\u200b"

# text ---------------------------------------------------------------------------------------

def text_size(text: str) -> int:
    """The length as Slack may count it: UTF-16 code units (an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


# &, < and > are Slack's control characters (mentions, links); *, _, ~ and ` are mrkdwn formatting, for
# which Slack has no escape: a zero-width space on either side keeps them from opening or closing one.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: f"{ZWSP}{c}{ZWSP}" for c in "*_~`"}})


def escape(text: str) -> str:
    """Text for mrkdwn that shows as typed: no mentions, links or formatting can come out of it."""
    return text.translate(_ESCAPES)


def _fit(raw: str, limit: int, render: Callable[[str], str] = str) -> str:
    """render(raw), shortened with "…" when it would be longer than `limit` (for labels and titles)."""
    return shorten(raw, limit, text_size, render)


_EDGES = re.compile(r"(\s*)(.*?)(\s*)", re.S)


def _md(text: str, bold: bool = False, italic: bool = False) -> str:
    """One run as mrkdwn. Emphasis goes around each line's text, not its edge spaces (Slack needs that)."""
    if not (bold or italic):
        return escape(text)
    lines = []
    for line in text.split("\n"):
        lead, core, trail = _EDGES.fullmatch(line).groups()  # type: ignore[union-attr]
        if core:
            core = escape(core)
            core = f"_{core}_" if italic else core
            core = f"*{core}*" if bold else core
        lines.append(lead + core + trail)
    return "\n".join(lines)


def _runs(spans: Iterable[Span]) -> list[Run]:
    return [(s.text, s.bold, s.italic) for s in spans]


def _md_size(run: Run) -> int:
    return text_size(_md(*run))


def _chunks(runs: Iterable[Run], budget: int) -> list[tuple[str, str]]:
    """Runs as mrkdwn pieces of at most `budget` units, as (mrkdwn, plain text); nothing is dropped but
    pieces that are only whitespace."""
    # a piece is a block of its own: line breaks at its edges show nothing
    return [("".join(_md(*run) for run in piece).strip("\n"), "".join(run[0] for run in piece))
            for piece in split_runs(runs, budget, _md_size)]


def _join_lines(parts: list[tuple[str, str]], budget: int) -> list[tuple[str, str]]:
    """Pieces joined by line breaks into as few pieces of at most `budget` as they fit."""
    out: list[tuple[str, str]] = []
    for md, plain in parts:
        if out and text_size(out[-1][0]) + 1 + text_size(md) <= budget:
            out[-1] = (out[-1][0] + "\n" + md, out[-1][1] + "\n" + plain)
        else:
            out.append((md, plain))
    return out


# text objects and elements -----------------------------------------------------------------

def _mrkdwn(md: str) -> dict:
    # verbatim: Slack leaves the text as it is (no automatic mentions or channel links)
    return {"type": "mrkdwn", "text": md, "verbatim": True}


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": _fit(text if text.strip() else "…", limit), "emoji": True}


def _section(md: str) -> dict:
    return {"type": "section", "text": _mrkdwn(md)}


def _option(label: str, value: str) -> dict:
    return {"text": _plain(label, MAX_OPTION_TEXT), "value": value}


def _text_chars(obj: Any) -> int:
    """The characters of text a block shows (what `msg_blocks_too_long` seems to count)."""
    if isinstance(obj, dict):
        own = text_size(obj["text"]) if isinstance(obj.get("text"), str) else 0
        return own + sum(_text_chars(v) for k, v in obj.items() if not (k == "text" and isinstance(v, str)))
    if isinstance(obj, list):
        return sum(_text_chars(v) for v in obj)
    return 0


# neutral blocks -----------------------------------------------------------------------------

_Rendered = list[tuple[dict, str]]  # Slack blocks, each with the plain text it shows


def _render_block(block: Block, t: Translator) -> _Rendered:
    if isinstance(block, Text):
        return [(_section(md), plain) for md, plain in _chunks(_runs(block.spans), MAX_SECTION_TEXT)]
    if isinstance(block, Heading):
        return _heading(block)
    if isinstance(block, Bullets):
        parts: list[tuple[str, str]] = []
        for item in block.items:
            parts += _chunks([("• ", False, False), *_runs(item)], MAX_SECTION_TEXT)
        return [(_section(md), plain) for md, plain in _join_lines(parts, MAX_SECTION_TEXT)]
    if isinstance(block, Choices):
        return [(_choices(block, t), block.plain())]
    if isinstance(block, Form):
        return _form(block, t)
    if isinstance(block, Card):
        return _card(block)
    if isinstance(block, Image):  # Block Kit takes no image bytes: the sender uploads it as a file
        return []
    raise TypeError(f"cannot render {type(block).__name__}")


def _heading(block: Heading) -> _Rendered:
    if not block.text.strip():
        return []
    if text_size(block.text) <= MAX_HEADER_TEXT:
        return [({"type": "header", "text": _plain(block.text, MAX_HEADER_TEXT)}, block.text)]
    return [(_section(md), plain) for md, plain in _chunks([(block.text, True, False)], MAX_SECTION_TEXT)]


def _choices(block: Choices, t: Translator) -> dict:
    if len(block.options) <= MAX_BUTTONS:
        elements = []
        for i, choice in enumerate(block.options):
            button = {"type": "button", "action_id": f"choice:{i}", "text": _plain(choice.label, MAX_BUTTON_TEXT),
                      "value": choice.value}
            if choice.style != ChoiceStyle.DEFAULT:
                button["style"] = choice.style.value
            elements.append(button)
    else:
        elements = [{"type": "static_select", "action_id": SELECT_ACTION,
                     "placeholder": _plain(t.gettext("Choose…"), MAX_PLACEHOLDER),
                     "options": [_option(c.label, c.value) for c in block.options]}]
    actions: dict[str, Any] = {"type": "actions", "elements": elements}
    if block.scope:
        actions["block_id"] = block.scope
    return actions


def _form(form: Form, t: Translator) -> _Rendered:
    runs: list[Run] = [(form.title, True, False)]
    field = form.pending_field()
    if field is None:
        runs.append(("\n" + ", ".join(f.label for f in form.fields), False, False))
    else:
        runs += [("\n" + t.gettext("…or answer here:") + " ", False, False), (field.label, True, False)]
        if field.hint:
            runs += [(" — ", False, False), (field.hint, False, True)]
        runs += [(f"\n[{i}] {opt.label}", False, False) for i, opt in enumerate(field.options, 1)]
        shown = initial_shown(field)
        if shown:
            runs.append(("\n→ " + ", ".join(shown), False, False))
    out: _Rendered = [(_section(md), plain) for md, plain in _chunks(runs, MAX_SECTION_TEXT)]
    button: dict[str, Any] = {"type": "button", "action_id": OPEN_FORM, "style": "primary",
                              "text": _plain(form.title, MAX_BUTTON_TEXT)}
    if form.scope:
        button["value"] = form.scope
    out.append(({"type": "actions", "elements": [button]}, form.title))
    return out


def _card(card: Card) -> _Rendered:
    fields: list[tuple[str, str]] = []
    for f in card.fields:
        runs: list[Run] = [(f.label, True, False), ("\n" if f.label and f.value else "", False, False),
                            (f.value, False, False)]
        fields += _chunks(runs, MAX_FIELD_TEXT)
    titles = _chunks([(card.title, True, False)], MAX_SECTION_TEXT)
    out: _Rendered = [(_section(md), plain) for md, plain in titles[:-1]]
    section: dict[str, Any] = _section(titles[-1][0]) if titles else {"type": "section"}
    plains = [titles[-1][1]] if titles else []
    chars = _text_chars(section)
    for md, plain in fields:
        size = text_size(md)
        if section.get("fields") and (len(section["fields"]) == MAX_SECTION_FIELDS
                                      or chars + size > MAX_SECTION_CHARS):
            out.append((section, "\n".join(plains)))
            section, plains, chars = {"type": "section"}, [], 0
        section.setdefault("fields", []).append(_mrkdwn(md))
        plains.append(plain)
        chars += size
    if "text" in section or section.get("fields"):
        out.append((section, "\n".join(plains)))
    if card.footer:
        groups: list[list[tuple[str, str]]] = []
        for md, plain in _chunks([(card.footer, False, False)], MAX_CONTEXT_TEXT):
            if not groups or len(groups[-1]) == MAX_CONTEXT_ELEMENTS or \
                    sum(text_size(m) for m, _p in groups[-1]) + text_size(md) > MAX_SECTION_CHARS:
                groups.append([])
            groups[-1].append((md, plain))
        out += [({"type": "context", "elements": [_mrkdwn(md) for md, _p in group]},
                 "\n".join(p for _md, p in group)) for group in groups]
    return out


# messages and views -------------------------------------------------------------------------

def _unique_ids(blocks: list[dict]) -> list[dict]:
    """Block ids must be unique in a message or view: a repeated scope becomes `scope#2`, `scope#3`."""
    seen: set[str] = set()
    out = []
    for block in blocks:
        block_id = block.get("block_id")
        if block_id is not None:
            new, n = block_id, 1
            while new in seen:
                n += 1
                suffix = f"#{n}"
                new = block_id[:MAX_ID - len(suffix)] + suffix
            seen.add(new)
            if new != block_id:
                block = {**block, "block_id": new}
        out.append(block)
    return out


def scope_of_block(block_id: str) -> str:
    """The dialog scope of a clicked block: its block id without a `#2` de-duplication suffix."""
    base, sep, n = block_id.rpartition("#")
    return base if sep and n.isdecimal() else block_id


def _render_all(blocks: Sequence[Block], t: Translator) -> list[tuple[int, dict, str]]:
    return [(i, b, plain) for i, block in enumerate(blocks) for b, plain in _render_block(block, t)]


def render_message(reply: Reply, *, language: str | None = None) -> list[dict]:
    """The reply as Slack messages, `{"text": fallback, "blocks": [...]}` each; more than one when it
    is too long for one. An empty reply is no message."""
    rendered = _render_all(reply.blocks, translator(language))
    parts = Counter(i for i, _b, _p in rendered)
    groups: list[list[tuple[int, dict, str]]] = []
    chars = 0
    for item in rendered:
        size = _text_chars(item[1])
        if not groups or len(groups[-1]) >= MAX_MESSAGE_BLOCKS or chars + size > MAX_MESSAGE_CHARS:
            groups.append([])
            chars = 0
        groups[-1].append(item)
        chars += size
    return [{"text": _fallback(reply.blocks, group, parts), "blocks": _unique_ids([b for _i, b, _p in group])}
            for group in groups]


def _fallback(blocks: Sequence[Block], group: list[tuple[int, dict, str]], parts: Counter) -> str:
    """The plain text of what one message shows: whole blocks' `plain()`, else the parts it has."""
    texts: list[str] = []
    here = Counter(i for i, _b, _p in group)
    for i in dict.fromkeys(i for i, _b, _p in group):
        if here[i] == parts[i]:
            texts.append(blocks[i].plain())
        else:
            texts.append("\n".join(p for j, _b, p in group if j == i))
    return _fit("\n\n".join(texts), MAX_FALLBACK_TEXT, escape)


def render_home(blocks: list[Block], *, language: str | None = None) -> dict:
    """An App Home view of the blocks; what does not fit in 100 blocks is left out, and a last line says
    how many of the given blocks were (partly) not shown."""
    t = translator(language)
    rendered = _render_all(blocks, t)
    if len(rendered) > MAX_VIEW_BLOCKS:
        kept = rendered[:MAX_VIEW_BLOCKS - 1]
        shown = Counter(i for i, _b, _p in kept)
        total = Counter(i for i, _b, _p in rendered)
        left = sum(1 for i in total if shown[i] < total[i])
        note = t.ngettext("…and {n} more item that does not fit here.", "…and {n} more items that do not fit here.",
                          left).format(n=left)
        rendered = [*kept, (-1, {"type": "context", "elements": [_mrkdwn(escape(note))]}, note)]
    view_blocks = _unique_ids([b for _i, b, _p in rendered]) or [{"type": "divider"}]
    return {"type": "home", "blocks": view_blocks}


# modals ---------------------------------------------------------------------------------------

def _element(field: FormField, t: Translator) -> dict:
    element: dict[str, Any] = {"action_id": INPUT_ACTION}
    initial = initial_values(field)
    if field.kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT):
        options = [_option(o.label, o.value) for o in field.options]
        by_value = {o["value"]: o for o in options}
        chosen = list(dict.fromkeys(v for v in (resolve_option(field, token) for token in initial) if v is not None))
        element["placeholder"] = _plain(t.gettext("Choose…"), MAX_PLACEHOLDER)
        element["options"] = options
        if field.kind == FieldKind.SELECT:
            element["type"] = "static_select"
            if chosen:
                element["initial_option"] = by_value[chosen[0]]
        else:
            element["type"] = "multi_static_select"
            if chosen:
                element["initial_options"] = [by_value[v] for v in chosen]
        return element
    if field.kind == FieldKind.DATE:
        element["type"] = "datepicker"
        day = iso_date(field.initial)
        if day:
            element["initial_date"] = day
        return element
    # numbers are typed too ("4.630,50"): Slack's number_input would refuse the Dutch notation
    element["type"] = "plain_text_input"
    raw = field.initial if isinstance(field.initial, str) else ", ".join(initial)
    if field.kind == FieldKind.NUMBER:
        if field.min_value is not None or field.max_value is not None:
            low = "…" if field.min_value is None else str(field.min_value)
            high = "…" if field.max_value is None else str(field.max_value)
            element["placeholder"] = _plain(f"{low}–{high}", MAX_PLACEHOLDER)
        limit = MAX_TEXT_INPUT
    else:
        element["multiline"] = field.kind == FieldKind.LONG_TEXT
        limit = element["max_length"] = MAX_TEXT_ANSWER
    if raw and raw.strip():
        element["initial_value"] = head(raw, limit, text_size)
    return element


def render_modal(form: Form, private_metadata: str, *, language: str | None = None) -> dict:
    """The form as a Slack modal (callback `coach_form`); each field an input block named after it."""
    if text_size(private_metadata) > MAX_PRIVATE_METADATA:
        raise ValueError(f"private_metadata is longer than {MAX_PRIVATE_METADATA} characters")
    t = translator(language)
    blocks = []
    for field in form.fields[:MAX_VIEW_BLOCKS]:
        block: dict[str, Any] = {"type": "input", "block_id": field.name, "optional": not field.required,
                                 "label": _plain(field.label, MAX_INPUT_LABEL), "element": _element(field, t)}
        if field.hint:
            block["hint"] = _plain(field.hint, MAX_INPUT_HINT)
        blocks.append(block)
    return {"type": "modal", "callback_id": FORM_CALLBACK, "title": _plain(form.title, MAX_MODAL_TITLE),
            "submit": _plain(form.submit_label, MAX_MODAL_BUTTON),
            "close": _plain(t.gettext("Cancel"), MAX_MODAL_BUTTON),
            "private_metadata": private_metadata, "blocks": blocks}


def read_submission(view: dict) -> dict[str, str | list[str] | None]:
    """Field name → the raw value submitted: text as typed, a date as YYYY-MM-DD, the chosen option
    value(s); None for an empty field."""
    out: dict[str, str | list[str] | None] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        if not isinstance(actions, dict) or not actions:
            continue
        state = actions.get(INPUT_ACTION, next(iter(actions.values())))
        if not isinstance(state, dict):
            continue
        if "selected_options" in state or state.get("type") in ("multi_static_select", "checkboxes"):
            out[block_id] = [o["value"] for o in state.get("selected_options") or [] if "value" in o]
        elif "selected_option" in state or state.get("type") in ("static_select", "radio_buttons"):
            out[block_id] = (state.get("selected_option") or {}).get("value")
        elif "selected_date" in state or state.get("type") == "datepicker":
            out[block_id] = state.get("selected_date")
        else:
            out[block_id] = state.get("value")
    return out


# after a click ------------------------------------------------------------------------------

def _label(text_object: Any) -> str | None:
    return text_object.get("text") if isinstance(text_object, dict) else None


def chosen_label(blocks: list[dict], action_id: str, value: str) -> str | None:
    """The label of the button (or select option) with this action id and value, if the blocks have it."""
    for block in blocks:
        if block.get("type") == "actions":
            elements = block.get("elements") or []
        elif block.get("type") == "section":
            elements = [block.get("accessory")]
        else:
            continue
        for element in elements:
            if not isinstance(element, dict) or element.get("action_id") != action_id:
                continue
            if element.get("type") == "button" and element.get("value") == value:
                return _label(element.get("text"))
            for option in element.get("options") or []:
                if option.get("value") == value:
                    return _label(option.get("text"))
    return None


def without_actions(message_blocks: list[dict], note: str, *, block_id: str | None = None) -> list[dict]:
    """The message's blocks with no buttons left: the clicked actions block (`block_id`, else the first)
    becomes a context line with `note`, and other actions blocks are dropped."""
    actions = [i for i, b in enumerate(message_blocks) if b.get("type") == "actions"]
    if not actions:
        return list(message_blocks)
    target = next((i for i in actions if block_id is not None and message_blocks[i].get("block_id") == block_id),
                  actions[0])
    out = []
    for i, block in enumerate(message_blocks):
        if block.get("type") != "actions":
            out.append(block)
        elif i == target and note.strip():
            out.append({"type": "context", "elements": [_mrkdwn(_fit(note, MAX_CONTEXT_TEXT, escape))]})
    return out
