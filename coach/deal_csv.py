"""Read a deals CSV export (contract "Deals CSV") in bounded memory: two passes over the file, never all of it.

- Encoding: UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), else cp1252.
- Delimiter: `,`, `;` or tab, whichever occurs most in the header line (an Excel `sep=;` first
  line is honoured too).
- Headers are case-insensitive; `_`, `-` and `.` count as spaces; HubSpot, Salesforce and Dutch
  header names map onto the contract's columns (`COLUMNS`). When two headers map onto the same
  column, the one listed first in `COLUMNS` is used (e-mail before name for the owner).
- What depends on a whole column is decided by a first pass (`DealFile.survey`): probabilities that
  are all fractions 0–1 with one strictly between are fractions (HubSpot's "Deal probability"
  exports 0.35), and each date column's day/month order (`coach.deal_dates`). The second pass
  (`DealFile.rows`) parses row by row (`coach.deal_rows`).
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
  Whether two rows are the same deal depends on who their owners are, so storage tells.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from coach.crm_stages import StageInfo
from coach.deal_dates import DateColumn, DateOrder
from coach.deal_rows import DealRow, FractionColumn, Readings, RowError, parse_row, row_stage

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
DATE_COLUMNS = ("decision_date", "follow_up_date", "quote_date")
_ALIAS = {alias: (name, rank) for name, aliases in COLUMNS.items() for rank, alias in enumerate(aliases)}
_FOOTER = re.compile(r"Grand Totals \(\d[\d,.]*\s+records?\)|Confidential Information - Do Not Distribute|"
                     r"Copyright (\(c\)|©) \d{4}(-\d{4})? salesforce\.com, inc\..*", re.IGNORECASE)
_SEP_LINE = re.compile(r'"?sep=(.)"?')
_QUOTES = 'check the quotes (")'


def decode(data: bytes) -> str:
    """Text of a small CSV file (a stage or owner map): UTF-8 (BOM or not), UTF-16 with BOM, else cp1252."""
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


def _map_headers(header: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """Column index -> contract name, and contract name -> header as written, best alias first."""
    best: dict[str, tuple[int, int]] = {}
    for index, name in enumerate(header):
        hit = _ALIAS.get(header_key(name))
        if hit and (hit[0] not in best or hit[1] < best[hit[0]][0]):
            best[hit[0]] = (hit[1], index)
    return {i: n for n, (_, i) in best.items()}, {n: header[i].strip() for n, (_, i) in best.items()}


def _is_footer(cells: list[str]) -> bool:
    """A line of a Salesforce report's footer: one cell such as "Grand Totals (2 records)"."""
    return not any(c.strip() for c in cells[1:]) and bool(_FOOTER.fullmatch(cells[0].strip()))


