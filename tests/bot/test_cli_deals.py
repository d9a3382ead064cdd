"""`salescoach import deals` and `salescoach forecast` as a user runs them, against each database."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from storage.models import Account, Deal, User
from storage.store import account_scope
from tests.bot.cli_runner import ROOT, Ran, run
from tests.conftest import TEST_NOW

DATA = ROOT / "tests" / "data"


def salescoach(database_url: str, tmp_path: Path, *args: str) -> Ran:
    return run(list(args), database_url, cwd=tmp_path)


def deals_table(runtime) -> list[tuple]:
    with runtime.sessions() as session:
        return [tuple(r) for r in session.execute(
            select(Account.name, Deal.title, Deal.amount, Deal.units, Deal.probability, Deal.stage,
                   Deal.decision_date, Deal.quote_ref, Deal.owner_id)
            .join(Account, Deal.account_id == Account.id).order_by(Deal.id))]


def forecast_json(database_url: str, tmp_path: Path, *args: str) -> list[dict]:
    result = salescoach(database_url, tmp_path, "forecast", "--json", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_dutch_export_imports_once_and_forecasts(database_url: str, runtime, tmp_path: Path) -> None:
    first = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_nl.csv"),
                       "--owner", "console:anna")
    assert first.returncode == 0, first.stderr
    assert "5 created, 0 updated, 0 unchanged, 0 skipped" in first.stdout
    rows = deals_table(runtime)
    assert [r[:8] for r in rows] == [
        ("Bakkerij De Vries", "Oven DV-200", Decimal("4630.50"), Decimal("2.00"), 35, "quote",
         date(2025, 6, 30), "OF-2025-001"),
        ("Jansen Koeltechniek B.V.", "Koelcel", Decimal("12000.00"), Decimal("3.00"), 60, "hot prospect",
         date(2025, 7, 15), None),
        ("Café 't Hoekje", "Vaatwasser", Decimal("1250.00"), Decimal("1.00"), 80, "quote", date(2025, 6, 30),
         "OF-2025-002"),
        ("Drukkerij Smit", "Snijmachine", Decimal("8000.00"), Decimal("1.00"), 100, "won", date(2025, 5, 20),
         "OF-2025-003"),
        ("Van Dijk Logistiek", "Heftruck", Decimal("20000.00"), Decimal("1.00"), 0, "lost", date(2025, 4, 30),
         "OF-2025-004"),
    ]

    with runtime.sessions() as session:  # quotes without a date in the file count as sent today, by the clock
        assert dict(session.execute(select(Deal.title, Deal.quote_sent_on)).all()) == {
            "Oven DV-200": TEST_NOW.date(), "Koelcel": None, "Vaatwasser": TEST_NOW.date(), "Snijmachine": None,
            "Heftruck": None}

    second = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_nl.csv"),
                        "--owner", "console:anna")
    assert second.returncode == 0, second.stderr
    assert "0 created, 0 updated, 5 unchanged, 0 skipped" in second.stdout
    assert deals_table(runtime) == rows

    # June: 4630.50 × 35% + 1250 × 80% = 1620.675 + 1000 = 2620.68; units 2 × 0.35 + 1 × 0.8 = 1.5
    # July: 12000 × 60% = 7200; units 3 × 0.6 = 1.8. Won (8000) and lost (20000) are out.
    assert forecast_json(database_url, tmp_path) == [{
        "currency": "EUR",
        "months": [
            {"month": "2025-06", "weighted_amount": "2620.68", "weighted_units": 1.5, "deals": 2},
            {"month": "2025-07", "weighted_amount": "7200.00", "weighted_units": 1.8, "deals": 1},
        ],
        "total_weighted_amount": "9820.68",
        "basis": "open_deals",
    }]
    assert forecast_json(database_url, tmp_path, "--owner", "console:anna") == forecast_json(database_url, tmp_path)

    # The textbook forecast: the outstanding quotes alone (the hot prospect's July drops out).
    assert forecast_json(database_url, tmp_path, "--quotes-only") == [{
        "currency": "EUR",
        "months": [{"month": "2025-06", "weighted_amount": "2620.68", "weighted_units": 1.5, "deals": 2}],
        "total_weighted_amount": "2620.68",
        "basis": "quotes",
    }]


def test_one_invalid_row_imports_nothing(database_url: str, runtime, tmp_path: Path) -> None:
    result = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_invalid.csv"),
                        "--owner", "console:anna")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert "3 errors, nothing was imported" in lines[0]
    assert lines[1:] == [
        "  line 3: amount: 'lots' is not a valid amount; write it like 4630.50 or 4.630,50",
        "  line 5: stage: unknown stage 'maybe'; use suspect, prospect, hot prospect, quote, won or lost "
        "(Dutch: offerte, gewonnen, verloren), or map your CRM's stages onto ours with --stage-map FILE "
        "(see README, Importing deals)",
        "  line 5: probability: '150': a percentage is between 0 and 100",
    ]
    assert result.stdout == ""
    assert deals_table(runtime) == []


def test_skip_invalid_imports_the_rest(database_url: str, runtime, tmp_path: Path) -> None:
    result = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_invalid.csv"),
                        "--owner", "console:anna", "--skip-invalid")
    assert result.returncode == 0, result.stderr
    assert "2 created, 0 updated, 0 unchanged, 2 skipped" in result.stdout
    assert "line 3: amount" in result.stderr and "line 5: stage" in result.stderr
    assert [r[0] for r in deals_table(runtime)] == ["Acme", "Gamma"]
    # 1000 × 50% in June, 2000 × 25% in July
    (fc,) = forecast_json(database_url, tmp_path)
    assert [(m["month"], m["weighted_amount"], m["deals"]) for m in fc["months"]] == [
        ("2025-06", "500.00", 1), ("2025-07", "500.00", 1)]
    assert fc["total_weighted_amount"] == "1000.00"


def test_hubspot_export(database_url: str, runtime, tmp_path: Path) -> None:
    with runtime.sessions.begin() as session:
        session.add(User(identity="slack:U0ANNA", display_name="Anna de Vries", email="anna@example.com"))
    result = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_hubspot.csv"))
    assert result.returncode == 0, result.stderr
    assert "3 created" in result.stdout
    assert [(r[0], r[4], r[5]) for r in deals_table(runtime)] == [
        ("Bakkerij De Vries", 35, "quote"), ("Jansen Koeltechniek", 60, "hot prospect"),
        ("Drukkerij Smit", 100, "won")]
    # 4630.50 × 35% = 1620.675 → 1620.68 in June; 12000 × 60% = 7200 in July; the won deal is out
    assert forecast_json(database_url, tmp_path, "--owner", "anna@example.com") == [{
        "currency": "EUR",
        "months": [
            {"month": "2025-06", "weighted_amount": "1620.68", "weighted_units": 0, "deals": 1},
            {"month": "2025-07", "weighted_amount": "7200.00", "weighted_units": 0, "deals": 1},
        ],
        "total_weighted_amount": "8820.68",
        "basis": "open_deals",
    }]


def test_salesforce_export_with_two_currencies(database_url: str, runtime, tmp_path: Path) -> None:
    salescoach(database_url, tmp_path, "team", "create", "Sales")
    added = salescoach(database_url, tmp_path, "team", "add-member", "Sales", "console:bram")
    assert added.returncode == 0, added.stderr
    with runtime.sessions.begin() as session:
        session.scalar(select(User).where(User.identity == "console:bram")).email = "bram@example.com"
    result = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_salesforce.csv"))
    assert result.returncode == 0, result.stderr
    assert "4 created" in result.stdout
    # EUR: 20000 × 50% (June) + 5000 × 75% (August); USD: 1000 × 10% (July); the lost deal is out
    expected = [
        {"currency": "EUR", "months": [
            {"month": "2025-06", "weighted_amount": "10000.00", "weighted_units": 0, "deals": 1},
            {"month": "2025-08", "weighted_amount": "3750.00", "weighted_units": 0, "deals": 1}],
         "total_weighted_amount": "13750.00", "basis": "open_deals"},
        {"currency": "USD", "months": [
            {"month": "2025-07", "weighted_amount": "100.00", "weighted_units": 0, "deals": 1}],
         "total_weighted_amount": "100.00", "basis": "open_deals"},
    ]
    assert forecast_json(database_url, tmp_path, "--team", "Sales") == expected
    assert forecast_json(database_url, tmp_path) == expected
    with runtime.sessions() as session:
        scopes = {a.scope for a in session.scalars(select(Account))}
        bram = session.scalar(select(User).where(User.identity == "console:bram"))
        assert scopes == {account_scope(bram)} and scopes == {f"team:{bram.team_id}"}


def test_forecast_text_table_and_undated_note(database_url: str, runtime, tmp_path: Path) -> None:
    assert salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_nl.csv"),
                      "--owner", "console:anna").returncode == 0
    with runtime.sessions.begin() as session:
        anna = session.scalar(select(User).where(User.identity == "console:anna"))
        account = session.scalar(select(Account))
        session.add(Deal(account_id=account.id, owner_id=anna.id, amount=Decimal("1000"), probability=50,
                         stage="prospect", decision_date=None))
    result = salescoach(database_url, tmp_path, "forecast")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for text in ("2025-06", "€2,620.68", "2025-07", "€7,200.00", "Total", "€9,820.68", "1.5"):
        assert text in out
    assert "1 open deal(s) without a decision date" in out and "€500.00" in out
    assert "of all open deals" in out

    quotes = salescoach(database_url, tmp_path, "forecast", "--quotes-only")
    assert quotes.returncode == 0, quotes.stderr
    assert "of outstanding quotes" in quotes.stdout and "€2,620.68" in quotes.stdout
    assert "2025-07" not in quotes.stdout and "without a decision date" not in quotes.stdout


def test_forecast_on_an_empty_database(database_url: str, tmp_path: Path) -> None:
    assert forecast_json(database_url, tmp_path) == [
        {"currency": "EUR", "months": [], "total_weighted_amount": "0.00", "basis": "open_deals"}]
    result = salescoach(database_url, tmp_path, "forecast")
    assert result.returncode == 0 and "No open deals" in result.stdout
    quotes = salescoach(database_url, tmp_path, "forecast", "--quotes-only")
    assert quotes.returncode == 0 and "No outstanding quotes to forecast." in quotes.stdout


def test_bad_input_exits_2(database_url: str, tmp_path: Path) -> None:
    missing = salescoach(database_url, tmp_path, "import", "deals", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr

    no_column = tmp_path / "no_column.csv"
    no_column.write_text("Deal Name,Amount,Close Date\nX,1,2025-01-01\n")
    header = salescoach(database_url, tmp_path, "import", "deals", str(no_column), "--owner", "console:a")
    assert header.returncode == 2 and "line 1: missing column account, probability" in header.stderr

    owner = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_nl.csv"),
                       "--owner", "nobody@example.com")
    assert owner.returncode == 2 and "not a known user" in owner.stderr

    no_owner = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "deals_nl.csv"))
    assert no_owner.returncode == 2 and "line 2: no owner" in no_owner.stderr

    team = salescoach(database_url, tmp_path, "forecast", "--team", "Nope")
    assert team.returncode == 2 and "no team named 'Nope'" in team.stderr
    user = salescoach(database_url, tmp_path, "forecast", "--owner", "console:ghost")
    assert user.returncode == 2 and "no user 'console:ghost'" in user.stderr


def add_anna(runtime) -> None:
    with runtime.sessions.begin() as session:
        session.add(User(identity="slack:U0ANNA", display_name="Anna de Vries", email="anna@example.com"))


def test_hubspot_default_export_without_probability(database_url: str, runtime, tmp_path: Path) -> None:
    """HubSpot's default deals export: the chance comes from each stage of its default pipeline."""
    add_anna(runtime)
    first = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "hubspot_deals_export.csv"))
    assert first.returncode == 0, first.stderr
    assert "7 created, 0 updated, 0 unchanged, 0 skipped" in first.stdout
    rows = deals_table(runtime)
    assert [(r[0], r[1], r[4], r[5], r[7]) for r in rows] == [
        ("Bakkerij De Vries", "Oven DV-200", 90, "quote", "15678901234"),
        ("Jansen Koeltechniek B.V.", "Koelcel", 60, "hot prospect", "15678901235"),
        ("Café 't Hoekje", "Vaatwasser", 20, "prospect", "15678901236"),
        ("Jansen Koeltechniek B.V.", "Koelcel", 40, "prospect", "15678901237"),
        ("Drukkerij Smit", "Snijmachine", 80, "hot prospect", "15678901238"),
        ("Van Dijk Logistiek", "Heftruck", 100, "won", "15678901239"),
        ("Van Dijk Logistiek", "Stapelaar", 0, "lost", "15678901240"),
    ]
    again = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "hubspot_deals_export.csv"))
    assert again.returncode == 0, again.stderr
    assert "0 created, 0 updated, 7 unchanged, 0 skipped" in again.stdout
    assert deals_table(runtime) == rows
    # December: 4630.50 × 90% + 1250 × 20% = 4167.45 + 250; January: 12000 × 60% + 8000 × 80%; February: 3000 × 40%
    (fc,) = forecast_json(database_url, tmp_path)
    assert [(m["month"], m["weighted_amount"], m["deals"]) for m in fc["months"]] == [
        ("2026-12", "4417.45", 2), ("2027-01", "13600.00", 2), ("2027-02", "1200.00", 1)]


