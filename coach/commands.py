"""Commands that work at any step: help, cancel, back, starting a flow, follow-ups, pipeline, language.

Which words name which command, and what help says of it, is in coach/registry.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from coach import admin, followups, pipeline_view, registry, visits
from coach.dialog import choices
from coach.i18n import normalize_language, translator
from coach.replies import Block, Heading, bold, bullets, text

if TYPE_CHECKING:
    from coach.engine import Turn

def split(message: str) -> tuple[str | None, str]:
    """The command a message starts with (its name), and the rest of the message."""
    head, _, rest = message.strip().partition(" ")
    command = registry.command_for(head.rstrip(":"))
    return (command.name if command else None), rest.strip()


class Commands:
    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    @property
    def ctx(self):
        return self.turn.ctx

    def is_command(self, message: str, in_free_text: bool) -> bool:
        name, args = split(message)
        if name is None:
            return False
        needs_argument = registry.commands()[name].needs_argument
        if in_free_text:  # free text may start with any word: only a bare command word counts
            return not args and not needs_argument
        return bool(args) or not needs_argument

    def run(self, message: str, explicit: bool) -> list[Block]:
        name, args = split(message)
        if name is None:
            return self.not_understood(message)
        if name == "reschedule" and args.lstrip("#").isdecimal():  # no day: a flow asks for one
            return self.turn.start("reschedule", args)
        flow = registry.flow_for(name)
        if flow is not None:
            return self.turn.start(flow.name, args)
        handler: Callable[[str], list[Block]] = getattr(self, f"cmd_{name}")
        blocks = handler(args)
        if name not in ("cancel", "back") and self.turn.state.active is not None:
            _ = self.ctx.gettext
            blocks = blocks + [text(bold(_("Back to where we were:")))] + self.turn.current_prompt()
        return blocks

    def cmd_cancel(self, _args: str) -> list[Block]:
        return self.turn.cancel()

    def cmd_back(self, _args: str) -> list[Block]:
        return self.turn.back()

    def cmd_help(self, _args: str) -> list[Block]:
        _ = self.ctx.gettext
        lines = []
        for command in registry.commands().values():
            if command.help is not None:
                usage = [part for u in command.usage for part in (" / ", bold(_(u)))][1:]  # bold, " / " between
                lines.append((*usage, " — " + _(command.help)))
        return [
            Heading(text=_("What I can do")),
            bullets(lines),
            text(_("At any question: “back” goes one step back, “cancel” stops, “help” shows this.")),
        ]

    def cmd_lang(self, args: str) -> list[Block]:
        lang = normalize_language(args)
        if lang is None:
            _ = self.ctx.gettext
            return [text(_("Which language? Type “lang en” for English or “lang nl” for Dutch.")),
                    choices("cmd", ("English", "cmd:lang en"), ("Nederlands", "cmd:lang nl"))]
        self.ctx.store.set_language(self.ctx.user, lang)
        self.ctx.t = translator(lang)
        _ = self.ctx.gettext
        return [text(_("I will speak English from now on."))]

    def cmd_followups(self, _args: str) -> list[Block]:
        return followups.listing(self.ctx)

    def cmd_done(self, args: str) -> list[Block]:
        return followups.mark_done(self.ctx, args)

    def cmd_snooze(self, args: str) -> list[Block]:
        return followups.snooze(self.ctx, args)

    def cmd_reschedule(self, args: str) -> list[Block]:
        return followups.reschedule(self.ctx, args)

    def cmd_plan(self, args: str) -> list[Block]:
        return visits.plan(self.ctx, args)

    def cmd_admin(self, args: str) -> list[Block]:
        return admin.admin(self.ctx, args)

    def cmd_away(self, args: str) -> list[Block]:
        return followups.away(self.ctx, args)

    def cmd_digest(self, _args: str) -> list[Block]:
        return pipeline_view.team_digest(self.ctx)

    def cmd_pipeline(self, args: str) -> list[Block]:
        if args.casefold() in ("team", "mijn team", "my team"):
            return pipeline_view.team_overview(self.ctx)
        return pipeline_view.overview(self.ctx)

    def not_understood(self, message: str) -> list[Block]:
        _ = self.ctx.gettext
        return [
            text(_("I did not understand that. Here is what I can do for you:")),
            choices("cmd", (_("Prepare a visit"), "cmd:prep"), (_("Debrief a visit"), "cmd:debrief"),
                    (_("My follow-ups"), "cmd:followups"), (_("My pipeline"), "cmd:pipeline"),
                    (_("Help"), "cmd:help")),
        ]


