"""The engine: one turn = load dialog state, run the step, save with a version check, then reply.

A turn is all-or-nothing: domain writes and the new dialog state commit in one transaction, and only
if nobody else saved this conversation in the meantime (otherwise the turn is re-run on fresh state).
Replies are returned after the commit, so what the user sees is always what is stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from coach.clock import WALL
from coach.commands import Commands, split
from coach.dialog import (
    Answer,
    Ctx,
    DialogState,
    Finish,
    FlowState,
    Goto,
    Inbound,
    Outcome,
    Stay,
    find_choices,
    find_form,
    scope_of,
)
from coach.flows import FLOWS
from coach.forms import SKIP_WORDS, FieldError, keeps, parse_field, parse_form, shown_initial
from coach.home import home
from coach.i18n import translator
from coach.ports import StoreBusy, StoreFactory, StoreUnavailable
from coach.replies import Block, FieldKind, Form, FormField, Reply, text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
IDLE_RETURN = timedelta(hours=4)  # after this long away, an unfinished preparation is offered again
RESUME_SCOPE = "resume"
RETRY = object()  # a turn that lost the race for its conversation: run it again on fresh state


@dataclass(frozen=True)
class Who:
    """Who is writing, as the adapter knows it. `conversation_key` is built by adapters only."""

    identity: str
    conversation_key: str
    display_name: str | None = None
    language: str | None = None  # a hint for first contact (platform locale)
    timezone: str | None = None  # where the platform says the user is now: updates the stored time zone
    email: str | None = None  # the platform profile's e-mail: the user's when they have none (matches a CRM owner)
    # (identity, reference) pairs: where to reach this user, or the channel they wrote in, outside a turn;
    # saved with the turn
    references: tuple[tuple[str, dict[str, Any]], ...] = ()


class Coach:
    def __init__(self, stores: StoreFactory, clock: Callable[[], datetime] = WALL):
        self.stores = stores
        self.clock = clock

    def handle(self, who: Who, inbound: Inbound, event: tuple[str, str] | None = None) -> Reply | None:
        """Run one turn. `event` is the platform's (source, delivery id): recorded with the turn, so a
        redelivery of a handled event is answered None and changes nothing."""
        inbound = clean_inbound(inbound)
        for _attempt in range(MAX_ATTEMPTS):
            try:
                outcome = self._attempt(who, inbound, event)
            except StoreBusy:
                continue
            if outcome is not RETRY:
                return outcome
        return Reply(blocks=[text(translator(who.language).gettext(
            "You sent several messages at once; I handled the first. Please send the last one again."))])

    def home(self, who: Who, event: tuple[str, str] | None = None) -> Reply | None:
        """The user's home page (follow-ups this week, pipeline); leaves the dialog alone. None for a
        redelivered `event`."""
        with self.stores() as store:
            user = store.ensure_user(who.identity, who.display_name, who.language, who.timezone, who.email)
            if event and not store.conversations.first_delivery(*event):
                return None
            ctx = Ctx(store=store, user=user, t=translator(user.language), now=self.clock())
            blocks = home(ctx)
            store.commit()  # a first-time visitor is created
            return Reply(blocks=blocks, language=ctx.t.lang)

    # what the adapters remember between turns ------------------------------------------------
    def knows(self, identity: str) -> bool:
        """Whether this user has written to the coach before (else the adapter may read their profile)."""
        with self.stores() as store:
            return store.user(identity) is not None

    def language_of(self, identity: str) -> str | None:
        with self.stores() as store:
            user = store.user(identity)
            return user.language if user else None

    def reference(self, identity: str) -> dict[str, Any] | None:
        with self.stores() as store:
            return store.conversations.reference(identity)

    def remember_card(self, conversation_id: str, message_id: str, card: dict[str, Any]) -> None:
        with self.stores() as store:
            store.conversations.remember_card(conversation_id, message_id, card)
            store.commit()

    def take_card(self, conversation_id: str, message_id: str) -> dict[str, Any] | None:
        with self.stores() as store:
            card = store.conversations.take_card(conversation_id, message_id)
            store.commit()
            return card

    def pending_form(self, who: Who, scope: str) -> Form | None:
        """The form the conversation is waiting for, if its scope is `scope` (to open it as a modal)."""
        with self.stores() as store:
            return self._pending(store, who, scope)[1]

    def form_errors(self, who: Who, scope: str, values: dict) -> dict[str, str]:
        """Per-field messages for a submission of the form the conversation waits for (none if it waits for
        none), in the user's language and read against the user's today, e.g. for a modal to show."""
        with self.stores() as store:
            ctx, form = self._pending(store, who, scope)
            errors = {}
            for f in form.fields if form else ():
                try:
                    parse_field(f, values.get(f.name), ctx.t, ctx.today)
                except FieldError as exc:
                    errors[f.name] = str(exc)
            return errors

    def _pending(self, store, who: Who, scope: str) -> tuple[Ctx, Form | None]:
        user = store.ensure_user(who.identity, who.display_name, who.language, who.timezone, who.email)
        ctx = Ctx(store=store, user=user, t=translator(user.language), now=self.clock())
        state = _load_state(store.load_dialog(who.conversation_key)[0])
        if state.active is None or scope_of(state.active.flow, state.active.step) != scope:
            return ctx, None
        return ctx, find_form(Turn(ctx, state).current_prompt())

    def _attempt(self, who: Who, inbound: Inbound, event: tuple[str, str] | None) -> Reply | None | object:
        """One try at the turn; RETRY when another writer saved this conversation first, None when `event`
        was handled already."""
        with self.stores() as store:
            user = store.ensure_user(who.identity, who.display_name, who.language, who.timezone, who.email)
            if event and not store.conversations.first_delivery(*event):
                return None
            for identity, reference in who.references:
                store.conversations.save_reference(identity, reference)
            raw, version = store.load_dialog(who.conversation_key)
            state = _load_state(raw)
            before = state.model_dump(mode="json")  # a deep copy: the turn mutates `state` in place
            ctx = Ctx(store=store, user=user, t=translator(user.language), now=self.clock())
            try:
                blocks = Turn(ctx, state).run(inbound)
            except (StoreBusy, StoreUnavailable):
                raise
            except Exception:  # a bug must not reach the chat as a stack trace
                log.exception("turn failed for %s", who.identity)
                return Reply(blocks=[text(ctx.gettext(
                    "Sorry, something went wrong on my side and nothing was changed. "
                    "Please try again; your earlier answers are kept."))], language=ctx.t.lang)
            reply = Reply(blocks=blocks, language=ctx.t.lang)
            after = state.model_dump(mode="json")
            if version and not _worth_saving(before, after, state.last_seen, ctx.now):
                store.commit()  # domain writes only (none for a read-only command); the dialog is as stored
                return reply
            after["last_seen"] = ctx.now.isoformat()
            if store.save_dialog(who.conversation_key, user, after, version):
                store.commit()
                return reply
            return RETRY


# control characters (PostgreSQL refuses NUL in text) and bidi embeddings, overrides and isolates, with which
# "\u202eemcA\u202c Corp" would show as "Acme Corp"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
MAX_INPUT = 4000


def clean_text(value: str) -> str:
    """Drop control and bidi-override characters and cap the length of what is stored."""
    return _CONTROL.sub("", value)[:MAX_INPUT]


def clean_inbound(inbound: Inbound) -> Inbound:
    def clean(value):
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    form = None if inbound.form is None else {clean_text(str(k)): clean(v) for k, v in inbound.form.items()}
    return Inbound(text=clean(inbound.text), command=clean(inbound.command), action=clean(inbound.action),
                   form=form, scope=clean(inbound.scope))


LAST_SEEN_PRECISION = timedelta(minutes=10)


def _worth_saving(before: dict, after: dict, last_seen: datetime | None, now: datetime) -> bool:
    """False when a turn left the dialog as stored and `last_seen` is recent enough to keep as it is."""
    if last_seen is None or now - last_seen > LAST_SEEN_PRECISION:
        return True
    return {**before, "last_seen": None} != {**after, "last_seen": None}


def _load_state(raw: dict | None) -> DialogState:
    if not raw:
        return DialogState()
    try:
        return DialogState.model_validate(raw)
    except ValidationError:  # state from an incompatible version: start clean rather than fail
        log.warning("discarding unreadable dialog state")
        return DialogState()


class Turn:
    """Runs one inbound message against the dialog state (mutating it) and returns the reply blocks."""

    def __init__(self, ctx: Ctx, state: DialogState) -> None:
        self.ctx = ctx
        self.state = state
        self.commands = Commands(self)

    # entry ---------------------------------------------------------------------------------
    def run(self, inbound: Inbound) -> list[Block]:
        came_back = (self.state.last_seen is not None and self.ctx.now - self.state.last_seen > IDLE_RETURN)
        if inbound.action and inbound.action.startswith("cmd:"):
            return self.commands.run(inbound.action[4:], explicit=True)
        if inbound.command is not None:
            return self.commands.run(inbound.command, explicit=True)
        if inbound.action is not None or inbound.form is not None:
            return self._clicked(inbound)
        message = (inbound.text or "").strip()
        field = None if message else self._pending_field()
        if field is not None and field.initial is not None:  # an empty answer keeps the current value
            return self.answer(Answer(text=""))
        if not message:
            return self.current_prompt() or self.commands.run("help", explicit=True)
        if message.startswith("/"):
            return self.commands.run(message[1:], explicit=True)
        if split(message)[0] is not None and self.commands.is_command(message, self._in_free_text(message)):
            return self.commands.run(message, explicit=False)
        active = self.state.active
        if active is not None and came_back and FLOWS[active.flow].pausable:
            self.pause()
            return self.resume_offer(welcome=True)
        if active is not None:
            return self.answer(Answer(text=message))
        if self.state.paused is not None:
            return self.resume_offer(welcome=False)
        return self.commands.not_understood(message)

    def _clicked(self, inbound: Inbound) -> list[Block]:
        _ = self.ctx.gettext
        if inbound.scope == RESUME_SCOPE:
            return self.resume(inbound.action == "continue")
        active = self.state.active
        if active is None or inbound.scope != scope_of(active.flow, active.step):
            stale = [text(_("That button belongs to a question that is already answered."))]
            return stale + (self.current_prompt() or [])
        if inbound.form is not None:
            return self.answer(Answer(), submitted=inbound.form)
        return self.answer(Answer(value=inbound.action))

    # flows ---------------------------------------------------------------------------------
    def _in_free_text(self, message: str) -> bool:
        """Whether the question asked takes `message` as its answer even when it starts with a command word: a
        typed sentence, or what the form's number, date or choice question reads as a valid answer."""
        active = self.state.active
        if active is None:
            return False
        if FLOWS[active.flow].steps[active.step].free_text:
            return True
        field = self._pending_field()
        if field is None:
            return False
        if field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
            return True
        try:
            parse_field(field, message, self.ctx.t, self.ctx.today)
        except FieldError:
            return False
        return True

    def _pending_field(self) -> FormField | None:
        """The form field a text conversation is asked now, if any."""
        active = self.state.active
        form = find_form(self._prompt_blocks(active)) if active is not None else None
        return form.pending_field() if form is not None else None

    def start(self, name: str, args: str) -> list[Block]:
        active = self.state.active
        if active is not None and FLOWS[active.flow].pausable and name != active.flow:
            self.pause()
        elif active is not None:
            self.state.active = None
        flow = FLOWS[name]
        fs = FlowState(flow=name, step="start")
        self.state.active = fs
        outcome = flow.start(self.ctx, fs.data, args)
        if isinstance(outcome, Stay):  # what came with the command cannot be used: say why, start nothing
            outcome = Finish(outcome.say)
        return self._apply(fs, outcome)

    def answer(self, answer: Answer, submitted: dict | None = None) -> list[Block]:
        fs = self.state.active
        assert fs is not None
        flow = FLOWS[fs.flow]
        blocks = self._prompt_blocks(fs)
        form = find_form(blocks)
        if form is not None:
            outcome = self._fill_form(fs, form, answer, submitted)
        else:
            answer = self._match_choice(blocks, fs, answer)
            outcome = flow.handle(self.ctx, fs.step, fs.data, answer)
        return self._apply(fs, outcome)

    def _match_choice(self, blocks: list[Block], fs: FlowState, answer: Answer) -> Answer:
        if answer.text is None:
            return answer
        options = [o for c in find_choices(blocks) if c.scope == scope_of(fs.flow, fs.step) for o in c.options]
        typed = answer.text.strip()
        folded = typed.casefold().rstrip(".!")
        for i, option in enumerate(options, 1):
            if folded in (str(i), option.label.casefold(), option.value.casefold()):
                return Answer(text=typed, value=option.value)
        return answer

    def _fill_form(self, fs: FlowState, form: Form, answer: Answer, submitted: dict | None) -> Outcome:
        """A whole submitted form, or text answers one field at a time (kept in `fs.form`)."""
        _ = self.ctx.gettext
        if submitted is not None:
            values, errors = parse_form(form, submitted, self.ctx.t, self.ctx.today)
            if errors:
                fs.form = self._valid_answers(form, submitted)
                return Stay([text(_("Please check the form:")), *[text("• " + e) for e in errors]])
            fs.form = {}
            return FLOWS[fs.flow].handle(self.ctx, fs.step, fs.data, Answer(form=values))
        filled = fs.form
        field = form.pending_field()
        assert field is not None
        raw = answer.value if answer.value is not None else (answer.text or "")
        if isinstance(raw, str) and keeps(raw):
            if field.initial is not None:
                raw = field.initial
            elif raw.strip():  # “same” with nothing to keep: not an answer to store as typed
                message = _("“{field}” has no value yet: please type one.") if field.required else \
                    _("“{field}” has no value yet: please type one, or “skip”.")
                return Stay([text(message.format(field=field.label))])
        try:
            parse_field(field, raw, self.ctx.t, self.ctx.today)
        except FieldError as exc:
            return Stay([text(str(exc))])
        filled[field.name] = None if isinstance(raw, str) and raw.casefold() in SKIP_WORDS else raw
        if any(f.name not in filled for f in form.fields):
            return Stay()
        values, errors = parse_form(form, filled, self.ctx.t, self.ctx.today)
        fs.form = {}
        if errors:  # cannot normally happen: each field was checked as it came in
            return Stay([text(e) for e in errors])
        return FLOWS[fs.flow].handle(self.ctx, fs.step, fs.data, Answer(form=values))

    def _valid_answers(self, form: Form, submitted: dict) -> dict:
        """The submitted fields that parse, kept so the user need not give them again."""
        kept = {}
        for f in form.fields:
            raw = submitted.get(f.name)
            if raw in (None, "", []):
                continue
            try:
                parse_field(f, raw, self.ctx.t, self.ctx.today)
            except FieldError:
                continue
            kept[f.name] = raw
        return kept

    def _apply(self, fs: FlowState, outcome: Outcome) -> list[Block]:
        if isinstance(outcome, Goto):
            if fs.step != "start":
                fs.history.append(fs.step)
            fs.step = outcome.step
            fs.form = {}
            return outcome.say + self._prompt_blocks(fs)
        if isinstance(outcome, Stay):
            return outcome.say + self._prompt_blocks(fs)
        assert isinstance(outcome, Finish)
        if self.state.active is fs:
            self.state.active = None
        if self.state.paused is not None:
            return outcome.say + self.resume_offer(welcome=False)
        return outcome.say

    def _prompt_blocks(self, fs: FlowState) -> list[Block]:
        blocks = FLOWS[fs.flow].prompt(self.ctx, fs.step, fs.data)
        return [self._decorate_form(b, fs) if isinstance(b, Form) else b for b in blocks]

    def _decorate_form(self, form: Form, fs: FlowState) -> Form:
        """Show answers given so far as typed, current values as the user writes them, and name the field a text
        conversation asks next."""
        filled = fs.form
        fields = [f.model_copy(update={"initial": filled[f.name], "shown": None}) if filled.get(f.name) is not None
                  else f.model_copy(update={"shown": shown_initial(f, self.ctx.t)}) for f in form.fields]
        pending = next((f.name for f in form.fields if f.name not in filled), None)
        return form.model_copy(update={"fields": fields, "pending": pending})

    def current_prompt(self) -> list[Block]:
        return self._prompt_blocks(self.state.active) if self.state.active else []

    # global words --------------------------------------------------------------------------
    def cancel(self) -> list[Block]:
        _ = self.ctx.gettext
        active = self.state.active
        if active is None and self.state.paused is None:
            return [text(_("There is nothing to cancel."))]
        name = FLOWS[(active or self.state.paused).flow].describe(self.ctx, (active or self.state.paused).data)
        if active is not None:
            self.state.active = None
        else:
            self.state.paused = None
        return [text(_("Stopped: {what}. Nothing of it was saved.").format(what=name))]

    def back(self) -> list[Block]:
        _ = self.ctx.gettext
        fs = self.state.active
        if fs is None:
            return [text(_("There is no question to go back to."))]
        if fs.form:
            fs.form.pop(list(fs.form)[-1])
            return self._prompt_blocks(fs)
        if FLOWS[fs.flow].step_back(fs.step, fs.data):
            return self._prompt_blocks(fs)
        if not fs.history:
            return [text(_("This is the first question."))] + self._prompt_blocks(fs)
        fs.step = fs.history.pop()
        fs.form = {}
        return self._prompt_blocks(fs)

    # an unfinished preparation -------------------------------------------------------------
    def pause(self) -> None:
        self.state.paused, self.state.active = self.state.active, None

    def resume_offer(self, welcome: bool) -> list[Block]:
        from coach.dialog import choices

        _ = self.ctx.gettext
        paused = self.state.paused
        assert paused is not None
        what = FLOWS[paused.flow].describe(self.ctx, paused.data)
        intro = _("Welcome back! You have an unfinished {what}.") if welcome else \
            _("You have an unfinished {what}.")
        return [text(intro.format(what=what)),
                choices(RESUME_SCOPE, (_("Continue"), "continue"), (_("Discard it"), "discard"))]

    def resume(self, go_on: bool) -> list[Block]:
        _ = self.ctx.gettext
        paused = self.state.paused
        if paused is None:
            return [text(_("There is no unfinished preparation."))] + self.current_prompt()
        self.state.paused = None
        if not go_on:
            return [text(_("Discarded the unfinished {what}.").format(
                what=FLOWS[paused.flow].describe(self.ctx, paused.data)))]
        self.state.active = paused
        return self._prompt_blocks(paused)


__all__ = ["Coach", "Who", "Inbound", "Turn", "Stay", "Finish"]
