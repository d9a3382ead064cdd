"""One row of a deals export, from its cells to a `DealRow` or the errors that say what is wrong with it.

How the whole file reads its rows (`Readings`: fractions or percentages, each date column's order, the
stage map) is decided before the rows are read (`coach.deal_csv`). Errors name the column as the file
writes it, on the row's physical line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from coach.crm_stages import StageInfo, stage_info
from coach.deal_dates import DATE_HINT, DateOrder, parse_date
from coach.domain import Stage
from coach.money import CURRENCY_SIGNS, parse_decimal, parse_money, parse_percent

STAGE_HINT = "use suspect, prospect, hot prospect, quote, won or lost (Dutch: offerte, gewonnen, verloren)"
_FRACTION = re.compile(r"\d*[.,]?\d+")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class DealRow:
    line: int
    account: str
    amount: Decimal
    probability: int
    stage: str
    decision_date: date | None
    title: str | None = None
    owner: str | None = None
    units: Decimal | None = None
    quote_ref: str | None = None
    next_step: str | None = None
    follow_up_date: date | None = None
    currency: str | None = None  # None: the owner's team currency
    quote_date: date | None = None  # when the quote was sent; None: unknown
    record_id: str | None = None  # the CRM's id of the deal

    @property
    def ref(self) -> str | None:
        """What identifies the deal within its account: the quote number, else the CRM's record id."""
        return self.quote_ref or self.record_id


@dataclass
class Readings:
    """How the whole file says its rows are read."""

    headers: dict[str, str]  # contract column -> header as the file writes it
    fraction: bool = False  # the probabilities are fractions 0–1
    orders: dict[str, DateOrder] = field(default_factory=dict)  # date column -> its order
    stage_map: dict[str, StageInfo] | None = None


class FractionColumn:
    """Whether a probability column holds fractions: every value 0–1 and at least one strictly between
    (HubSpot's "Deal probability" exports 0.35). `see` each value, then read `fraction`."""

    def __init__(self) -> None:
        self.possible, self.between = True, False

    def see(self, text: str) -> None:
        text = text.strip()
        if not text or not self.possible:
            return
        number = Decimal(text.replace(",", ".")) if _FRACTION.fullmatch(text) else None
        self.possible = number is not None and number <= 1
        self.between = self.between or (self.possible and 0 < number < 1)

    @property
    def fraction(self) -> bool:
        return self.possible and self.between


def _currency(text: str) -> str:
    code = CURRENCY_SIGNS.get(text.strip(), text.strip().upper())
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"{text.strip()!r} is not a currency; use an ISO code like EUR")
    return code


def _probability(raw: str, fraction: bool) -> int:
    if not fraction:
        return parse_percent(raw)
    return int((Decimal(raw.strip().replace(",", ".")) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def row_stage(cells: dict[str, str], readings: Readings) -> StageInfo | None:
    """The row's stage and its default chance; None for a stage nobody mapped. An empty stage is a quote
    when the row has a quote number, else a prospect."""
    text = cells.get("stage", "").strip()
    if text:
        return stage_info(text, readings.stage_map)
    return StageInfo(Stage.QUOTE if cells.get("quote_ref", "").strip() else Stage.PROSPECT, None)


class _Row:
    """One data row being parsed; collects its errors under the file's own header names."""

    def __init__(self, line: int, cells: dict[str, str], headers: dict[str, str]) -> None:
        self.line, self.cells, self.headers = line, cells, headers
        self.errors: list[RowError] = []

    def text(self, name: str, limit: int = 0) -> str | None:
        value = " ".join(self.cells.get(name, "").split())
        if limit and len(value) > limit:
            self.fail(name, f"longer than {limit} characters")
        return value or None

    def fail(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.line, f"{self.headers.get(name, name)}: {message}"))

    def value(self, name: str, parse, *args):
        raw = self.cells.get(name, "").strip()
        if not raw:
            return None
        try:
            return parse(raw, *args)
        except (ValueError, InvalidOperation) as exc:
            self.fail(name, str(exc))
            return None


def parse_row(line: int, cells: dict[str, str], readings: Readings) -> DealRow | list[RowError]:
    """The deal on this line, or every error in it."""
    row = _Row(line, cells, readings.headers)
    account = row.text("account", 200)
    if account is None:
        row.fail("account", "empty; every deal needs the customer or prospect name")
    quote_ref, record_id = row.text("quote_ref", 80), row.text("record_id", 80)
    title, owner, next_step = row.text("title", 200), row.text("owner", 200), row.text("next_step")
    money = row.value("amount", parse_money)
    if money is None and not cells.get("amount", "").strip():
        row.fail("amount", "empty; write the deal or quote value")
    currency = row.value("currency", _currency)
    if money and money[1] and currency and money[1] != currency:
        row.fail("currency", f"the amount is in {money[1]} but the currency column says {currency}")
    info = row_stage(cells, readings)
    stage_text = cells.get("stage", "").strip()
    if info is None:
        row.fail("stage", f"unknown stage {stage_text!r}; {STAGE_HINT}, or map your CRM's stages onto ours "
                          "with --stage-map FILE (see README, Importing deals)")
    probability = row.value("probability", _probability, readings.fraction)
    if probability is None and not cells.get("probability", "").strip():
        probability = info.probability if info else None
        if info and probability is None:
            row.fail("probability", "empty; write the chance of the order in percent" if "probability" in row.headers
                     else f"no probability column, and stage {stage_text or info.stage.value!r} has no default "
                          "chance; add a probability column, or give the stage a probability in a --stage-map file")
    elif probability is not None and not 0 <= probability <= 100:
        row.fail("probability", "a percentage is between 0 and 100")
    order = readings.orders.get
    decision = row.value("decision_date", parse_date, True, order("decision_date", DateOrder.DMY))
    if decision is None and not cells.get("decision_date", "").strip() and info and info.stage.is_open:
        row.fail("decision_date", f"empty; open deals need the expected decision date ({DATE_HINT})")
    follow_up = row.value("follow_up_date", parse_date, False, order("follow_up_date", DateOrder.DMY))
    quote_date = row.value("quote_date", parse_date, False, order("quote_date", DateOrder.DMY))
    units = row.value("units", parse_decimal, "number of units")
    if row.errors:
        return row.errors
    assert account and money and info is not None and probability is not None
    return DealRow(line=line, account=account, amount=money[0], probability=probability,
                   stage=info.stage.value, decision_date=decision, title=title, owner=owner, units=units,
                   quote_ref=quote_ref, next_step=next_step, follow_up_date=follow_up,
                   currency=currency or money[1], quote_date=quote_date, record_id=record_id)
