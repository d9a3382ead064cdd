"""The sales method's vocabulary (docs/method.md): visit types, methods, stages, checklists."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coach.i18n import N_


class VisitType(StrEnum):
    FIRST = "first"
    FOLLOWUP = "followup"
    QUOTE = "quote"
    AFTERSALES = "aftersales"


VISIT_TYPE_LABELS = {
    VisitType.FIRST: N_("First / orientation visit"),
    VisitType.FOLLOWUP: N_("Follow-up after the inventory"),
    VisitType.QUOTE: N_("Quote discussion / closing visit"),
    VisitType.AFTERSALES: N_("Existing customer, after-sales"),
}


@dataclass(frozen=True)
class SalesMethod:
    name: str
    about: str


SALES_METHODS = {
    VisitType.FIRST: SalesMethod(
        N_("needs-oriented"), N_("map their wishes and needs: listen and ask many open questions")
    ),
    VisitType.FOLLOWUP: SalesMethod(
        N_("problem-solving"), N_("propose a solution that fits within the customer's requirements")
    ),
    VisitType.QUOTE: SalesMethod(
        N_("process-oriented"),
        N_("restate the benefits, agree the conditions (price, delivery) and close, or learn why not"),
    ),
    VisitType.AFTERSALES: SalesMethod(
        N_("relationship-advisory"),
        N_("solve problems fast, inform proactively and grow into a business partner"),
    ),
}


class Stage(StrEnum):
    SUSPECT = "suspect"
    PROSPECT = "prospect"
    HOT_PROSPECT = "hot prospect"
    QUOTE = "quote"
    WON = "won"
    LOST = "lost"

    @property
    def is_open(self) -> bool:
        return self not in (Stage.WON, Stage.LOST)


STAGE_LABELS = {
    Stage.SUSPECT: N_("suspect"),
    Stage.PROSPECT: N_("prospect"),
    Stage.HOT_PROSPECT: N_("hot prospect"),
    Stage.QUOTE: N_("quote"),
    Stage.WON: N_("won"),
    Stage.LOST: N_("lost"),
}

# Words users type or CRMs export for a stage, English and Dutch, lower case.
STAGE_ALIASES = {
    "suspect": Stage.SUSPECT,
    "prospect": Stage.PROSPECT,
    "hot prospect": Stage.HOT_PROSPECT,
    "hot": Stage.HOT_PROSPECT,
    "hete prospect": Stage.HOT_PROSPECT,
    "warme prospect": Stage.HOT_PROSPECT,
    "quote": Stage.QUOTE,
    "quotation": Stage.QUOTE,
    "offerte": Stage.QUOTE,
    "proposal": Stage.QUOTE,
    "won": Stage.WON,
    "closed won": Stage.WON,
    "gewonnen": Stage.WON,
    "lost": Stage.LOST,
    "closed lost": Stage.LOST,
    "verloren": Stage.LOST,
}


def parse_stage(text: str) -> Stage | None:
    return STAGE_ALIASES.get(" ".join(text.strip().lower().replace("_", " ").replace("-", " ").split()))


@dataclass(frozen=True)
class ChecklistStep:
    key: str
    title: str
    hint: str


PREPARATION_STEPS = (
    ChecklistStep("online", N_("Online research"), N_(
        "Size (staff, revenue, sites, parent group), industry, their customers (possible references), "
        "CSR policy and what it asks of suppliers. Set a news alert for key accounts.")),
    ChecklistStep("vis", N_("Sales information system"), N_(
        "Earlier business with this account: what, how much, when, on which conditions.")),
    ChecklistStep("crm", N_("CRM"), N_(
        "Earlier contacts: since when, with whom, what was concluded, why no deal, the follow-up date.")),
    ChecklistStep("contact", N_("The contact person"), N_(
        "Background from social networks: education, role, interests.")),
    ChecklistStep("route", N_("Route and planning"), N_(
        "Address, travel time, a phone number in case of delay. Cluster visits per area.")),
    ChecklistStep("docs", N_("Documentation"), N_(
        "Product brochures and a company presentation: look for cross-selling chances.")),
    ChecklistStep("cards", N_("Business cards"), N_("Enough of them with you.")),
    ChecklistStep("writing", N_("Writing material"), N_(
        "Take notes on paper rather than a laptop in a first meeting; never record the conversation.")),
    ChecklistStep("alternatives", N_("Alternative addresses"), N_(
        "Prospects nearby in case the visit is cancelled or short.")),
    ChecklistStep("questions", N_("Prepared questions"), N_(
        "As keywords, not full sentences; tick them off during the visit. We plan them below.")),
)


@dataclass(frozen=True)
class SheetItem:
    """An item of the preparation sheet: its key, the book's shorthand for it, and what it means."""

    key: str
    shorthand: str
    label: str


# The shorthands are the book's, the ones reps write on their sheet; an item the book gives none keeps a plain word.
INTERNAL_OBJECTIVE_ITEMS = (
    SheetItem("naw", "NAW", N_("Full contact details")),
    SheetItem("dmu", "DMU", N_("The decision-making unit: who decides")),
    SheetItem("newsletter", "@", N_("Consent for the newsletter")),
    SheetItem("interest", "product", N_("Product interest")),
    SheetItem("supplier", "lev", N_("Current supplier")),
    SheetItem("potential", "€-TTL", N_("Revenue potential")),
    SheetItem("competitor_prices", "€ conc.", N_("Competitor prices")),
    SheetItem("contract_end", "afl. contr.", N_("Contract end date")),
    SheetItem("new_contract", "nw. contract", N_("The new contract: when, and on which terms")),
    SheetItem("account_class", "A/B/C", N_("Account class A, B or C")),
    SheetItem("chance", "vk%", N_("Chance of an order in % and when the decision falls")),
    SheetItem("next_appointment", "vrvlg", N_("A follow-up appointment")),
)


# What the external objective covers (coach-domain §1), with the book's shorthands.
EXTERNAL_TOPICS = (
    SheetItem("introduction", "pres-bedr", N_("introducing both companies")),
    SheetItem("needs", "wens+beh", N_("their wishes and needs and what they mean for their business")),
    SheetItem("product", "pres-prod", N_("a product or solution direction")),
    SheetItem("next", "vrvlg", N_("a follow-up appointment")),
)

# The five conditions under which a quote is justified.
QUOTE_CRITERIA = (
    ("solution", N_("a real solution for their needs")),
    ("budget", N_("the price can reasonably meet their budget")),
    ("chance", N_("a fact-based chance of the order above 35–40%")),
    ("term", N_("a decision within an acceptable term")),
    ("dmu", N_("it is clear who decides (DMU)")),
)
QUOTE_MIN_CHANCE = 35  # the book's threshold is "above 35–40%": at most this fails
QUOTE_FIRM_CHANCE = 40  # from here the chance is clearly above it; in between it holds on facts only
QUOTE_MAX_DECISION_DAYS = 92
