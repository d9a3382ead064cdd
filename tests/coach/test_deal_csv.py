"""Parsing deals CSV exports: delimiters, encodings, CRM headers, validation with line numbers."""

from __future__ import annotations

import codecs
import io
import tracemalloc
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from coach.crm_stages import StageInfo
from coach.deal_csv import DealFile, detect_delimiter
from coach.deal_dates import DateOrder, parse_date
from coach.deal_maps import MapFileError, read_owner_map, read_stage_map
from coach.deal_rows import DealRow, RowError

DATA = Path(__file__).parent.parent / "data"


@dataclass
class DealCsv:
    """A whole file's rows and errors."""

    rows: list[DealRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> header in the file
    header_line: int = 1  # 2 after an Excel `sep=` line
    stopped: bool = False  # the errors stop the import: nothing is read

    @property
    def header_errors(self) -> list[RowError]:
        return self.errors if self.stopped else []


def parse_deals_csv(data: bytes | str, stage_map: dict[str, StageInfo] | None = None,
                    date_order: DateOrder | None = None) -> DealCsv:
    """Both passes over a file held in memory: its rows, or the errors that stop it."""
    raw = data if isinstance(data, bytes) else data.encode()
    file = DealFile(lambda: io.BytesIO(raw), stage_map, date_order)
    stop = file.survey()
    if stop:
        return DealCsv(errors=stop, columns=file.columns, header_line=file.header_line, stopped=True)
    result = DealCsv(columns=file.columns, header_line=file.header_line)
    for item in file.rows():
        (result.rows if isinstance(item, DealRow) else result.errors).append(item)
    return result


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]


def test_dutch_semicolon_export() -> None:
    result = parse_deals_csv((DATA / "deals_nl.csv").read_bytes())
    assert result.errors == []
    first, second, third, won, lost = result.rows
    assert first == DealRow(line=2, account="Bakkerij De Vries", title="Oven DV-200", amount=Decimal("4630.50"),
                            units=Decimal(2), probability=35, stage="quote", decision_date=date(2025, 6, 30),
                            quote_ref="OF-2025-001", next_step="Offerte nabellen",
                            follow_up_date=date(2025, 5, 15))
    assert (second.amount, second.currency, second.stage, second.decision_date) == (
        Decimal("12000.00"), "EUR", "hot prospect", date(2025, 7, 15))
    assert (third.account, third.amount) == ("Café 't Hoekje", Decimal("1250.00"))
    assert (won.stage, lost.stage) == ("won", "lost")


def test_cp1252_and_utf16_files() -> None:
    text = "account;amount;probability;decision_date\nCafé Noël;1.000;50;2025-01\n"
    for data in (text.encode("cp1252"), codecs.BOM_UTF8 + text.encode(), text.encode("utf-16")):
        (row,) = parse_deals_csv(data).rows
        assert (row.account, row.amount, row.decision_date) == ("Café Noël", Decimal("1000.00"), date(2025, 1, 31))


@pytest.mark.parametrize(("line", "delimiter"), [
    ("account,amount,probability", ","), ("account;amount;probability", ";"),
    ("account\tamount\tprobability", "\t"), ('"a,b";amount;probability', ";"), ("account", ","),
])
def test_detect_delimiter(line: str, delimiter: str) -> None:
    assert detect_delimiter(line) == delimiter


def test_comma_file_with_quoted_amounts_and_excel_sep_line() -> None:
    text = 'sep=,\nAccount,Amount,Probability,Decision_Date\n"Acme, Inc.","4,630.50",35%,2025-02-03\n'
    result = parse_deals_csv(text)
    assert result.errors == [] and result.header_line == 2
    assert (result.rows[0].line, result.rows[0].account, result.rows[0].amount) == (3, "Acme, Inc.",
                                                                                     Decimal("4630.50"))


