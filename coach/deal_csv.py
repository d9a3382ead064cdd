"""Parse a deals CSV export (contract "Deals CSV"). Pure: bytes or text in, rows and errors out.

- Encoding: UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), else cp1252.
- Delimiter: `,`, `;` or tab, whichever occurs most in the header line (an Excel `sep=;` first
  line is honoured too).
- Headers are case-insensitive; `_`, `-` and `.` count as spaces; HubSpot, Salesforce and Dutch
  header names map onto the contract's columns (`COLUMNS`). When two headers map onto the same
  column, the one listed first in `COLUMNS` is used (e-mail before name for the owner).
- Probability is a percentage; a column whose values are all fractions 0–1 with at least one
  strictly between (HubSpot's "Deal probability" exports 0.35) is read as fractions.
- A missing stage is "quote" when the row has a quote_ref, else "prospect". HubSpot's and
  Salesforce's default stages, and those of a stage map, map onto ours with a default chance
  (`coach.crm_stages`); an empty probability takes the stage's chance, so an export may have a
  stage column instead of a probability column.
- A CRM's own deal id (HubSpot's `Record ID`, Salesforce's `Opportunity ID`) identifies the deal
  when the file has no quote_ref (`DealRow.ref`).
- A Salesforce report's footer is ignored: from a blank line on, the lines "Grand Totals (N records)",
  "Confidential Information - Do Not Distribute" and its copyright line. A row after the footer is an
  error; a blank line followed by rows that are not the footer is just a blank line.
- Errors carry the physical line number (the header is line 1); a row with any error is left out.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from coach.crm_stages import StageInfo, stage_info
from coach.deal_dates import DATE_HINT, DateColumn, DateOrder, parse_date
from coach.domain import Stage
from coach.money import CURRENCY_SIGNS, parse_decimal, parse_money, parse_percent

COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account name", "company name", "associated company",
                "associated company (primary)", "company", "customer", "customer name", "organization",
                "organisation", "klant", "klantnaam", "relatie", "bedrijf", "bedrijfsnaam", "accountnaam"),
    "title": ("title", "deal name", "opportunity name", "deal", "opportunity", "product", "titel",
              "omschrijving", "dealnaam"),
    "owner": ("owner", "owner email", "deal owner email", "opportunity owner email", "deal owner",
              "opportunity owner", "eigenaar", "verkoper", "accountmanager"),
    "amount": ("amount", "deal amount", "deal value", "value", "bedrag", "waarde", "offertebedrag"),
    "units": ("units", "quantity", "total opportunity quantity", "aantal", "stuks", "eenheden"),
    "probability": ("probability", "probability (%)", "deal probability", "chance", "kans", "kans (%)",
                    "kans %", "slagingskans", "scoringskans", "orderkans"),
    "stage": ("stage", "deal stage", "opportunity stage", "fase", "status"),
    "decision_date": ("decision date", "decision month", "close date", "expected close date",
                      "closing date", "beslisdatum", "beslismaand", "besluitdatum",
                      "verwachte beslisdatum", "sluitingsdatum"),
    "record_id": ("record id", "opportunity id"),
    "quote_ref": ("quote ref", "quote number", "quote", "quote no", "quote id", "offertenummer",
                  "offerte nummer", "offerte nr", "offertenr"),
    "quote_date": ("quote date", "quote sent", "quote sent date", "quote sent on", "date quote sent",
                   "offertedatum", "datum offerte", "offerte verstuurd", "offerte verzonden"),
    "next_step": ("next step", "next action", "volgende stap", "volgende actie"),
    "follow_up_date": ("follow up date", "followup date", "follow up", "reminder date", "vervolgdatum",
                       "opvolgdatum", "follow up datum", "herinneringsdatum"),
    "currency": ("currency", "opportunity currency", "deal currency", "deal currency code",
                 "currency code", "valuta", "munteenheid"),
}
REQUIRED = ("account", "amount")  # and probability, or a stage column whose stages give the chance
_FOOTER = re.compile(r"Grand Totals \(\d[\d,.]*\s+records?\)|Confidential Information - Do Not Distribute|"
                     r"Copyright (\(c\)|©) \d{4}(-\d{4})? salesforce\.com, inc\..*", re.IGNORECASE)
_ALIAS = {alias: (name, rank) for name, aliases in COLUMNS.items() for rank, alias in enumerate(aliases)}

STAGE_HINT = "use suspect, prospect, hot prospect, quote, won or lost (Dutch: offerte, gewonnen, verloren)"
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
class DealCsv:
    rows: list[DealRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> header in the file
    header_line: int = 1  # 2 after an Excel `sep=` line; errors up to this line concern the whole file

    @property
    def header_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.line <= self.header_line]


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def header_key(header: str) -> str:
    return " ".join(re.sub(r"[_\-.:#]", " ", header.replace("\ufeff", "").casefold()).split())


def detect_delimiter(header_line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])  # ties: tab, then semicolon, then comma
    return best if counts[best] else ","


def _currency(text: str) -> str:
    code = CURRENCY_SIGNS.get(text.strip(), text.strip().upper())
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"{text.strip()!r} is not a currency; use an ISO code like EUR")
    return code


def _fraction_probabilities(values: list[str]) -> bool:
    """True when every probability is a fraction 0–1 and at least one lies strictly between."""
    if not values or not all(re.fullmatch(r"\d*[.,]?\d+", v.strip()) for v in values):
        return False
    numbers = [Decimal(v.strip().replace(",", ".")) for v in values]
    return all(n <= 1 for n in numbers) and any(0 < n < 1 for n in numbers)


def _probability(raw: str, fraction: bool) -> int:
    if not fraction:
        return parse_percent(raw)
    return int((Decimal(raw.strip().replace(",", ".")) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


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


@dataclass(frozen=True)
class _Readings:
    """How the whole file says its rows are read."""

    fraction: bool  # the probabilities are fractions 0–1
    orders: dict[str, DateOrder]  # date column -> its order
    stage_map: dict[str, StageInfo] | None


DATE_COLUMNS = ("decision_date", "follow_up_date", "quote_date")


def _date_orders(raw_rows, columns: dict[str, str], chosen: DateOrder | None) -> tuple[dict[str, DateOrder], list[str]]:
    """Each date column's order, from all its values; and the columns whose values cannot tell."""
    orders, errors = {}, []
    for name in DATE_COLUMNS:
        if name in columns:
            column = DateColumn(columns[name])
            for line, cells, _ in raw_rows:
                column.see(line, cells.get(name, ""))
            try:
                orders[name] = column.order(chosen)
            except ValueError as exc:
                errors.append(str(exc))
    return orders, errors


