"""Commands that work at any step: help, cancel, back, starting a flow, follow-ups, pipeline, language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from coach import admin, followups, pipeline_view, visits
from coach.dialog import choices
from coach.i18n import normalize_language, translator
from coach.replies import Block, Heading, bold, bullets, text

if TYPE_CHECKING:
    from coach.engine import Turn

# Every word a user may type for a command, English and Dutch.
WORDS: dict[str, str] = {}
for _name, _words in {
    "help": "help hulp ? menu",
    "cancel": "cancel stop annuleer annuleren",
    "back": "back terug vorige",
    "prep": "prep prepare preparation voorbereiden voorbereiding",
    "smart": "smart",
    "spin": "spin",
    "debrief": "debrief nabespreking verslag",
    "followups": "followups follow-ups followup follow-up opvolging opvolgacties",
    "done": "done klaar gedaan",
    "snooze": "snooze uitstellen",
    "reschedule": "reschedule move verzet verplaats",
    "pipeline": "pipeline pijplijn forecast prognose",
    "digest": "digest weekoverzicht pijplijnoverzicht",
    "lang": "lang language taal",
    "away": "away afwezig",
    "admin": "admin beheer",
    "plan": "plan plannen inplannen",
}.items():
    for _w in _words.split():
        WORDS[_w] = _name

FLOW_COMMANDS = ("prep", "smart", "spin", "debrief")
NEEDS_ARGUMENT = ("done", "snooze", "reschedule")  # without an id these words answer the step instead


def split(message: str) -> tuple[str | None, str]:
    head, _, rest = message.strip().partition(" ")
    return WORDS.get(head.casefold().rstrip(":")), rest.strip()


class Commands:
    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    @property
    def ctx(self):
        return self.turn.ctx

    def is_command(self, message: str, in_free_text: bool) -> bool:
        name, args = split(message)
        if name is None or (name in NEEDS_ARGUMENT and not args):
            return False
        if in_free_text:  # free text may start with any word: only a bare command word counts
            return not args and name not in NEEDS_ARGUMENT
        return True

    def run(self, message: str, explicit: bool) -> list[Block]:
        name, args = split(message)
        if name is None:
            return self.not_understood(message)
        if name in FLOW_COMMANDS or (name == "reschedule" and args.lstrip("#").isdecimal()):  # no day: pick one
            return self.turn.start(name, args)
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
        return [
            Heading(text=_("What I can do")),
            bullets([
                (bold(_("prep <account>")), " — " + _("prepare a customer visit: checklist, method, objectives, "
                                                      "SMART goal, SPIN questions and a call plan")),
                (bold(_("smart <goal>")), " — " + _("check a visit goal against SMART")),
                (bold(_("spin <question>")), " — " + _("classify a question; “spin” alone to practise")),
                (bold(_("debrief <account>")), " — " + _("log how a visit went, update the deal, set the "
                                                         "next follow-up")),
                (bold(_("followups")), " — " + _("your open follow-ups; done, snooze or reschedule them")),
                (bold(_("pipeline")), " — " + _("your open deals and weighted forecast per month")),
                (bold(_("digest")), " — " + _("for managers: the team's weekly pipeline digest, up to now")),
                (bold(_("plan <account> <day>")), " — " + _("plan a visit: I offer the preparation the day before "
                                                              "and ask for the debrief afterwards")),
                (bold(_("away until <date>")), " — " + _("no reminders until you are back; “away off” ends it")),
                (bold("lang nl"), " / ", bold("lang en"), " — " + _("switch language")),
            ]),
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