def test_custom_pipeline_needs_a_stage_map(database_url: str, runtime, tmp_path: Path) -> None:
    add_anna(runtime)
    export = str(DATA / "hubspot_deals_custom_pipeline.csv")
    refused = salescoach(database_url, tmp_path, "import", "deals", export)
    assert refused.returncode == 2
    assert "3 errors, nothing was imported" in refused.stderr
    assert ("line 2: Deal Stage: unknown stage 'Demo booked'; use suspect, prospect, hot prospect, quote, won or "
            "lost (Dutch: offerte, gewonnen, verloren), or map your CRM's stages onto ours with --stage-map FILE"
            in refused.stderr)
    assert deals_table(runtime) == []

    mapped = salescoach(database_url, tmp_path, "import", "deals", export, "--stage-map", str(DATA / "stage_map.csv"))
    assert mapped.returncode == 0, mapped.stderr
    assert "6 created" in mapped.stdout
    assert [(r[1], r[4], r[5]) for r in deals_table(runtime)] == [
        ("Oven DV-200", 25, "prospect"), ("Koelcel", 50, "quote"), ("Vaatwasser", 70, "quote"),
        ("Snijmachine", 85, "hot prospect"), ("Heftruck", 100, "won"), ("Stapelaar", 0, "lost")]