def test_headers_are_case_insensitive_and_crm_names_map() -> None:
    text = ("OPPORTUNITY NAME,Account Name,Amount,Close Date,Stage,Probability (%),Owner Email,"
            "Opportunity Owner,Quote Number,Next Step,Opportunity Currency\n"
            "Forklift,Van Dijk,20000,30-6-2025,Proposal/Price Quote,50,bram@example.com,Bram,Q-9,Call,eur\n")
    result = parse_deals_csv(text)
    assert result.errors == []
    (row,) = result.rows
    assert (row.title, row.account, row.owner, row.quote_ref, row.next_step, row.currency, row.stage) == (
        "Forklift", "Van Dijk", "bram@example.com", "Q-9", "Call", "EUR", "quote")
    assert result.columns["owner"] == "Owner Email"  # the e-mail wins over the name


def test_hubspot_fraction_probabilities() -> None:
    result = parse_deals_csv((DATA / "deals_hubspot.csv").read_bytes())
    assert result.errors == []
    assert [(r.probability, r.stage, r.owner) for r in result.rows] == [
        (35, "quote", "Anna de Vries"), (60, "hot prospect", "Anna de Vries"), (100, "won", "Anna de Vries")]
    assert result.rows[0].decision_date == date(2025, 6, 30)


def test_dutch_headers() -> None:
    text = "Klant;Omschrijving;Bedrag;Kans;Fase;Beslisdatum;Offertenummer\nSmit;Pers;2.500;40;offerte;01-09-2025;7\n"
    (row,) = parse_deals_csv(text).rows
    assert (row.account, row.title, row.amount, row.probability, row.quote_ref) == (
        "Smit", "Pers", Decimal("2500.00"), 40, "7")


def test_missing_stage_defaults() -> None:
    text = "account,amount,probability,decision_date,quote_ref\nA,1,10,2025-01-01,Q1\nB,1,10,2025-01-01,\n"
    assert [r.stage for r in parse_deals_csv(text).rows] == ["quote", "prospect"]


def test_closed_deals_need_no_decision_date_or_probability() -> None:
    text = "account,amount,probability,stage\nA,1,,won\nB,1,,lost\n"
    result = parse_deals_csv(text)
    assert result.errors == []
    assert [(r.probability, r.decision_date) for r in result.rows] == [(100, None), (0, None)]


def test_every_error_with_its_physical_line() -> None:
    text = ("account,amount,probability,stage,decision_date,quote_ref,units,follow_up_date,currency\n"
            "Acme,abc,50,quote,2025-06-01,Q1,,,\n"
            "\n"
            ",100,50,quote,2025-06-01,Q2,,,\n"
            'Beta,"100",150,maybe,2025-13-01,Q3,-2,2025-06,XX1\n'
            '"Multi\nline",100,50,quote,,Q4,,,\n'
            "Gamma,€ 5,50,quote,2025-06-01,Q5,,,USD\n"
            "Delta,5,50,quote,2025-06-01,Q6,,,\n")
    result = parse_deals_csv(text)
    assert [r.line for r in result.rows] == [9]
    assert messages(result) == [
        "line 2: amount: 'abc' is not a valid amount; write it like 4630.50 or 4.630,50",
        "line 4: account: empty; every deal needs the customer or prospect name",
        "line 5: currency: 'XX1' is not a currency; use an ISO code like EUR",
        "line 5: stage: unknown stage 'maybe'; use suspect, prospect, hot prospect, quote, won or lost "
        "(Dutch: offerte, gewonnen, verloren), or map your CRM's stages onto ours with --stage-map FILE "
        "(see README, Importing deals)",
        "line 5: probability: '150': a percentage is between 0 and 100",
        "line 5: decision_date: '2025-13-01' is not a real date",
        "line 5: follow_up_date: '2025-06' is not a date; write YYYY-MM-DD or DD-MM-YYYY",
        "line 5: units: '-2': a negative number of units is not accepted",
        "line 6: decision_date: empty; open deals need the expected decision date "
        "(write YYYY-MM-DD or DD-MM-YYYY)",
        "line 8: currency: the amount is in EUR but the currency column says USD",
    ]


