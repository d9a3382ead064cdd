"""What a preparation says per visit type (docs/method.md, coach-domain §1): the visit's focus, the opening
the rep says aloud, the external topics, the quote criteria before a closing visit, and the call plan's
questions. Customer-facing sentences are whole sentences in the first person, on the book's model ("My
objective is to … and I would like to …"), and never carry a deal's name: that is an internal label.
"""

from __future__ import annotations

from datetime import date, timedelta

from coach.domain import EXTERNAL_TOPICS, QUOTE_FIRM_CHANCE, QUOTE_MAX_DECISION_DAYS, QUOTE_MIN_CHANCE, VisitType
from coach.i18n import N_, Translator

OPENINGS = {
    VisitType.FIRST: N_(
        "My objective today is to give you some information about our company and to learn more about yours, "
        "and I would like to understand your wishes and needs, so that I can propose a solution that really "
        "fits. At the end I would like to agree on a next step with you."),
    VisitType.FOLLOWUP: N_(
        "My objective today is to check with you that I have understood your requirements correctly, and I "
        "would like to show you a solution direction that fits them. If it does, I would like to agree on the "
        "next step with you."),
    VisitType.QUOTE: N_(
        "My objective today is to go through our proposal with you and answer your questions on price and "
        "delivery, and I would like to agree with you today on whether we will work together."),
    VisitType.AFTERSALES: N_(
        "My objective today is to hear how satisfied you are with our products and service and to solve "
        "anything that is not right, and I would like to tell you about developments that may be useful "
        "to you."),
}

# Which of the book's external topics each visit covers (pres-bedr, wens+beh, pres-prod, vrvlg).
TOPICS = {
    VisitType.FIRST: ("introduction", "needs", "next"),
    VisitType.FOLLOWUP: ("needs", "product", "next"),
    VisitType.QUOTE: ("product", "next"),
    VisitType.AFTERSALES: ("needs", "product", "next"),
}

# What the visit type asks of the rep beyond the method's one line.
FOCUS = {
    VisitType.FIRST: (),
    VisitType.FOLLOWUP: (
        N_("Confirm the requirements you learned in the inventory: read them back and ask what has changed."),
        N_("Propose a solution direction within those requirements, and let them react to it."),
    ),
    VisitType.QUOTE: (
        N_("First the five quote criteria: a quote is a means, not a goal."),
        N_("Then the benefits to restate, the conditions (price, delivery) and your closing question."),
        N_("Discount is never a goal: poor preparation leaves discount as the only lever."),
    ),
    VisitType.AFTERSALES: (
        N_("Ask how satisfied they are and about any complaints, and solve problems fast."),
        N_("Inform them proactively: news, changes and products that help them."),
        N_("Look for cross-selling: what else they need that you can supply."),
        N_("They are our customer: do not ask which supplier they use now."),
    ),
}

# Preparation steps whose skipping matters for the visit type (the rest are optional there); the prepared
# questions are planned in the preparation itself.
MATTERING_STEPS = {
    VisitType.FIRST: ("online", "vis", "crm", "contact", "route", "docs", "cards", "writing"),
    VisitType.FOLLOWUP: ("crm", "contact", "route", "docs"),
    VisitType.QUOTE: ("vis", "crm", "route", "docs"),
    VisitType.AFTERSALES: ("vis", "crm", "route", "docs"),
}

def opening(visit: VisitType, t: Translator) -> str:
    return t.gettext(OPENINGS[visit])


def topic_shorthands(visit: VisitType) -> list[str]:
    by_key = {topic.key: topic.shorthand for topic in EXTERNAL_TOPICS}
    return [by_key[k] for k in TOPICS[visit]]


def topic_labels(visit: VisitType, t: Translator) -> list[str]:
    by_key = {topic.key: topic for topic in EXTERNAL_TOPICS}
    return [f"{by_key[k].shorthand} ({t.gettext(by_key[k].label)})" for k in TOPICS[visit]]


def focus(visit: VisitType, t: Translator) -> list[str]:
    return [t.gettext(line) for line in FOCUS[visit]]