def test_a_bad_stage_map_imports_nothing(database_url: str, runtime, tmp_path: Path) -> None:
    stages = tmp_path / "stages.csv"
    stages.write_text("crm stage,stage,probability\nDemo booked,demo,25\nProposal sent,quote,lots\n")
    result = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "hubspot_deals_custom_pipeline.csv"),
                        "--stage-map", str(stages))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {stages}: 2 errors, nothing was imported",
        "  line 2: stage: 'demo' is not one of ours; use suspect, prospect, hot prospect, quote, won or lost "
        "(Dutch: offerte, gewonnen, verloren)",
        "  line 3: probability: 'lots' is not a percentage; write it like 35 or 35%",
    ]
    missing = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "hubspot_deals_custom_pipeline.csv"),
                         "--stage-map", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert deals_table(runtime) == []


def test_us_dates_and_date_order(database_url: str, runtime, tmp_path: Path) -> None:
    """Month-first dates import when a value shows the order; when none does, --date-order says it."""
    us = tmp_path / "us.csv"
    us.write_text("Account Name,Amount,Probability (%),Close Date\nAcme,100,50,12/31/2026\nBeta,200,50,01/02/2027\n")
    done = salescoach(database_url, tmp_path, "import", "deals", str(us), "--owner", "console:anna")
    assert done.returncode == 0, done.stderr
    assert [(r[0], r[6]) for r in deals_table(runtime)] == [("Acme", date(2026, 12, 31)), ("Beta", date(2027, 1, 2))]

    unclear = tmp_path / "unclear.csv"
    unclear.write_text("Account Name,Amount,Probability (%),Close Date\nGamma,100,50,05/06/2027\n")
    refused = salescoach(database_url, tmp_path, "import", "deals", str(unclear), "--owner", "console:anna")
    assert refused.returncode == 2
    assert "pass --date-order dmy (31/12/2026) or --date-order mdy (12/31/2026)" in refused.stderr
    assert len(deals_table(runtime)) == 2
    for order, expected in (("mdy", date(2027, 5, 6)), ("dmy", date(2027, 6, 5))):
        chosen = salescoach(database_url, tmp_path, "import", "deals", str(unclear), "--owner", "console:anna",
                            "--date-order", order)
        assert chosen.returncode == 0, chosen.stderr
        assert deals_table(runtime)[-1][6] == expected
    bad = salescoach(database_url, tmp_path, "import", "deals", str(unclear), "--date-order", "ymd")
    assert bad.returncode == 2 and "'ymd' is not one of 'dmy', 'mdy'" in bad.stderr


