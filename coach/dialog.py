"""Dialog building blocks: stored state, inbound messages, turn context, commands, flows and their outcomes.

A flow is a table of named steps. Each step has a prompt (what the coach asks) and a handler (what it
does with the answer); a handler returns where to go next. State is plain JSON with a schema version,
so a conversation in flight survives restarts, deployments and renamed classes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coach.i18n import Translator
from coach.ports import CoachStore
from coach.records import UserInfo
from coach.replies import Block, Choice, Choices, Form

SCHEMA_VERSION = 2  # 2: form progress in FlowState.form; version 1 kept it in data["_form"]


class FlowState(BaseModel):
    model_config = ConfigDict(extra="ignore")
    flow: str
    step: str
    data: dict[str, Any] = Field(default_factory=dict)  # the flow's own
    form: dict[str, Any] = Field(default_factory=dict)  # the step's form, answered so far (the engine's)
    history: list[str] = Field(default_factory=list)


class DialogState(BaseModel):
    """Everything remembered about one conversation between turns."""

    model_config = ConfigDict(extra="ignore")
    schema_version: int = SCHEMA_VERSION
    active: FlowState | None = None
    paused: FlowState | None = None  # an unfinished flow put aside for another (see Flow.pausable)
    last_seen: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, raw: Any) -> Any:
        """Read state saved by an older version: version 1 kept form progress in data["_form"]."""
        if not isinstance(raw, dict) or raw.get("schema_version", 1) >= SCHEMA_VERSION:
            return raw
        raw = {**raw, "schema_version": SCHEMA_VERSION}
        for key in ("active", "paused"):
            fs = raw.get(key)
            if isinstance(fs, dict) and isinstance(fs.get("data"), dict) and "_form" in fs["data"]:
                data = dict(fs["data"])
                raw[key] = {**fs, "data": data, "form": data.pop("_form") or {}}
        return raw


class Inbound(BaseModel):
    """One message from the user: typed text, an explicit command, a button value or a form."""

    model_config = ConfigDict(frozen=True)
    text: str | None = None
    command: str | None = None  # e.g. a Slack slash command's text: always read as a command
    action: str | None = None  # the value of a clicked Choice
    form: dict[str, str | list[str] | None] | None = None
    scope: str | None = None  # the scope of the Choices/Form the action or form came from


@dataclass
class Ctx:
    """What a step handler may use during one turn."""

    store: CoachStore
    user: UserInfo
    t: Translator
    now: datetime  # aware, UTC

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.user.timezone)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def local_time(self, day: date, hour: int, minute: int = 0) -> datetime:
        """`day` at hh:mm in the user's time zone, as an aware datetime."""
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    @property
    def gettext(self):
        return self.t.gettext

    @property
    def ngettext(self):
        return self.t.ngettext


@dataclass
class Answer:
    """The user's answer to the current step, after the engine matched it against the step's choices."""

    text: str | None = None
    value: str | None = None  # the chosen option's value (a click, or typed number/label)
    form: dict[str, Any] | None = None  # a complete, validated form


@dataclass
class Goto:
    step: str
    say: list[Block] = field(default_factory=list)


@dataclass
class Stay:
    """Stay on this step: say why, then ask again."""

    say: list[Block] = field(default_factory=list)


@dataclass
class Finish:
    say: list[Block] = field(default_factory=list)


Outcome = Goto | Stay | Finish


@dataclass(frozen=True)
class Command:
    """A command the user may type at any step, as coach/registry.py lists it.

    `usage` and `help` go through gettext when help shows them: mark them with N_ to have them translated."""

    name: str
    words: str  # every word for it, English and Dutch, separated by spaces
    usage: tuple[str, ...] = ()  # how help writes it, in bold; several are joined by " / "
    help: str | None = None  # its line in help; without one, help leaves it out
    public: bool = False  # may be answered in a public channel; the rest is personal
    needs_argument: bool = False  # a bare word is an answer to the step (“done” at the checklist)


@dataclass(frozen=True)
class Step:
    """One step of a flow: what the coach asks, and what it does with the answer."""

    prompt: Callable[[Any, Ctx, dict[str, Any]], list[Block]]  # (flow, ctx, data)
    handle: Callable[[Any, Ctx, dict[str, Any], Answer], Outcome]  # (flow, ctx, data, answer)
    free_text: bool = False  # answers are typed sentences: a command word counts only when it stands alone


class Flow:
    """Base for flows. A subclass sets `name`, `steps` (its table of steps, by name) and `command` (how the
    user starts it, when by a command of its own), defines `start`, and sets `pausable` when it may be put
    aside for another flow and resumed later. Register it in coach/flows/__init__.py."""

    name: ClassVar[str]
    steps: ClassVar[dict[str, Step]]
    command: ClassVar[Command | None] = None
    pausable: ClassVar[bool] = False

    def start(self, ctx: Ctx, data: dict[str, Any], args: str) -> Outcome:
        raise NotImplementedError

    def prompt(self, ctx: Ctx, step: str, data: dict[str, Any]) -> list[Block]:
        return self.steps[step].prompt(self, ctx, data)

    def handle(self, ctx: Ctx, step: str, data: dict[str, Any], answer: Answer) -> Outcome:
        return self.steps[step].handle(self, ctx, data, answer)

    def step_back(self, step: str, data: dict[str, Any]) -> bool:
        """Go back inside a step that asks several things in turn; False when there is nothing to undo."""
        return False

    def has_step(self, step: str) -> bool:
        return step in self.steps

    def describe(self, ctx: Ctx, data: dict[str, Any]) -> str:
        """A short phrase for "you were … " messages."""
        return self.name


def scope_of(flow: str, step: str) -> str:
    return f"{flow}.{step}"


def choices(scope: str, *options: tuple[str, str]) -> Choices:
    return Choices(scope=scope, options=[Choice(label=label, value=value) for label, value in options])


def find_form(blocks: list[Block]) -> Form | None:
    return next((b for b in blocks if isinstance(b, Form)), None)


def find_choices(blocks: list[Block]) -> list[Choices]:
    return [b for b in blocks if isinstance(b, Choices)]