def test_missing_required_column_is_a_line_one_error() -> None:
    result = parse_deals_csv("Deal Name,Amount,Close Date\nX,1,2025-01-01\n")
    assert result.rows == []
    assert [e.line for e in result.errors] == [1]
    assert "missing column account, probability" in result.errors[0].message
    assert "probability or a stage column" in result.errors[0].message
    assert result.header_errors == result.errors


def test_missing_decision_date_column_for_open_deals() -> None:
    result = parse_deals_csv("account,amount,probability\nA,1,50\nB,2,50\n")
    assert result.rows == [] and [e.line for e in result.errors] == [1]
    assert "decision_date" in result.errors[0].message


def test_empty_file() -> None:
    assert [e.line for e in parse_deals_csv(b"").errors] == [1]


def test_unquoted_delimiter_in_a_value_is_reported() -> None:
    result = parse_deals_csv("account,amount,probability,decision_date\nAcme,4,630.50,35,2025-01-01\n")
    assert result.rows == []
    assert "put values that contain ',' in quotes" in result.errors[0].message


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-06-15", date(2025, 6, 15)), ("15-06-2025", date(2025, 6, 15)), ("5-6-2025", date(2025, 6, 5)),
    ("15.06.2025", date(2025, 6, 15)), ("2025-02", date(2025, 2, 28)), ("2024-02", date(2024, 2, 29)),
    ("2025-06-15 00:00", date(2025, 6, 15)), ("2025-06-15T10:30:00Z", date(2025, 6, 15)),
])
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["06/15/2025", "2025-13", "31-02-2025", "tomorrow", "2025"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_broken_quotes_and_binary_files_stop_the_import() -> None:
    broken = parse_deals_csv('account,amount,probability,decision_date\nA,1,2,2025-01\n"B,1,2,2025-01\n')
    assert [str(e) for e in broken.header_errors] == [
        'line 3: cannot read the file from here on: unexpected end of data; check the quotes (")']
    workbook = parse_deals_csv(b"PK\x03\x04\x00\x00\x08\x00")
    assert [e.line for e in workbook.header_errors] == [1]
    assert "save or export it as CSV" in workbook.errors[0].message


def test_hubspot_default_export_takes_the_chance_from_the_stage() -> None:
    """HubSpot's default deals export has no probability column: each stage of its default pipeline gives it."""
    result = parse_deals_csv((DATA / "hubspot_deals_export.csv").read_bytes())
    assert result.errors == []
    assert [(r.title, r.stage, r.probability, r.record_id, r.ref) for r in result.rows] == [
        ("Oven DV-200", "quote", 90, "15678901234", "15678901234"),
        ("Koelcel", "hot prospect", 60, "15678901235", "15678901235"),
        ("Vaatwasser", "prospect", 20, "15678901236", "15678901236"),
        ("Koelcel", "prospect", 40, "15678901237", "15678901237"),  # same name, same company: another deal
        ("Snijmachine", "hot prospect", 80, "15678901238", "15678901238"),
        ("Heftruck", "won", 100, "15678901239", "15678901239"),
        ("Stapelaar", "lost", 0, "15678901240", "15678901240"),
    ]
    first = result.rows[0]
    assert (first.account, first.owner, first.amount, first.decision_date, first.quote_ref) == (
        "Bakkerij De Vries", "Anna de Vries", Decimal("4630.50"), date(2026, 12, 31), None)


@pytest.mark.parametrize(("stage", "chance"), [
    ("appointmentscheduled", 20), ("decisionmakerboughtin", 80), ("CLOSED WON", 100),  # HubSpot's internal names
    ("Prospecting", 10), ("Qualification", 10), ("Needs Analysis", 20), ("Value Proposition", 50),
    ("Id. Decision Makers", 60), ("Perception Analysis", 70), ("Proposal/Price Quote", 75),
    ("Negotiation/Review", 90), ("Closed Lost", 0),  # Salesforce's defaults
])
def test_crm_default_stages_give_their_chance(stage: str, chance: int) -> None:
    (row,) = parse_deals_csv(f"account,amount,stage,close date\nAcme,100,{stage},2027-01-31\n").rows
    assert row.probability == chance


def test_a_probability_column_wins_over_the_stage_and_an_empty_cell_takes_the_stage() -> None:
    text = ("Deal Name,Associated Company,Amount,Deal Stage,Deal probability,Close Date\n"
            "A,Acme,100,Contract sent,0.35,2027-01-31\n"
            "B,Acme,100,Contract sent,,2027-01-31\n"
            "C,Acme,100,quote,,2027-01-31\n")
    result = parse_deals_csv(text)
    assert [r.probability for r in result.rows] == [35, 90]
    assert messages(result) == ["line 4: Deal probability: empty; write the chance of the order in percent"]


def test_an_unknown_stage_names_the_stage_and_points_to_the_stage_map() -> None:
    result = parse_deals_csv("account,amount,stage,decision date\nAcme,100,Demo booked,2027-01-31\n")
    assert messages(result) == [
        "line 2: stage: unknown stage 'Demo booked'; use suspect, prospect, hot prospect, quote, won or lost "
        "(Dutch: offerte, gewonnen, verloren), or map your CRM's stages onto ours with --stage-map FILE "
        "(see README, Importing deals)"]


def test_our_own_stages_need_a_probability_when_the_file_has_no_column() -> None:
    result = parse_deals_csv("account,amount,stage,decision date\nAcme,100,offerte,2027-01-31\nBeta,5,won,\n")
    assert [(r.account, r.probability) for r in result.rows] == [("Beta", 100)]
    assert messages(result) == [
        "line 2: probability: no probability column, and stage 'offerte' has no default chance; add a probability "
        "column, or give the stage a probability in a --stage-map file"]


def test_a_stage_map_adds_custom_stages_and_overrides_the_defaults() -> None:
    stages = read_stage_map((DATA / "stage_map.csv").read_bytes())
    result = parse_deals_csv((DATA / "hubspot_deals_custom_pipeline.csv").read_bytes(), stages)
    assert result.errors == []
    assert [(r.title, r.stage, r.probability) for r in result.rows] == [
        ("Oven DV-200", "prospect", 25), ("Koelcel", "quote", 50), ("Vaatwasser", "quote", 70),
        ("Snijmachine", "hot prospect", 85), ("Heftruck", "won", 100), ("Stapelaar", "lost", 0)]


def test_a_stage_without_a_chance_in_the_map_takes_the_rows_probability() -> None:
    stages = read_stage_map(b"CRM stage;Stage;Probability\nVerbal yes;hete prospect;\n")
    text = ("account,amount,stage,probability,decision date\n"
            "Acme,100,Verbal yes,65,2027-01-31\nB,1,verbal  YES,,2027-01-31\n")
    result = parse_deals_csv(text, stages)
    assert [(r.stage, r.probability) for r in result.rows] == [("hot prospect", 65)]
    assert messages(result) == ["line 3: probability: empty; write the chance of the order in percent"]


def test_stage_map_errors_are_listed_with_their_lines() -> None:
    data = (b"crm stage,stage,probability\n"
            b"Demo booked,prospect,25\n"
            b",quote,50\n"
            b"Proposal sent,maybe,50\n"
            b"Verbal yes,hot prospect,120\n"
            b"demo-booked,prospect,30\n")
    with pytest.raises(MapFileError) as caught:
        read_stage_map(data)
    assert [str(e) for e in caught.value.errors] == [
        "line 3: crm stage: empty; write the stage as the export names it",
        "line 4: stage: 'maybe' is not one of ours; use suspect, prospect, hot prospect, quote, won or lost "
        "(Dutch: offerte, gewonnen, verloren)",
        "line 5: probability: '120': a percentage is between 0 and 100",
        "line 6: crm stage 'demo-booked' is already mapped on line 2",
    ]
    with pytest.raises(MapFileError, match="the header needs the columns crm stage, stage, probability"):
        read_stage_map(b"Demo booked,prospect,25\n")
    with pytest.raises(MapFileError, match="no stages in the file"):
        read_stage_map(b"crm stage,stage\n")


US = "account,amount,probability,close date\n"


def decisions(text: str, order: DateOrder | None = None) -> list[date]:
    result = parse_deals_csv(text, date_order=order)
    assert result.errors == []
    return [r.decision_date for r in result.rows]


def test_month_first_dates_are_read_when_a_value_shows_the_order() -> None:
    text = US + "A,1,50,12/31/2026\nB,1,50,6/5/2027\nC,1,50,2027-03-01\nD,1,50,01/15/2027 2:15 PM\n"
    assert decisions(text) == [date(2026, 12, 31), date(2027, 6, 5), date(2027, 3, 1), date(2027, 1, 15)]


def test_day_first_dates_are_read_when_a_value_shows_the_order() -> None:
    assert decisions(US + "A,1,50,31/12/2026\nB,1,50,6/5/2027\n") == [date(2026, 12, 31), date(2027, 5, 6)]


def test_each_date_column_decides_its_own_order() -> None:
    text = ("account,amount,probability,close date,follow up date\n"
            "A,1,50,12/31/2026,13/01/2027\nB,1,50,01/02/2027,02/03/2027\n")
    result = parse_deals_csv(text)
    assert result.errors == []
    assert [(r.decision_date, r.follow_up_date) for r in result.rows] == [
        (date(2026, 12, 31), date(2027, 1, 13)), (date(2027, 1, 2), date(2027, 3, 2))]


def test_slashed_dates_that_fit_both_orders_ask_for_date_order() -> None:
    text = US + "A,1,50,05/06/2027\nB,1,50,2027-01-31\nC,1,50,01/02/2027\n"
    result = parse_deals_csv(text)
    assert result.rows == [] and result.header_errors == result.errors
    assert messages(result) == [
        "line 1: close date: dates such as '05/06/2027' (line 2) can be day first or month first, and no date in "
        "the column tells which; pass --date-order dmy (31/12/2026) or --date-order mdy (12/31/2026)"]
    assert decisions(text, DateOrder.MDY) == [date(2027, 5, 6), date(2027, 1, 31), date(2027, 1, 2)]
    assert decisions(text, DateOrder.DMY) == [date(2027, 6, 5), date(2027, 1, 31), date(2027, 2, 1)]


def test_mixed_orders_are_an_error_and_the_option_wins() -> None:
    text = US + "A,1,50,31/12/2026\nB,1,50,05/06/2027\nC,1,50,12/31/2026\n"
    result = parse_deals_csv(text)
    assert result.rows == []
    assert messages(result) == [
        "line 1: close date: line 2 has '31/12/2026', which can only be day first, and line 4 has '12/31/2026', "
        "which can only be month first; write the column one way, or pass --date-order dmy or --date-order mdy "
        "to say which is meant"]
    chosen = parse_deals_csv(text, date_order=DateOrder.MDY)
    assert [r.decision_date for r in chosen.rows] == [date(2027, 5, 6), date(2026, 12, 31)]
    assert messages(chosen) == ["line 2: close date: '31/12/2026' is not a real date read month first"]


def test_dashes_and_dots_are_day_first_unless_the_column_shows_otherwise() -> None:
    assert decisions(US + "A,1,50,05-06-2027\nB,1,50,01.02.2027\n") == [date(2027, 6, 5), date(2027, 2, 1)]
    assert decisions(US + "A,1,50,05-06-2027\nB,1,50,12-31-2026\n") == [date(2027, 5, 6), date(2026, 12, 31)]
    assert decisions(US + "A,1,50,05-06-2027\n", DateOrder.MDY) == [date(2027, 5, 6)]


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("12/31/2026", DateOrder.MDY, date(2026, 12, 31)), ("31/12/2026", DateOrder.DMY, date(2026, 12, 31)),
    ("2026/12/31", DateOrder.MDY, date(2026, 12, 31)), ("2026.12.31", DateOrder.DMY, date(2026, 12, 31)),
    ("6/30/2026, 2:15:33 PM", DateOrder.MDY, date(2026, 6, 30)),
    ("2026-12-31 00:00", DateOrder.MDY, date(2026, 12, 31)),
])
def test_parse_date_in_an_order(text: str, order: DateOrder, expected: date) -> None:
    assert parse_date(text, order=order) == expected