def test_salesforce_report_with_footer_and_unknown_owner(database_url: str, runtime, tmp_path: Path) -> None:
    """A Salesforce "Opportunities" report as exported: US dates, amounts with currency, footer lines, and an
    owner only known by a name the coach does not know."""
    with runtime.sessions.begin() as session:
        session.add_all([User(identity="console:bram", display_name="Bram Bakker"),
                         User(identity="slack:U0CARLA", display_name="Carla", email="carla@example.com"),
                         User(identity="console:anna")])
    report = str(DATA / "salesforce_opportunities_report.csv")
    refused = salescoach(database_url, tmp_path, "import", "deals", report)
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[1:] == [
        f"  line {n}: owner 'Carla Jansen' is not a known user (matched by identity such as slack:U0123, e-mail or "
        "name); map the name to a user with --owner-map FILE, give such rows to --owner USER with "
        "--unknown-owners-to-owner, or add them with `salescoach team add-member TEAM USER`" for n in (4, 5)]
    assert deals_table(runtime) == []

    mapped = salescoach(database_url, tmp_path, "import", "deals", report, "--owner-map", str(DATA / "owner_map.csv"))
    assert mapped.returncode == 0, mapped.stderr
    assert "4 created, 0 updated, 0 unchanged, 0 skipped" in mapped.stdout
    with runtime.sessions() as session:
        assert session.execute(select(Deal.title, User.identity, Deal.currency, Deal.decision_date)
                               .join(User, Deal.owner_id == User.id).order_by(Deal.id)).all() == [
            ("Forklift", "console:bram", "EUR", date(2026, 12, 31)),
            ("Racking", "console:bram", "EUR", date(2027, 1, 15)),
            ("Scanner", "slack:U0CARLA", "USD", date(2027, 2, 28)),
            ("Old deal", "slack:U0CARLA", "USD", date(2026, 10, 1))]
    again = salescoach(database_url, tmp_path, "import", "deals", report, "--owner-map", str(DATA / "owner_map.csv"))
    assert "0 created, 0 updated, 4 unchanged, 0 skipped" in again.stdout


