"""Every command the user may type, and the flows some of them start: the table the rest derives from.

A flow declares its own `Command` (coach/flows/) and is registered by its line in coach/flows/__init__.py;
the commands below are the rest, each answered by `Commands.cmd_<name>` in coach/commands.py. Help lists
commands in this order, the flows' first. Everything is derived on each call, so a flow registered later
(a test's) counts at once.
"""

from __future__ import annotations

from coach.dialog import Command, Flow
from coach.flows import FLOWS
from coach.i18n import N_, NP_, Translator

BUILTIN = (
    Command("help", "help hulp ? menu", public=True),
    Command("cancel", "cancel stop annuleer annuleren"),
    Command("back", "back terug vorige"),
    Command("followups", "followups follow-ups followup follow-up opvolging opvolgacties", usage=(N_("followups"),),
            help=N_("your open follow-ups and accounts due a visit; done, snooze or reschedule them")),
    Command("done", "done klaar gedaan", needs_argument=True),
    Command("snooze", "snooze uitstellen", needs_argument=True),
    Command("reschedule", "reschedule move verzet verplaats", needs_argument=True),
    Command("pipeline", "pipeline pijplijn forecast prognose", usage=(N_("pipeline"),),
            help=N_("your open deals and weighted forecast per month")),
    Command("digest", "digest weekoverzicht pijplijnoverzicht", usage=(N_("digest"),),
            help=N_("for managers: the team's weekly pipeline digest, up to now")),
    Command("plan", "plan plannen inplannen", usage=(N_("plan <account> <day>"),),
            help=N_("plan a visit: I offer the preparation the day before and ask for the debrief afterwards")),
    Command("away", "away afwezig", usage=(N_("away until <date>"),),
            help=N_("no reminders until you are back; “away off” ends it")),
    Command("lang", "lang language taal", usage=("lang nl", "lang en"), help=N_("switch language")),
    Command("admin", "admin beheer"),
)

# The word each command is typed with in the user's language, for a button that shows what to type (“Klaar
# (klaar 4)”), and the argument words such a button carries; each translation must be one of the command's
# own words (a test checks it).
TYPED_WORDS = (
    NP_("command", "prep"), NP_("command", "debrief"), NP_("command", "smart"), NP_("command", "spin"),
    NP_("command", "help"), NP_("command", "cancel"), NP_("command", "back"), NP_("command", "followups"),
    NP_("command", "done"), NP_("command", "snooze"), NP_("command", "reschedule"), NP_("command", "pipeline"),
    NP_("command", "digest"), NP_("command", "plan"), NP_("command", "away"), NP_("command", "lang"),
    NP_("command", "admin"))
_ARGUMENT_WORDS = {"snooze": (NP_("command", "tomorrow"),)}


def commands() -> dict[str, Command]:
    """Every command by name, in the order help lists them."""
    own = [f.command for f in FLOWS.values() if f.command is not None]
    return {c.name: c for c in (*own, *BUILTIN)}


def command_for(word: str) -> Command | None:
    """The command this word (English or Dutch, any case) names."""
    word = word.casefold()
    return next((c for c in commands().values() if word in c.words.split()), None)


def flow_for(command: str) -> Flow | None:
    """The flow this command starts, if it is a flow's own."""
    return next((f for f in FLOWS.values() if f.command is not None and f.command.name == command), None)


def is_public(command: str | None) -> bool:
    """Whether the command may be answered in a public channel (a Slack thread); the rest is personal."""
    spec = commands().get(command or "")
    return spec is not None and spec.public


def typed(command: str, t: Translator) -> str:
    """A command as the user would type it in their language: “snooze 4 tomorrow” is “uitstellen 4 morgen”."""
    head, _, rest = command.partition(" ")
    spec = command_for(head)
    if spec is None:
        return command
    arguments = _ARGUMENT_WORDS.get(spec.name, ())
    words = [t.pgettext("command", w) if w in arguments else w for w in rest.split(" ")] if rest else []
    word = t.pgettext("command", spec.name) if spec.name in TYPED_WORDS else head
    return " ".join([word, *words])
