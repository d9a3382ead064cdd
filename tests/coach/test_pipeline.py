"""Forecast math: amount × chance in the decision month; won, lost and 0% out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coach.pipeline import OPEN_DEALS, QUOTES, Forecast, MonthForecast, forecast, forecasts_by_currency


@dataclass(frozen=True)
class D:
    amount: Decimal
    probability: int
    decision_date: date | None
    stage: str = "quote"
    units: Decimal | None = None
    currency: str = "EUR"


def test_weighted_amount_and_units_per_decision_month() -> None:
    deals = [
        D(Decimal("4630.50"), 35, date(2025, 6, 30), units=Decimal(2)),  # 1620.675 / 0.7
        D(Decimal("1250"), 80, date(2025, 6, 1), units=Decimal(1)),  # 1000 / 0.8
        D(Decimal("12000"), 60, date(2025, 7, 15), stage="hot prospect", units=Decimal(3)),  # 7200 / 1.8
        D(Decimal("8000"), 100, date(2025, 6, 5), stage="won"),
        D(Decimal("20000"), 0, date(2025, 6, 5), stage="lost"),
        D(Decimal("999"), 0, date(2025, 6, 5), stage="prospect"),  # 0%: a lost quote, drops out
    ]
    result = forecast(deals, "EUR")
    assert result.months == [
        MonthForecast("2025-06", Decimal("2620.68"), Decimal("1.50"), 2),
        MonthForecast("2025-07", Decimal("7200.00"), Decimal("1.80"), 1),
    ]
    assert result.total_weighted_amount == Decimal("9820.68")
    assert result.undated == 0
    assert result.deals == 3
    assert result.total_weighted_units == Decimal("3.30")


def test_to_json_matches_the_contract_shape() -> None:
    result = forecast([D(Decimal("100"), 50, date(2025, 1, 31), units=Decimal(4)),
                       D(Decimal("10"), 25, date(2024, 12, 1), units=Decimal(1))], "EUR")
    data = result.to_json()
    assert data == {
        "currency": "EUR",
        "months": [
            {"month": "2024-12", "weighted_amount": "2.50", "weighted_units": 0.25, "deals": 1},
            {"month": "2025-01", "weighted_amount": "50.00", "weighted_units": 2, "deals": 1},
        ],
        "total_weighted_amount": "52.50",
        "basis": "open_deals",
    }
    assert json.loads(json.dumps(data)) == data
    assert isinstance(data["months"][1]["weighted_units"], int)


def test_undated_open_deals_are_counted_not_dropped() -> None:
    result = forecast([D(Decimal("1000"), 50, None), D(Decimal("500"), 10, date(2025, 3, 3)),
                       D(Decimal("1000"), 100, None, stage="won")], "EUR")
    assert [m.month for m in result.months] == ["2025-03"]
    assert result.total_weighted_amount == Decimal("50.00")
    assert (result.undated, result.undated_weighted_amount) == (1, Decimal("500.00"))
    assert "undated" not in result.to_json()


def test_empty_forecast() -> None:
    result = forecast([], "USD")
    assert result == Forecast("USD", [], Decimal("0.00"))
    assert result.to_json() == {"currency": "USD", "months": [], "total_weighted_amount": "0.00",
                                "basis": "open_deals"}


def test_rounding_per_month_and_total_is_sum_of_months() -> None:
    deals = [D(Decimal("0.05"), 10, date(2025, 1, 1)), D(Decimal("0.05"), 10, date(2025, 1, 2)),
             D(Decimal("0.05"), 50, date(2025, 2, 1))]
    result = forecast(deals, "EUR")
    assert [m.weighted_amount for m in result.months] == [Decimal("0.01"), Decimal("0.03")]  # .010, .025
    assert result.total_weighted_amount == Decimal("0.04")


def test_forecasts_by_currency_groups_and_sorts() -> None:
    deals = [D(Decimal("100"), 50, date(2025, 5, 1), currency="USD"),
             D(Decimal("200"), 50, date(2025, 5, 1)),
             D(Decimal("300"), 100, date(2025, 5, 1), currency="GBP", stage="won")]
    results = forecasts_by_currency(deals)
    assert [(f.currency, f.total_weighted_amount) for f in results] == [("EUR", Decimal("100.00")),
                                                                         ("USD", Decimal("50.00"))]
    assert forecasts_by_currency([]) == []


def test_the_textbook_forecast_takes_the_outstanding_quotes_only() -> None:
    deals = [D(Decimal("1000"), 50, date(2025, 3, 1), stage="quote"),
             D(Decimal("4000"), 60, date(2025, 3, 9), stage="hot prospect"),
             D(Decimal("2000"), 100, date(2025, 3, 2), stage="won")]
    (quotes,) = forecasts_by_currency(deals, QUOTES)
    assert (quotes.basis, quotes.total_weighted_amount, quotes.deals) == (QUOTES, Decimal("500.00"), 1)
    (everything,) = forecasts_by_currency(deals)
    assert (everything.basis, everything.total_weighted_amount) == (OPEN_DEALS, Decimal("2900.00"))