def test_a_salesforce_report_export_with_its_footer() -> None:
    result = parse_deals_csv((DATA / "salesforce_opportunities_report.csv").read_bytes())
    assert result.errors == []
    assert [(r.line, r.owner, r.account, r.title, r.stage, r.probability, r.amount, r.currency, r.decision_date)
            for r in result.rows] == [
        (2, "Bram Bakker", "Van Dijk Logistiek", "Forklift", "quote", 75, Decimal("20000.00"), "EUR",
         date(2026, 12, 31)),
        (3, "Bram Bakker", "Van Dijk Logistiek", "Racking", "quote", 90, Decimal("5000.00"), "EUR", date(2027, 1, 15)),
        (4, "Carla Jansen", "Northwind Ltd", "Scanner", "suspect", 10, Decimal("1000.00"), "USD", date(2027, 2, 28)),
        (5, "Carla Jansen", "Northwind Ltd", "Old deal", "lost", 0, Decimal("9000.00"), "USD", date(2026, 10, 1)),
    ]
    assert result.rows[0].next_step == "Send revised quote"


def test_the_footer_starts_at_a_blank_line_and_no_row_may_follow_it() -> None:
    text = ('"account","amount","probability","decision_date"\n'
            '"A","1","50","2027-01-31"\n'
            '\n'
            '"B","2","50","2027-01-31"\n'  # a blank line followed by a row: just a blank line
            '"Grand Totals (2 records)"\n'  # footer text without a blank line before it: a row
            '\n'
            '"Confidential Information - Do Not Distribute"\n'  # the footer
            '"C","3","50","2027-01-31"\n'
            '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n')
    result = parse_deals_csv(text)
    assert [(r.line, r.account) for r in result.rows] == [(2, "A"), (4, "B")]
    assert "line 5: amount: empty; write the deal or quote value" in messages(result)
    assert [m for m in messages(result) if not m.startswith("line 5: ")] == [
        "line 8: a row after the report's footer (line 7: 'Confidential Information - Do Not Distribute'); move it "
        "above the footer, or delete it"]