def test_unknown_owners_to_owner(database_url: str, runtime, tmp_path: Path) -> None:
    with runtime.sessions.begin() as session:
        session.add(User(identity="console:bram", display_name="Bram Bakker"))
    report = str(DATA / "salesforce_opportunities_report.csv")
    alone = salescoach(database_url, tmp_path, "import", "deals", report, "--unknown-owners-to-owner")
    assert alone.returncode == 2 and "pass --owner too" in alone.stderr
    result = salescoach(database_url, tmp_path, "import", "deals", report, "--owner", "console:anna",
                        "--unknown-owners-to-owner")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "salesforce_opportunities_report.csv: 4 created, 0 updated, 0 unchanged, 0 skipped",
        "2 rows whose owner is not a known user went to console:anna"]
    with runtime.sessions() as session:
        assert session.execute(select(Deal.title, User.identity).join(User, Deal.owner_id == User.id)
                               .order_by(Deal.id)).all() == [
            ("Forklift", "console:bram"), ("Racking", "console:bram"), ("Scanner", "console:anna"),
            ("Old deal", "console:anna")]


def test_a_bad_owner_map_imports_nothing(database_url: str, runtime, tmp_path: Path) -> None:
    owners = tmp_path / "owners.csv"
    owners.write_text("owner,user\nCarla Jansen,carla@example.com\n")
    result = salescoach(database_url, tmp_path, "import", "deals", str(DATA / "salesforce_opportunities_report.csv"),
                        "--owner-map", str(owners))
    assert result.returncode == 2
    assert "--owner-map line 2: 'carla@example.com' is not a known user" in result.stderr
    assert deals_table(runtime) == []