def _parse_row(row: _Row, readings: _Readings) -> DealRow | None:
    account = row.text("account", 200)
    if account is None:
        row.fail("account", "empty; every deal needs the customer or prospect name")
    quote_ref, record_id = row.text("quote_ref", 80), row.text("record_id", 80)
    title, owner, next_step = row.text("title", 200), row.text("owner", 200), row.text("next_step")
    money = row.value("amount", parse_money)
    if money is None and not row.cells.get("amount", "").strip():
        row.fail("amount", "empty; write the deal or quote value")
    currency = row.value("currency", _currency)
    if money and money[1] and currency and money[1] != currency:
        row.fail("currency", f"the amount is in {money[1]} but the currency column says {currency}")
    stage_text = row.cells.get("stage", "").strip()
    info = (stage_info(stage_text, readings.stage_map) if stage_text
            else StageInfo(Stage.QUOTE if quote_ref else Stage.PROSPECT, None))
    stage = info.stage if info else None
    if info is None:
        row.fail("stage", f"unknown stage {stage_text!r}; {STAGE_HINT}, or map your CRM's stages onto ours "
                          "with --stage-map FILE (see README, Importing deals)")
    probability = row.value("probability", _probability, readings.fraction)
    if probability is None and not row.cells.get("probability", "").strip():
        probability = info.probability if info else None
        if info and probability is None:
            row.fail("probability", "empty; write the chance of the order in percent" if "probability" in row.headers
                     else f"no probability column, and stage {stage_text or stage.value!r} has no default chance; "
                          "add a probability column, or give the stage a probability in a --stage-map file")
    elif probability is not None and not 0 <= probability <= 100:
        row.fail("probability", "a percentage is between 0 and 100")
    orders = readings.orders
    decision = row.value("decision_date", parse_date, True, orders.get("decision_date", DateOrder.DMY))
    if decision is None and not row.cells.get("decision_date", "").strip() and stage and stage.is_open:
        row.fail("decision_date", f"empty; open deals need the expected decision date ({DATE_HINT})")
    follow_up = row.value("follow_up_date", parse_date, False, orders.get("follow_up_date", DateOrder.DMY))
    quote_date = row.value("quote_date", parse_date, False, orders.get("quote_date", DateOrder.DMY))
    units = row.value("units", parse_decimal, "number of units")
    if row.errors:
        return None
    assert account and money and stage is not None and probability is not None
    return DealRow(line=row.line, account=account, amount=money[0], probability=probability,
                   stage=stage.value, decision_date=decision, title=title, owner=owner, units=units,
                   quote_ref=quote_ref, next_step=next_step, follow_up_date=follow_up,
                   currency=currency or money[1], quote_date=quote_date, record_id=record_id)


def _is_footer(cells: list[str]) -> bool:
    """A line of a Salesforce report's footer: one cell such as "Grand Totals (2 records)"."""
    return not any(c.strip() for c in cells[1:]) and bool(_FOOTER.fullmatch(cells[0].strip()))