def test_owner_map_errors_are_listed_with_their_lines() -> None:
    assert read_owner_map(b"Owner;User\nCarla  Jansen;carla@example.com\n") == {
        "carla jansen": (2, "carla@example.com")}
    with pytest.raises(MapFileError) as caught:
        read_owner_map(b"owner,user\nCarla Jansen,\ncarla jansen,console:carla\nCARLA JANSEN,slack:U1\n")
    assert [str(e) for e in caught.value.errors] == [
        "line 2: write the owner as the export names them and the user they are "
        "(slack:U0123, teams:<id>, console:alice or their e-mail)",
        "line 4: owner 'CARLA JANSEN' is already mapped on line 3"]
    with pytest.raises(MapFileError, match=r"the header needs the columns owner, user \(missing: user"):
        read_owner_map(b"owner,e-mail\nCarla,carla@example.com\n")


def test_a_file_is_read_as_a_stream_in_two_passes(tmp_path: Path) -> None:
    """Whatever the file's size, reading it holds one row at a time: the survey, then the rows."""
    path = tmp_path / "many.csv"
    path.write_text("account,amount,probability,close date\n" + "".join(
        f"Account {n},{n}.50,0.35,12/31/2026\n" for n in range(100_000)))
    opened = []

    def open_file():
        opened.append(path)
        return path.open("rb")

    file = DealFile(open_file)
    tracemalloc.start()
    try:
        assert file.survey() == []
        rows = sum(1 for item in file.rows() if isinstance(item, DealRow) and item.probability == 35)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows == 100_000 and len(opened) == 2
    assert path.stat().st_size > 3_500_000 and peak < 500_000, peak
