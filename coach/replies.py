"""The platform-neutral reply model.

The engine answers with a list of blocks; `bot/console` renders them as terminal text, and the Slack
and Teams adapters as Block Kit and Adaptive Cards. Text is a list of spans, so renderers escape
every piece of user-supplied text themselves and emphasis never depends on markup in user input.
Every block has a plain-text fallback (`plain()`), which adapters use for notifications and as the
last resort.
"""

from __future__ import annotations

import base64
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Limits that keep every block renderable on all three platforms (Slack's are the tightest:
# 75-character button text, 3000-character section text, 100 options in a select).
MAX_LABEL = 75
MAX_TEXT = 2900
MAX_CHOICES = 25
MAX_VALUE = 150
MAX_IMAGE = 16_000  # base64 characters (12 KB of PNG): room for text beside it in a Teams card (about 28 KB)


class _Block(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Block):
    text: str
    bold: bool = False
    italic: bool = False


def _spans(parts: tuple[str | Span, ...]) -> list[Span]:
    return [p if isinstance(p, Span) else Span(text=p) for p in parts]


class Text(_Block):
    kind: Literal["text"] = "text"
    spans: list[Span]

    def plain(self) -> str:
        return "".join(s.text for s in self.spans)


class Heading(_Block):
    kind: Literal["heading"] = "heading"
    text: str = Field(max_length=150)

    def plain(self) -> str:
        return self.text


class Bullets(_Block):
    kind: Literal["bullets"] = "bullets"
    items: list[list[Span]] = Field(min_length=1)

    def plain(self) -> str:
        return "\n".join("• " + "".join(s.text for s in item) for item in self.items)


class ChoiceStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


class Choice(_Block):
    label: str = Field(min_length=1, max_length=MAX_LABEL)
    value: str = Field(min_length=1, max_length=MAX_VALUE)
    style: ChoiceStyle = ChoiceStyle.DEFAULT


class Choices(_Block):
    """Buttons (or a select menu when there are many). `scope` ties them to one dialog step."""

    kind: Literal["choices"] = "choices"
    scope: str = Field(max_length=60)
    options: list[Choice] = Field(min_length=1, max_length=MAX_CHOICES)

    @model_validator(mode="after")
    def _unique_values(self) -> Choices:
        values = [c.value for c in self.options]
        if len(values) != len(set(values)):
            raise ValueError("choice values must be unique")
        return self

    def plain(self) -> str:
        return "  ".join(f"[{i}] {c.label}" for i, c in enumerate(self.options, 1))


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    SELECT = "select"
    MULTI_SELECT = "multi_select"


class Option(_Block):
    label: str = Field(min_length=1, max_length=MAX_LABEL)
    value: str = Field(min_length=1, max_length=MAX_VALUE)


class FormField(_Block):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")
    label: str = Field(min_length=1, max_length=MAX_LABEL)
    kind: FieldKind
    required: bool = True
    options: list[Option] = Field(default_factory=list, max_length=100)
    initial: str | list[str] | None = None  # the current value as the engine reads it (4630.50, 2027-03-04)
    shown: str | None = None  # the initial value as the user writes it (€4,630.50, 4 Mar 2027), for text chat
    hint: str | None = Field(default=None, max_length=150)
    min_value: int | None = None  # NUMBER fields
    max_value: int | None = None
    currency: str | None = None  # a NUMBER field that is an amount of money
    not_in_past: bool = False  # DATE fields

    @model_validator(mode="after")
    def _options_for_selects(self) -> FormField:
        is_select = self.kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT)
        if is_select != bool(self.options):
            raise ValueError("select fields need options, other fields take none")
        return self


class Form(_Block):
    """A short form: a modal in Slack, an Adaptive Card with inputs in Teams, one question a line in text."""

    kind: Literal["form"] = "form"
    scope: str = Field(max_length=60)
    title: str = Field(min_length=1, max_length=24)
    fields: list[FormField] = Field(min_length=1, max_length=20)
    submit_label: str = Field(min_length=1, max_length=24)
    # In text conversations the form is filled one field at a time: the field asked next.
    pending: str | None = None

    def pending_field(self) -> FormField | None:
        return next((f for f in self.fields if f.name == self.pending), None)

    def plain(self) -> str:
        field = self.pending_field()
        if field is not None:
            return field.label + (f" ({field.hint})" if field.hint else "")
        return self.title + ": " + ", ".join(f.label for f in self.fields)


class CardField(_Block):
    label: str = Field(max_length=MAX_LABEL)
    value: str = Field(max_length=MAX_TEXT)


class Card(_Block):
    """A summary with labelled fields, like the call plan or a deal."""

    kind: Literal["card"] = "card"
    title: str = Field(min_length=1, max_length=150)
    fields: list[CardField] = Field(default_factory=list)
    footer: str | None = None

    def plain(self) -> str:
        lines = [self.title] + [f"{f.label}: {f.value}" for f in self.fields]
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)


class Image(_Block):
    """A picture (the digest's chart): a PNG, base64-encoded so the reply stays plain JSON. Slack gets it as a
    file upload, Teams inside the card, the terminal as its description."""

    kind: Literal["image"] = "image"
    png_base64: str = Field(min_length=1, max_length=MAX_IMAGE)
    alt: str = Field(min_length=1, max_length=MAX_TEXT)
    title: str = Field(min_length=1, max_length=150)

    def png(self) -> bytes:
        return base64.b64decode(self.png_base64)

    def plain(self) -> str:
        return f"[{self.title}: {self.alt}]"


Block = Annotated[Text | Heading | Bullets | Choices | Form | Card | Image, Field(discriminator="kind")]


class Reply(BaseModel):
    """What one turn says back: blocks in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    blocks: list[Block] = Field(default_factory=list)
    language: str | None = None  # the language the blocks are in, for a renderer's own few words

    def plain(self) -> str:
        return "\n\n".join(b.plain() for b in self.blocks)


# Short constructors used throughout the flows.


def text(*parts: str | Span) -> Text:
    return Text(spans=_spans(parts))


def bold(s: str) -> Span:
    return Span(text=s, bold=True)


def italic(s: str) -> Span:
    return Span(text=s, italic=True)


def bullets(items: list[str] | list[tuple[str | Span, ...]]) -> Bullets:
    return Bullets(items=[_spans(i if isinstance(i, tuple) else (i,)) for i in items])


def image_fits(png: bytes) -> bool:
    """Whether a PNG is small enough for an Image block (its base64 within MAX_IMAGE)."""
    return 4 * -(-len(png) // 3) <= MAX_IMAGE


def image(png: bytes, alt: str, title: str) -> Image:
    return Image(png_base64=base64.b64encode(png).decode("ascii"), alt=truncate(alt, MAX_TEXT),
                 title=truncate(title, 150))


def truncate(s: str, limit: int = MAX_LABEL) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"