def test_a_file_over_the_size_limit_is_refused_before_its_rows_are_read(database_url: str, runtime,
                                                                         tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as f:  # 100.5 MB that take no disk space: zero bytes, which would not even parse
        f.truncate(100_500_000)
    result = salescoach(database_url, tmp_path, "import", "deals", str(big), "--owner", "console:anna")
    assert result.returncode == 2
    assert " ".join(result.stderr.split()) == (
        f"error: {big} is 100.5 MB, more than the 100 MB an import reads; split the export, or raise the limit "
        "with --max-mb")
    small = tmp_path / "small.csv"
    small.write_text("account,amount,probability,decision_date\n" + "Acme,100,50,2027-01-31\n" * 50_000)
    assert small.stat().st_size > 1_000_000
    limited = salescoach(database_url, tmp_path, "import", "deals", str(small), "--max-mb", "1")
    assert limited.returncode == 2 and "more than the 1 MB an import reads" in " ".join(limited.stderr.split())
    assert deals_table(runtime) == []


def test_thousands_of_bad_rows_list_the_first_hundred_and_count_the_rest(database_url: str, runtime,
                                                                          tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("account,amount,probability,decision_date\n" + "".join(
        f"Acme {n},{'lots' if n % 2 else n},50,2027-01-31\n" for n in range(5000)))
    result = salescoach(database_url, tmp_path, "import", "deals", str(bad), "--owner", "console:anna")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {bad}: 2,500 errors, nothing was imported"
    assert lines[1] == "  line 3: amount: 'lots' is not a valid amount; write it like 4630.50 or 4.630,50"
    assert lines[100] == "  line 201: amount: 'lots' is not a valid amount; write it like 4630.50 or 4.630,50"
    assert lines[101:] == ["  … and 2,400 more"]
    assert deals_table(runtime) == []

    skipped = salescoach(database_url, tmp_path, "import", "deals", str(bad), "--owner", "console:anna",
                         "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert "2,500 created, 0 updated, 0 unchanged, 2,500 skipped" in skipped.stdout
    assert skipped.stderr.splitlines()[0] == "skipped:" and skipped.stderr.splitlines()[-1] == "  … and 2,400 more"
    assert len(deals_table(runtime)) == 2500