def contact_norm(abc_class: str | None, norms: dict[str, int], last_visit: date | None, t: Translator) -> str:
    """The after-sales line on the account's class and the team's contact norm for it (coach-domain §3)."""
    if abc_class is None:
        return t.gettext("Give the account its class (A, B or C) after this visit: the class sets how often it is "
                         "visited (for example A-accounts six visits a year, C-accounts by inside sales and e-mail).")
    visits = norms.get(abc_class)
    if visits is None:
        line = t.gettext("A {cls}-account; your team has no contact norm for that class yet.")
    elif visits == 0:
        line = t.gettext("A {cls}-account: your team serves it by inside sales and e-mail, not by visits.")
    else:
        line = t.ngettext("A {cls}-account: your team's norm is {n} visit a year.",
                          "A {cls}-account: your team's norm is {n} visits a year.", visits)
    line = line.format(cls=abc_class, n=visits)
    if last_visit is not None:
        line += " " + t.gettext("Last visit: {day}.").format(day=t.date(last_visit))
    return line + " " + t.gettext("Check with them that the class still fits.")


def steps_to_prepare(visit: VisitType, checklist: dict[str, str]) -> list[str]:
    """The skipped steps worth a reminder on the call plan, in checklist order."""
    return [k for k in MATTERING_STEPS[visit] if checklist.get(k) == "skipped"]


def quote_gaps(solution: bool, budget: bool, chance: int, decision: date | None, dmu: bool,
               today: date) -> list[str]:
    """The keys of `domain.QUOTE_CRITERIA` that do not hold."""
    holds = {
        "solution": solution,
        "budget": budget,
        "chance": chance > QUOTE_MIN_CHANCE,
        "term": decision is not None and decision <= today + timedelta(days=QUOTE_MAX_DECISION_DAYS),
        "dmu": dmu,
    }
    return [key for key, ok in holds.items() if not ok]


def chance_is_borderline(chance: int) -> bool:
    """Within the book's 35–40%: it holds only when it rests on facts."""
    return QUOTE_MIN_CHANCE < chance < QUOTE_FIRM_CHANCE


# SPIN ideas for a closing visit: what changed, what still stands in the way, the value said once more.
CLOSING_IDEAS = {
    "situation": (N_("What has changed on your side since we discussed your requirements?"),
                  N_("Who else needs to agree before the order can be placed?")),
    "problem": (N_("What still bothers you about our proposal?"),
                N_("Where do our conditions still fall short of your expectations?")),
    "implication": (N_("What does it cost you if the new solution starts later than planned?"),
                    N_("What does it mean for your plans this year if the decision is postponed?")),
    "need-payoff": (N_("Which benefit of our proposal matters most to you, and why?"),
                    N_("How would this solution help you and your team once it is running?")),
}

# SPIN ideas for our own customer: satisfaction, complaints, proactive information, cross-selling.
AFTERSALES_IDEAS = {
    "situation": (N_("Which of our products and services do you use most today, and for what?"),
                  N_("What has changed in your organisation since our last visit?")),
    "problem": (N_("Where have our deliveries or service fallen short of your expectations?"),
                N_("Which complaints or questions have come up since our last visit?")),
    "implication": (N_("What did those problems cost you in time or money?"),
                    N_("How does that affect your own customers?")),
    "need-payoff": (N_("How would it help you if we told you earlier about changes and new products?"),
                    N_("What would it be worth to you if we took more work off your hands?")),
}


IDEAS = {VisitType.QUOTE: CLOSING_IDEAS, VisitType.AFTERSALES: AFTERSALES_IDEAS}


def closing_feedback(kinds: list[str], t: Translator) -> list[str]:
    """The question mix for a closing visit: the needs were explored earlier, so no problem or implication
    questions are asked for; the buyer restating the value (need-payoff) is."""
    _ = t.gettext
    lines = []
    situation = kinds.count("situation")
    if situation * 2 > len(kinds):
        lines.append(_("Mostly situation questions: at a closing visit you should know the facts already."))
    if "need-payoff" not in kinds:
        lines.append(_("No need-payoff question: let the buyer say once more what the solution is worth "
                       "before you ask for the order."))
    return lines or [_("A good mix for a closing visit.")]
