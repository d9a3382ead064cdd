"""Forecast from outstanding quotes (coach-domain §3): amount × chance, in the decision month. Pure.

The textbook forecast is on outstanding quotes (`outstanding_quotes`); the coach also offers it on every open
deal, which is what the digest and `pipeline` show. `Forecast.basis` says which one a forecast is.
Won and lost deals are left out, and so are open deals at 0% (a 0% quote is a lost quote). Open deals
without a decision date cannot be placed in a month; they are counted in `Forecast.undated` instead
of being dropped silently. Month figures are rounded to cents; the total is the sum of the months.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

CENT = Decimal("0.01")
CLOSED_STAGES = ("won", "lost")
OPEN_DEALS, QUOTES = "open_deals", "quotes"  # what a forecast is taken over: every open deal, or the quotes


class ForecastDeal(Protocol):
    """What the forecast reads from a deal (`DealInfo`, the ORM `Deal` and `DealRow` all fit)."""

    @property
    def amount(self) -> Decimal: ...
    @property
    def units(self) -> Decimal | None: ...
    @property
    def probability(self) -> int: ...
    @property
    def stage(self) -> str: ...
    @property
    def decision_date(self) -> date | None: ...
    @property
    def currency(self) -> str: ...


@dataclass(frozen=True)
class MonthForecast:
    month: str  # "YYYY-MM"
    weighted_amount: Decimal
    weighted_units: Decimal
    deals: int


@dataclass(frozen=True)
class Forecast:
    currency: str
    months: list[MonthForecast]
    total_weighted_amount: Decimal
    undated: int = 0  # open deals without a decision date: not in `months`
    undated_weighted_amount: Decimal = Decimal("0.00")
    basis: str = OPEN_DEALS  # OPEN_DEALS or QUOTES

    @property
    def total_weighted_units(self) -> Decimal:
        return sum((m.weighted_units for m in self.months), Decimal("0.00"))

    @property
    def deals(self) -> int:
        return sum(m.deals for m in self.months)

    def to_json(self) -> dict:
        """The contract's `forecast --json` object."""
        return {
            "currency": self.currency,
            "months": [
                {"month": m.month, "weighted_amount": f"{m.weighted_amount:.2f}",
                 "weighted_units": _json_number(m.weighted_units), "deals": m.deals}
                for m in self.months
            ],
            "total_weighted_amount": f"{self.total_weighted_amount:.2f}",
            "basis": self.basis,
        }


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def cents(value: Decimal) -> Decimal:
    """Rounded to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def counts(deal: ForecastDeal) -> bool:
    """Whether a deal belongs in the forecast: open and with a chance above 0%."""
    return deal.stage not in CLOSED_STAGES and deal.probability > 0


def outstanding_quotes(deals: Iterable[ForecastDeal]) -> list[ForecastDeal]:
    """The deals the textbook forecast is taken over: quotes sent and not yet won or lost."""
    return [d for d in deals if d.stage == "quote"]


def forecast(deals: Iterable[ForecastDeal], currency: str, basis: str = OPEN_DEALS) -> Forecast:
    """The weighted forecast of `deals` per decision month, labelled with `currency` and `basis`."""
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    units: dict[str, Decimal] = defaultdict(Decimal)
    numbers: dict[str, int] = defaultdict(int)
    undated, undated_amount = 0, Decimal(0)
    for deal in deals:
        if not counts(deal):
            continue
        chance = Decimal(deal.probability) / 100
        if deal.decision_date is None:
            undated += 1
            undated_amount += deal.amount * chance
            continue
        month = f"{deal.decision_date.year:04d}-{deal.decision_date.month:02d}"
        amounts[month] += deal.amount * chance
        units[month] += (deal.units or Decimal(0)) * chance
        numbers[month] += 1
    months = [MonthForecast(m, cents(amounts[m]), cents(units[m]), numbers[m]) for m in sorted(numbers)]
    total = sum((m.weighted_amount for m in months), Decimal("0.00"))
    return Forecast(currency, months, total, undated, cents(undated_amount), basis)


def forecasts_by_currency(deals: Iterable[ForecastDeal], basis: str = OPEN_DEALS) -> list[Forecast]:
    """One forecast per currency of the deals that count (of the quotes alone when `basis` is QUOTES),
    currencies in alphabetical order."""
    if basis == QUOTES:
        deals = outstanding_quotes(deals)
    groups: dict[str, list[ForecastDeal]] = defaultdict(list)
    for deal in deals:
        if counts(deal):
            groups[deal.currency].append(deal)
    return [forecast(groups[c], c, basis) for c in sorted(groups)]
