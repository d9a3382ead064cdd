"""What the coach remembers about an account: the facts a debrief learns for the internal objectives chosen
in the preparation, the relationship status and A/B/C class, and the contact norms per class a team sets.

Fact values are kept as JSON: text, a list of names, an ISO date, a decimal string or a bool.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from coach.domain import INTERNAL_OBJECTIVE_ITEMS
from coach.i18n import N_, Translator
from coach.replies import FieldKind, FormField, Option

STATUSES = ("suspect", "prospect", "customer", "ex-customer", "dead")
STATUS_LABELS = {"suspect": N_("suspect"), "prospect": N_("prospect"), "customer": N_("customer"),
                 "ex-customer": N_("ex-customer"), "dead": N_("dead: not to be approached")}
CLASSES = ("A", "B", "C")
# Visits a year per class (the book's example): A six; C by inside sales and e-mail, so no visit norm;
# B has none until the team sets one.
DEFAULT_NORMS: dict[str, int] = {"A": 6, "C": 0}


@dataclass(frozen=True)
class Fact:
    objective: str  # the internal objective's key (coach.domain.INTERNAL_OBJECTIVE_ITEMS)
    key: str  # the fact's key, as `account show` names it
    kind: FieldKind
    label: str


FACTS = (
    Fact("naw", "contact_details", FieldKind.TEXT, N_("Contact details")),
    Fact("dmu", "decision_makers", FieldKind.TEXT, N_("Who decides (names, separated by commas)")),
    Fact("newsletter", "newsletter_consent", FieldKind.SELECT, N_("Consent for the newsletter")),
    Fact("interest", "product_interest", FieldKind.TEXT, N_("Product interest")),
    Fact("supplier", "current_supplier", FieldKind.TEXT, N_("Current supplier")),
    Fact("potential", "revenue_potential", FieldKind.NUMBER, N_("Revenue potential a year")),
    Fact("competitor_prices", "competitor_prices", FieldKind.TEXT, N_("Competitor prices")),
    Fact("contract_end", "contract_end", FieldKind.DATE, N_("When their contract ends")),
    Fact("account_class", "abc_class", FieldKind.SELECT, N_("Account class")),
    Fact("next_appointment", "next_appointment", FieldKind.DATE, N_("Next appointment")),
)
BY_OBJECTIVE = {f.objective: f for f in FACTS}
# Always present in `account show --json`, null or empty when unknown (the contract names them).
CONTRACT_FACTS = ("current_supplier", "contract_end", "decision_makers", "revenue_potential")
FACT_LABELS = {**{f.key: f.label for f in FACTS}, "decision_makers": N_("Who decides"),
               "lost_reason": N_("Lost because"), "lost_to": N_("Lost to")}


def shorthand(objective: str) -> str:
    return next((i.shorthand for i in INTERNAL_OBJECTIVE_ITEMS if i.key == objective), objective)


def objective_fields(t: Translator, objectives: list[str], skip: frozenset[str] = frozenset()) -> list[FormField]:
    """One optional field per chosen objective that a debrief can answer (the chance is the deal's own)."""
    _ = t.gettext
    fields = []
    for key in objectives:
        fact = BY_OBJECTIVE.get(key)
        if fact is None or key in skip:
            continue
        options: list[Option] = []
        if fact.key == "newsletter_consent":
            options = [Option(label=_("yes"), value="yes"), Option(label=_("no"), value="no")]
        elif fact.key == "abc_class":
            options = [Option(label=c, value=c) for c in CLASSES]
        fields.append(FormField(name=fact.objective, label=f"{shorthand(key)} — {_(fact.label)}"[:75],
                                kind=fact.kind, options=options, required=False,
                                hint=_("“skip” if you did not find out")))
    return fields


def fact_value(fact: Fact, value: Any) -> Any:
    """A form answer as the fact's stored JSON value."""
    if value is None:
        return None
    if fact.key == "decision_makers":
        return [n.strip() for n in str(value).replace(";", ",").split(",") if n.strip()]
    if fact.key == "newsletter_consent":
        return value == "yes"
    if isinstance(value, (date, Decimal)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def fact_order(key: str) -> int:
    """Facts in the order of the objectives they answer; others after them."""
    order = list(FACT_LABELS)
    return order.index(key) if key in order else len(order)


def show_fact(key: str, value: Any, t: Translator, currency: str = "EUR") -> str:
    """A fact's value as a person reads it, in their language."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return t.gettext("yes") if value else t.gettext("no")
    if key in ("contract_end", "next_appointment"):
        return t.date(date.fromisoformat(value))
    if key == "revenue_potential":
        return t.money(Decimal(value), currency)
    return str(value)


def known_objectives(facts: dict[str, Any], abc_class: str | None, today: date) -> set[str]:
    """The internal objectives already answered, so a preparation does not suggest them again. A contract
    end that has passed, a next appointment and the chance are asked anew."""
    known = {f.objective for f in FACTS if facts.get(f.key) not in (None, "", [])
             and f.key not in ("next_appointment", "abc_class", "contract_end")}
    if facts.get("contract_end") and date.fromisoformat(facts["contract_end"]) >= today:
        known.add("contract_end")
    if abc_class:
        known.add("account_class")
    return known


def confirmations(facts: dict[str, Any], t: Translator, today: date) -> list[str]:
    """Situation questions that confirm what is known instead of asking for it again."""
    _ = t.gettext
    out = []
    supplier = facts.get("current_supplier")
    end = date.fromisoformat(facts["contract_end"]) if facts.get("contract_end") else None
    end = end if end and end >= today else None
    if supplier and end:
        out.append(_("Is {supplier} still your supplier until {month}?").format(
            supplier=supplier, month=t.date(end, "MMMM yyyy")))
    elif supplier:
        out.append(_("Is {supplier} still your supplier?").format(supplier=supplier))
    elif end:
        out.append(_("Does your current contract still end in {month}?").format(month=t.date(end, "MMMM yyyy")))
    if facts.get("decision_makers"):
        out.append(_("Are {names} still the ones who decide on this?").format(
            names=t.names(facts["decision_makers"])))
    return out


def status_after_debrief(status: str, result: str) -> str:
    """A debrief means contact was made (a suspect becomes a prospect); a won deal makes a customer.
    Dead stays dead unless an order is won after all."""
    if result == "won":
        return "customer"
    if status == "suspect":
        return "prospect"
    return status


def norms(team_norms: dict[str, Any] | None) -> dict[str, int]:
    """Visits a year per class: the team's own, else the book's."""
    return {k: int(v) for k, v in (team_norms if team_norms is not None else DEFAULT_NORMS).items()}


def parse_norm(spec: str) -> tuple[str, int]:
    """'A=6' → ('A', 6): visits a year for a class; 0 means no visits (inside sales and e-mail)."""
    cls, sep, number = spec.partition("=")
    cls = cls.strip().upper()
    if not sep or cls not in CLASSES or not number.strip().isdecimal() or int(number) > 52:
        raise ValueError(f"--norm {spec!r}: write CLASS=VISITS_A_YEAR, like A=6 or C=0 (class A, B or C, "
                         "0 to 52 visits a year)")
    return cls, int(number)
