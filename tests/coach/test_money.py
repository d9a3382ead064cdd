"""Amounts and percentages in Dutch and English notation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coach.money import parse_amount, parse_decimal, parse_money, parse_percent


@pytest.mark.parametrize(("text", "expected"), [
    ("4630.50", "4630.50"),
    ("4,630.50", "4630.50"),
    ("4.630,50", "4630.50"),
    ("4630,50", "4630.50"),
    ("€ 4.630,50", "4630.50"),
    ("€4.630,50", "4630.50"),
    ("EUR 4630", "4630.00"),
    ("4630 eur", "4630.00"),
    ("$1,000", "1000.00"),
    ("1.000", "1000.00"),  # Dutch thousands
    ("1,000", "1000.00"),  # English thousands
    ("1.5", "1.50"),
    ("0,125", "0.13"),  # decimal (leading zero), rounded half up
    ("1.000.000", "1000000.00"),
    ("1,234,567.891", "1234567.89"),
    ("12.345.678,905", "12345678.91"),
    ("4 630,50", "4630.50"),
    ("4\u00a0630,50", "4630.50"),
    ("€ 4.630,-", "4630.00"),
    ("0", "0.00"),
    ("0.005", "0.01"),
    ("  250  ", "250.00"),
])
def test_parse_amount_accepts_both_notations(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "  ", "abc", "EUR", "1.2.3", "4.630.50", "4,630,50", "1e5", "NaN",
                                  "5.", "12 34", "€ € 5", "1,000.000,5"])
def test_parse_amount_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize("text", ["-5", "€ -4.630,50", "(100)", "−20", "5,-5"])
def test_parse_amount_rejects_negative_amounts(text: str) -> None:
    with pytest.raises(ValueError, match="negative"):
        parse_amount(text)


def test_error_message_says_what_and_how() -> None:
    with pytest.raises(ValueError, match=r"'lots' is not a valid amount; write it like 4630.50 or 4.630,50"):
        parse_amount("lots")
    with pytest.raises(ValueError, match="too large"):
        parse_amount("1.000.000.000.000")


def test_parse_money_reports_the_currency() -> None:
    assert parse_money("€ 4.630,50") == (Decimal("4630.50"), "EUR")
    assert parse_money("USD 10") == (Decimal("10.00"), "USD")
    assert parse_money("£3") == (Decimal("3.00"), "GBP")
    assert parse_money("10") == (Decimal("10.00"), None)


def test_parse_decimal_for_units() -> None:
    assert parse_decimal("2,5") == Decimal("2.50")
    assert parse_decimal("1.000") == Decimal("1000.00")
    with pytest.raises(ValueError, match="units"):
        parse_decimal("EUR 5", "units")


@pytest.mark.parametrize(("text", "expected"), [
    ("35", 35), ("35%", 35), ("35 %", 35), ("35,0 %", 35), ("35.0", 35), ("0", 0), ("100%", 100),
    ("12.5", 13),
])
def test_parse_percent(text: str, expected: int) -> None:
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text", ["", "%", "101", "150%", "-5", "abc", "35 procent"])
def test_parse_percent_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_percent(text)


@pytest.mark.parametrize("text", ["123456789012345678901234567890", "€ 1.000.000.000.000.000.000.000.000.000,00"])
def test_an_amount_with_thirty_digits_is_too_large_not_a_decimal_error(text: str) -> None:
    with pytest.raises(ValueError, match="too large"):
        parse_amount(text)


def test_a_thirty_digit_percentage_says_the_range() -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        parse_percent("123456789012345678901234567890")