class _Stop(Exception):
    """The file cannot be read on: nothing is imported."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.error = RowError(line, message)


@dataclass
class _Record:
    line: int
    cells: dict[str, str]  # contract column -> cell
    extra: int = 0  # the number of fields when there are more than headers, with values
    after_footer: tuple[int, str] | None = None  # (line, text) of the footer this row follows


class DealFile:
    """A deals export read from `open_file` twice, a row at a time: `survey` checks the header and decides
    what depends on whole columns, then `rows` yields each row's deal or its errors."""

    def __init__(self, open_file: Callable[[], BinaryIO], stage_map: dict[str, StageInfo] | None = None,
                 date_order: DateOrder | None = None) -> None:
        self.open_file, self.stage_map, self.date_order = open_file, stage_map, date_order
        self.encoding, self.errors = "utf-8-sig", "strict"
        self.header_line, self.delimiter = 1, ","
        self.header: list[str] = []
        self.readings = Readings({})

    @property
    def columns(self) -> dict[str, str]:
        """Contract column -> the header as the file writes it."""
        return self.readings.headers

    def _text(self) -> TextIO:
        stream = self.open_file()
        utf16 = stream.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        stream.seek(0)
        return io.TextIOWrapper(stream, encoding="utf-16" if utf16 else self.encoding, errors=self.errors,
                                newline="")

    def _records(self, text: TextIO) -> Iterator[_Record]:
        """Every data row, from the header on; raises _Stop for a file that cannot be read."""
        first = text.readline()
        sep = _SEP_LINE.fullmatch(first.strip())
        self.header_line = 2 if sep else 1
        header_text = text.readline() if sep else first
        if not header_text.strip():
            raise _Stop(self.header_line, "the file is empty or has no header line")
        if "\x00" in header_text:
            raise _Stop(self.header_line, "this is not a text file (an Excel workbook?); save or export it as CSV")
        self.delimiter = sep[1] if sep else detect_delimiter(header_text)
        reader = csv.reader(itertools.chain([header_text], text), delimiter=self.delimiter, strict=True)
        offset = self.header_line - 1
        try:
            self.header = next(reader)
        except csv.Error as exc:
            raise _Stop(self.header_line, f"cannot read the header: {exc}; {_QUOTES}") from None
        index, headers = _map_headers(self.header)
        self.readings.headers = headers
        end, after_blank, footer = reader.line_num, False, None
        try:
            for cells in reader:
                line, end = end + 1 + offset, reader.line_num
                if not any(c.strip() for c in cells):
                    after_blank = True
                elif (after_blank or footer) and _is_footer(cells):
                    footer = footer or (line, cells[0].strip())
                else:
                    after_blank = False
                    extra = len(cells) if any(c.strip() for c in cells[len(self.header):]) else 0
                    yield _Record(line, {n: cells[i] for i, n in index.items() if i < len(cells)}, extra, footer)
        except csv.Error as exc:  # e.g. an unterminated quote
            raise _Stop(end + 1 + offset, f"cannot read the file from here on: {exc}; {_QUOTES}") from None

    def survey(self) -> list[RowError]:
        """Read the file once; the errors that stop the import (none: go on with `rows`)."""
        try:
            return self._survey()
        except UnicodeDecodeError:  # not UTF-8 after all: Windows-1252, as Excel writes it
            self.encoding, self.errors = "cp1252", "replace"  # (a UTF-16 file keeps its encoding)
            return self._survey()

    def _survey(self) -> list[RowError]:
        fraction = FractionColumn()
        with self._text() as text:
            try:
                records = self._records(text)
                first = next(records, None)
                missing = [n for n in REQUIRED if n not in self.columns]
                if "probability" not in self.columns and "stage" not in self.columns:
                    missing.append("probability")
                if missing:
                    return [RowError(self.header_line, f"missing column {', '.join(missing)} (found: "
                                     f"{', '.join(h.strip() for h in self.header)}); required are account, amount, "
                                     "and probability or a stage column whose stages give the chance")]
                dates = {n: DateColumn(self.columns[n]) for n in DATE_COLUMNS if n in self.columns}
                self.readings.stage_map = self.stage_map
                undated = False  # an open deal, and no decision_date column
                for record in itertools.chain([first] if first else [], records):
                    if record.after_footer:
                        continue
                    fraction.see(record.cells.get("probability", ""))
                    for name, column in dates.items():
                        column.see(record.line, record.cells.get(name, ""))
                    if "decision_date" not in self.columns and not undated:
                        stage = row_stage(record.cells, self.readings)
                        undated = stage is not None and stage.stage.is_open
            except _Stop as stop:
                return [stop.error]
        if undated:
            return [RowError(self.header_line, "missing column decision_date (or Close Date); open deals need "
                                               "the expected decision date")]
        errors = []
        for name, column in dates.items():
            try:
                self.readings.orders[name] = column.order(self.date_order)
            except ValueError as exc:
                errors.append(RowError(self.header_line, str(exc)))
        self.readings.fraction = fraction.fraction
        return errors

    def rows(self) -> Iterator[DealRow | RowError]:
        """After a `survey` without errors: each row's deal, or its errors, in the file's order."""
        with self._text() as text:
            for record in self._records(text):
                if record.after_footer:
                    line, footer = record.after_footer
                    yield RowError(record.line, f"a row after the report's footer (line {line}: {footer!r}); "
                                                "move it above the footer, or delete it")
                    continue
                if record.extra:
                    yield RowError(record.line, f"{record.extra} fields but the header has {len(self.header)}; "
                                                f"put values that contain {self.delimiter!r} in quotes")
                parsed = parse_row(record.line, record.cells, self.readings)
                if isinstance(parsed, DealRow):
                    if not record.extra:
                        yield parsed
                else:
                    yield from parsed
