"""The weekly digest without a database: change since last week, replies in both languages, size, chart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image

from bot.msteams.render import MAX_CARD_BYTES, card_bytes, render_cards
from bot.slack.render import render_message
from coach.contact_norm import VisitDue
from coach.digest_chart import forecast_chart
from coach.digest_json import digest_json
from coach.digest_policy import (
    MAX_LISTED,
    DealRef,
    DigestNumbers,
    FollowUpRef,
    ForecastCell,
    Listed,
    MonthChange,
    RepNumbers,
    Snapshot,
    Tally,
    digest_replies,
    month_totals,
    week_change,
    week_start,
    year_before,
)
from coach.pipeline import forecast
from coach.replies import MAX_IMAGE, MAX_TEXT, Reply, image_fits
from coach.replies import Image as ImageBlock
from tests.coach.test_pipeline import D

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
PNG = b"\x89PNG\r\n\x1a\n"
CHART_BUDGET = MAX_IMAGE * 3 // 4  # PNG bytes whose base64 fits an Image block


def deal(n: int, title: str | None = None, amount: str = "1000", probability: int = 40, *, dmu: bool | None = True,
         decision: date | None = date(2026, 12, 1), account: str = "Acme", quiet_days: int = 3) -> DealRef:
    return DealRef(n, title if title is not None else f"Deal {n}", account, Decimal(amount), probability, decision,
                   dmu, NOW - timedelta(days=quiet_days))


def numbers(*reps: RepNumbers) -> DigestNumbers:
    return DigestNumbers("North", "Europe/Amsterdam", NOW, TODAY, reps)


ALICE = RepNumbers(
    1, "Alice",
    forecast=(ForecastCell("2026-12", "quote", Decimal("4000"), 1),
              ForecastCell("2026-12", "hot prospect", Decimal("1620.675"), 1),
              ForecastCell("2027-01", "prospect", Decimal("300"), 1),
              ForecastCell(None, "prospect", Decimal("680"), 1)),
    won=Tally(1, Decimal("1000.00")), lost=Tally(1, Decimal("3000.00")), new=Tally(2, Decimal("1500.00")),
    quotes_sent=2, quotes_won=1, year_quotes_sent=4, year_quotes_won=1,
    overdue=Listed(1, (FollowUpRef(7, "Acme", "Call the CFO", NOW - timedelta(days=2)),)),
    no_next_step=Listed(1, (deal(3, "Labels", "2000", 34, account="Globex"),)),
    quote_rule=Listed(2, (deal(2, "Printers", "4630.50", 35, dmu=None), deal(4, "Racks", "900", 60, decision=None))),
    stalled=Listed(1, (deal(3, "Labels", "2000", 34, account="Globex", quiet_days=30),)),
)
BOB = RepNumbers(2, "Bob", forecast=(ForecastCell("2026-12", "quote", Decimal("10000"), 1),),
                 won=Tally(1, Decimal("5000.00")), quotes_sent=1, year_quotes_sent=1, year_quotes_won=1)


# numbers --------------------------------------------------------------------------------------


def test_team_totals_round_each_month_like_the_pipeline() -> None:
    team = numbers(ALICE, BOB)
    assert team.months() == {"2026-12": Decimal("15620.68"), "2027-01": Decimal("300.00")}
    assert team.total == Decimal("15920.68")
    assert ALICE.weighted == Decimal("5920.68") and BOB.weighted == Decimal("10000.00")
    assert team.undated == Tally(1, Decimal("680.00"))
    assert (team.won, team.lost, team.new) == (Tally(2, Decimal("6000.00")), Tally(1, Decimal("3000.00")),
                                               Tally(2, Decimal("1500.00")))
    assert (team.year_quotes_sent, team.year_quotes_won) == (5, 2)
    assert ALICE.attention == 5 and BOB.attention == 0


def test_month_totals_match_coach_pipeline_forecast() -> None:
    deals = [D(Decimal("0.05"), 10, date(2025, 1, 1)), D(Decimal("0.05"), 10, date(2025, 1, 2), "prospect"),
             D(Decimal("0.05"), 50, date(2025, 2, 1)), D(Decimal("4630.50"), 35, date(2025, 2, 28), "hot prospect")]
    cells = [ForecastCell(f"{d.decision_date:%Y-%m}", d.stage, d.amount * d.probability / 100, 1) for d in deals]
    assert month_totals(cells) == {m.month: m.weighted_amount for m in forecast(deals, "EUR").months}


def test_week_change_per_month_and_in_total() -> None:
    previous = Snapshot(date(2026, 11, 16), {"2026-11": Decimal("500.00"), "2026-12": Decimal("15000.00")})
    change = week_change(numbers(ALICE, BOB), previous)
    assert change.since == date(2026, 11, 16)
    assert change.months == (MonthChange("2026-11", Decimal("0.00"), Decimal("-500.00")),  # dropped out
                             MonthChange("2026-12", Decimal("15620.68"), Decimal("620.68")),
                             MonthChange("2027-01", Decimal("300.00"), Decimal("300.00")))
    assert (change.total, change.total_change) == (Decimal("15920.68"), Decimal("420.68"))
    first = week_change(numbers(ALICE, BOB), None)
    assert first.since is None and first.total_change is None and {m.change for m in first.months} == {None}


def test_snapshot_json_round_trip_and_week_keys() -> None:
    snapshot = Snapshot(date(2026, 11, 23), numbers(ALICE, BOB).months())
    data = snapshot.to_json()
    assert data == {"months": {"2026-12": "15620.68", "2027-01": "300.00"}}
    assert Snapshot.from_json(date(2026, 11, 23), data) == snapshot
    assert week_start(date(2026, 11, 24)) == week_start(date(2026, 11, 29)) == date(2026, 11, 23)
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)


# replies --------------------------------------------------------------------------------------


def test_summary_and_details_in_english() -> None:
    previous = Snapshot(date(2026, 11, 16), {"2026-12": Decimal("15000.00")})
    summary, details = digest_replies(numbers(ALICE, BOB), previous, "en")
    plain = summary.plain()
    assert summary.blocks[0].plain() == "Weekly pipeline digest: North"
    assert "Weighted forecast of all open deals: €15,920.68, +€920.68 since the week of 16 Nov 2026." in plain
    assert "December 2026: €15,620.68 (+€620.68)" in plain
    assert "1 deal has no decision date" in plain
    assert "This week: 2 won (€6,000.00), 1 lost (€3,000.00), 2 new (€1,500.00)." in plain
    assert "Quotes: 3 sent and 1 won this week; in the last 12 months 2 of 5 won (40%)." in plain
    assert ("5 points need attention: 1 overdue follow-up; 1 open deal without a next step; 2 deals at 35% or "
            "more without a known decision maker or decision date; 1 deal without activity for 30 days.") in plain
    assert "Bob — weighted €10,000.00; quotes: 1 of 1 won (100%) (12 months); 0 points of attention" in plain
    assert len(details) == 1  # Bob has nothing to look at
    detail = details[0].plain()
    assert details[0].blocks[0].plain() == "Alice: points of attention"
    assert "Acme — Call the CFO, due 22 Nov 2026" in detail
    assert "Printers — Acme, €4,630.50, 35%: decision maker unknown" in detail
    assert "Racks — Acme, €900.00, 60%: no decision date" in detail
    assert "Labels — Globex, €2,000.00, 34%, last activity 25 Oct 2026" in detail


def test_summary_and_details_in_dutch() -> None:
    summary, details = digest_replies(numbers(ALICE, BOB), None, "nl")
    plain = summary.plain()
    assert summary.blocks[0].plain() == "Wekelijks pijplijnoverzicht: North"
    assert "Gewogen prognose van alle open deals: €\xa015.920,68." in plain
    assert "december 2026: €\xa015.620,68" in plain
    assert "Deze week: 2 gewonnen (€\xa06.000,00), 1 verloren (€\xa03.000,00), 2 nieuw (€\xa01.500,00)." in plain
    assert "Offertes: 3 verstuurd en 1 gewonnen deze week; in de afgelopen 12 maanden 2 van 5 gewonnen (40%)." in plain
    assert "5 aandachtspunten" in plain
    detail = details[0].plain()
    assert "Alice: aandachtspunten" in detail
    assert "beslisser onbekend" in detail and "geen beslisdatum" in detail
    assert summary.language == "nl" and details[0].language == "nl"


def test_an_empty_team_and_a_quiet_week() -> None:
    summary, details = digest_replies(numbers(RepNumbers(1, "Mia")), None, "en")
    plain = summary.plain()
    assert "No open deals with a chance in the forecast." in plain
    assert "Quotes: 0 sent and 0 won this week; in the last 12 months none sent." in plain
    assert "Nothing needs attention this week." in plain
    assert details == []


def test_more_than_listed_says_how_many_more() -> None:
    many = RepNumbers(1, "Alice", stalled=Listed(9, tuple(deal(n) for n in range(9))))
    _summary, [detail] = digest_replies(numbers(many), None, "en")
    assert detail.plain().count("last activity") == MAX_LISTED
    assert "…and 4 more." in detail.plain()


def test_accounts_overdue_a_visit_are_a_point_of_attention_per_owner_in_both_languages() -> None:
    visits = (VisitDue(5, "Molen", 1, "A", 6, None, TODAY - timedelta(days=40), 40),
              VisitDue(6, "Bakkerij", 1, "B", 1, date(2025, 11, 20), date(2026, 11, 20), 4, date(2026, 11, 27)))
    alice = RepNumbers(1, "Alice", overdue_visits=Listed(2, visits))
    summary, [detail] = digest_replies(numbers(alice, BOB), None, "en")
    assert "2 points need attention: 2 accounts overdue a visit by their contact norm." in summary.plain()
    assert "Alice — weighted €0.00; quotes: none sent (12 months); 2 points of attention" in summary.plain()
    assert detail.plain().splitlines()[2:] == [
        "2 accounts overdue a visit by their contact norm", "",
        "• Molen — class A, 6 visits a year: not visited yet, 40 days overdue",
        "• Bakkerij — class B, 1 visit a year: last visit 20 Nov 2025, 4 days overdue; visit planned for Fri 27 Nov"]
    summary, [detail] = digest_replies(numbers(alice), None, "nl")
    assert "2 klanten volgens de contactnorm te lang niet bezocht" in summary.plain()
    assert "Molen — klasse A, 6 bezoeken per jaar: nog niet bezocht, 40 dagen over tijd" in detail.plain()
    assert "Bakkerij — klasse B, 1 bezoek per jaar: laatste bezoek 20 nov 2025, 4 dagen over tijd; bezoek gepland " \
           "op vr 27 nov" in detail.plain()


def test_the_json_counts_them_per_rep_and_lists_every_one_listed_most_overdue_first() -> None:
    late = VisitDue(5, "Molen", 1, "A", 6, None, TODAY - timedelta(days=40), 40)
    later = VisitDue(7, "Zeeland", 2, "A", 6, date(2026, 6, 1), date(2026, 7, 31), 116)
    digest = digest_json(numbers(RepNumbers(1, "Alice", overdue_visits=Listed(1, (late,))),
                                 RepNumbers(2, "Bob", overdue_visits=Listed(3, (later,)))), None)
    assert [rep["overdue_visits"] for rep in digest["reps"]] == [1, 3]
    assert digest["overdue_visits"] == [
        {"owner": "Bob", "owner_id": 2, "account_id": 7, "account": "Zeeland", "abc_class": "A", "visits_a_year": 6,
         "last_visit": "2026-06-01", "due_date": "2026-07-31", "days_overdue": 116, "next_visit": None},
        {"owner": "Alice", "owner_id": 1, "account_id": 5, "account": "Molen", "abc_class": "A", "visits_a_year": 6,
         "last_visit": None, "due_date": "2026-10-15", "days_overdue": 40, "next_visit": None}]


def big_team(deals: int = 500, reps: int = 25, months: int = 40) -> DigestNumbers:
    """`deals` deals with the longest names over `reps` reps, each deal breaking every rule."""
    per_rep = deals // reps
    long = "W" * 200

    def rep(r: int) -> RepNumbers:
        refs = tuple(deal(r * per_rep + n, long, "999999999999.99", 90, dmu=None, decision=None, account=long,
                          quiet_days=400) for n in range(per_rep))
        cells = tuple(ForecastCell(f"{2026 + (r * per_rep + n) % months // 12}-{(r * per_rep + n) % 12 + 1:02d}",
                                   stage, Decimal("123456789.12"), 1)
                      for n in range(per_rep) for stage in ("quote", "prospect"))
        return RepNumbers(r, f"{long} {r}", cells, Tally(per_rep, Decimal("999999999999.99")),
                          year_quotes_sent=per_rep, year_quotes_won=1,
                          overdue=Listed(per_rep, tuple(FollowUpRef(n, long, long, NOW) for n in range(per_rep))),
                          no_next_step=Listed(per_rep, refs), quote_rule=Listed(per_rep, refs),
                          stalled=Listed(per_rep, refs), other_currency=3,
                          overdue_visits=Listed(per_rep, tuple(VisitDue(n, long, r, "A", 52, NOW.date(), NOW.date(),
                                                                        9999, NOW.date()) for n in range(per_rep))))

    return numbers(*(rep(r) for r in range(reps)))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_reply_fits_one_slack_message_and_one_teams_card(language: str) -> None:
    team = big_team()
    previous = Snapshot(date(2026, 11, 16), {f"2030-{m:02d}": Decimal("1.00") for m in range(1, 13)})
    summary, details = digest_replies(team, previous, language, forecast_chart(team, language))
    assert len(details) == 25 and any(isinstance(b, ImageBlock) for b in summary.blocks)
    for reply in (summary, *details):
        assert_fits(reply)


def assert_fits(reply: Reply) -> None:
    assert len(reply.blocks) <= 50
    assert all(len(block.plain()) <= MAX_TEXT for block in reply.blocks)
    messages = render_message(reply, language=reply.language)
    assert len(messages) == 1 and len(messages[0]["blocks"]) <= 50
    cards = render_cards(reply)
    assert len(cards) == 1 and card_bytes(cards[0]) <= MAX_CARD_BYTES


# chart ----------------------------------------------------------------------------------------


def assert_png(data: bytes) -> None:
    assert data.startswith(PNG)
    assert len(data) <= CHART_BUDGET, f"{len(data)} bytes"
    image = Image.open(BytesIO(data))
    image.verify()
    assert image.format == "PNG" and image.size == (640, 320)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_chart_is_a_small_png(language: str) -> None:
    assert_png(forecast_chart(numbers(ALICE, BOB), language))


def test_chart_of_many_months_and_of_an_empty_pipeline() -> None:
    assert_png(forecast_chart(big_team(), "en"))
    empty = forecast_chart(numbers(RepNumbers(1, "Mia")), "nl")
    assert_png(empty)
    assert empty != forecast_chart(numbers(RepNumbers(1, "Mia")), "en")  # the message is in the language


def test_a_chart_too_big_for_a_card_is_left_out_not_the_digest() -> None:
    too_big = PNG + bytes(CHART_BUDGET)
    assert not image_fits(too_big) and image_fits(too_big[:CHART_BUDGET])
    summary, _details = digest_replies(numbers(ALICE, BOB), None, "en", too_big)
    assert not any(isinstance(b, ImageBlock) for b in summary.blocks) and "Weekly pipeline digest" in summary.plain()