def _map_headers(header: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """Column index -> contract name, and contract name -> header as written, best alias first."""
    best: dict[str, tuple[int, int]] = {}
    for index, name in enumerate(header):
        hit = _ALIAS.get(header_key(name))
        if hit and (hit[0] not in best or hit[1] < best[hit[0]][0]):
            best[hit[0]] = (hit[1], index)
    return {i: n for n, (_, i) in best.items()}, {n: header[i].strip() for n, (_, i) in best.items()}


def _duplicates(rows: list[DealRow], columns: dict[str, str]) -> list[RowError]:
    errors, seen = [], {}
    for r in rows:
        fold = " ".join(r.account.casefold().split())
        key = ("q", fold, r.ref) if r.ref else ("t", fold, (r.owner or "").casefold(), r.title)
        if key in seen:
            name = "quote" if r.quote_ref else columns.get("record_id")
            what = (f"{name} {r.ref!r} for {r.account!r}" if r.ref
                    else f"a deal for {r.account!r} with the same owner and title and no quote_ref")
            errors.append(RowError(r.line, f"{what} appears twice (first on line {seen[key]})"))
        else:
            seen[key] = r.line
    return errors


def parse_deals_csv(data: bytes | str, stage_map: dict[str, StageInfo] | None = None,
                    date_order: DateOrder | None = None) -> DealCsv:
    """Parse a deals export. Rows with errors are left out of `rows`; header errors stop parsing.

    `stage_map` (`coach.deal_maps.read_stage_map`) adds stage labels to the built-in ones; `date_order`
    (--date-order) says how to read `01/02/2026`-like dates instead of each column's values."""
    text = decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines, offset = text.split("\n", 1), 0
    sep_hint = re.fullmatch(r'"?sep=(.)"?', lines[0].strip())
    if sep_hint:
        text, offset = (lines[1] if len(lines) > 1 else ""), 1
    result = DealCsv(header_line=1 + offset)
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        result.errors.append(RowError(1 + offset, "the file is empty or has no header line"))
        return result
    if "\x00" in text:
        result.errors.append(RowError(1 + offset, "this is not a text file (an Excel workbook?); "
                                      "save or export it as CSV"))
        return result
    delimiter = sep_hint[1] if sep_hint else detect_delimiter(header_line)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        result.errors.append(RowError(1 + offset, f"cannot read the header: {exc}; check the quotes (\")"))
        return result
    index, result.columns = _map_headers(header)
    missing = [n for n in REQUIRED if n not in result.columns]
    if "probability" not in result.columns and "stage" not in result.columns:
        missing.append("probability")
    if missing:
        result.errors.append(RowError(1 + offset, f"missing column {', '.join(missing)} (found: "
                                      f"{', '.join(h.strip() for h in header)}); required are account, amount, "
                                      "and probability or a stage column whose stages give the chance"))
        return result
    raw_rows, end, after_blank, footer = [], reader.line_num, False, None
    try:
        for cells in reader:
            line, end = end + 1 + offset, reader.line_num
            if not any(c.strip() for c in cells):
                after_blank = True
                continue
            if (after_blank or footer) and _is_footer(cells):
                footer = footer or (line, cells[0].strip())
                continue
            after_blank = False
            if footer:
                result.errors.append(RowError(line, f"a row after the report's footer (line {footer[0]}: "
                                                    f"{footer[1]!r}); move it above the footer, or delete it"))
                continue
            extra = len(cells) if any(c.strip() for c in cells[len(header):]) else 0
            raw_rows.append((line, {n: cells[i] for i, n in index.items() if i < len(cells)}, extra))
    except csv.Error as exc:  # e.g. an unterminated quote
        line = end + 1 + offset
        return DealCsv(errors=[RowError(line, f"cannot read the file from here on: {exc}; check the quotes (\")")],
                       columns=result.columns, header_line=line)
    fraction = _fraction_probabilities([c["probability"] for _, c, _ in raw_rows
                                        if c.get("probability", "").strip()])
    orders, order_errors = _date_orders(raw_rows, result.columns, date_order)
    if order_errors:
        return DealCsv(errors=[RowError(1 + offset, e) for e in order_errors], columns=result.columns,
                       header_line=1 + offset)
    readings = _Readings(fraction, orders, stage_map)
    for line, cells, extra in raw_rows:
        row = _Row(line, cells, result.columns)
        if extra:
            row.errors.append(RowError(line, f"{extra} fields but the header has {len(header)}; "
                                       f"put values that contain {delimiter!r} in quotes"))
        deal = _parse_row(row, readings)
        result.errors.extend(row.errors)
        if deal:
            result.rows.append(deal)
    if "decision_date" not in result.columns and any(
            e.message.startswith("decision_date:") for e in result.errors):
        message = "missing column decision_date (or Close Date); open deals need the expected decision date"
        return DealCsv(errors=[RowError(1 + offset, message)], columns=result.columns, header_line=1 + offset)
    dupes = _duplicates(result.rows, result.columns)
    bad = {e.line for e in dupes}
    result.rows = [r for r in result.rows if r.line not in bad]
    result.errors = sorted(result.errors + dupes, key=lambda e: e.line)
    return result
