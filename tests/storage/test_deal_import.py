"""Importing deal rows: owners, accounts, idempotence, follow-ups, all-or-nothing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.deal_csv import DealFile
from storage import deal_import
from storage.deal_import import DealImportError, ImportReport, import_deals
from storage.models import Account, Deal, FollowUp, Team, User
from storage.sales_teams import add_member, create_team

DATA = Path(__file__).parent.parent / "data"
HEADER = "account,title,owner,amount,probability,stage,decision_date,quote_ref,next_step,follow_up_date\n"


def run(runtime, text: str | bytes, owner: str | None = "console:anna", skip_invalid: bool = False,
        **options) -> ImportReport:
    data = text if isinstance(text, bytes) else text.encode()
    file = DealFile(lambda: io.BytesIO(data))
    assert file.survey() == []
    with runtime.sessions() as session:
        report = import_deals(session, file.rows(), owner, skip_invalid, today=date(2025, 5, 1), **options)
        session.commit()
    return report


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.skipped


def table(runtime) -> list[tuple]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(Account.name, Deal.title, User.identity, Deal.amount, Deal.currency, Deal.units,
                   Deal.probability, Deal.stage, Deal.decision_date, Deal.quote_ref, Deal.next_step)
            .join(Account, Deal.account_id == Account.id).join(User, Deal.owner_id == User.id)
            .order_by(Deal.id)).all()
        followups = session.execute(select(FollowUp.action, FollowUp.due_at).order_by(FollowUp.id)).all()
    return [tuple(r) for r in rows] + [tuple(f) for f in followups]


def test_import_dutch_file_and_reimport_changes_nothing(runtime) -> None:
    data = (DATA / "deals_nl.csv").read_bytes()
    first = run(runtime, data)
    assert counts(first) == (5, 0, 0, 0) and first.written and first.errors == []
    before = table(runtime)
    assert before[0] == ("Bakkerij De Vries", "Oven DV-200", "console:anna", Decimal("4630.50"), "EUR",
                         Decimal("2.00"), 35, "quote", date(2025, 6, 30), "OF-2025-001", "Offerte nabellen")
    # the follow-up: 15 May 2025, 09:00 in Amsterdam (summer time) is 07:00 UTC
    assert before[-1] == ("Offerte nabellen", datetime(2025, 5, 15, 7, 0, tzinfo=UTC))
    assert len(before) == 6

    second = run(runtime, data)
    assert counts(second) == (0, 0, 5, 0)
    assert table(runtime) == before


def test_owner_by_identity_email_and_name_with_team_scope_and_timezone(runtime) -> None:
    with runtime.sessions.begin() as session:
        create_team(session, "Verkoop", "Europe/London")
        anna = add_member(session, "Verkoop", "slack:U1")
        anna.email, anna.display_name = "Anna@Example.com", "Anna de Vries"
        session.add(User(identity="console:bob", email="bob@example.com"))
    text = HEADER + ("Acme,A,slack:U1,100,50,quote,2025-06-01,Q1,,2025-01-10\n"
                     "Acme,B,anna@example.com,200,50,quote,2025-06-01,Q2,,\n"
                     "Acme,C,anna de vries,300,50,quote,2025-06-01,Q3,,\n"
                     "Acme,D,bob@example.com,400,50,quote,2025-06-01,Q4,,\n")
    assert counts(run(runtime, text, owner=None)) == (4, 0, 0, 0)
    with runtime.sessions() as session:
        team = session.scalar(select(Team))
        accounts = session.scalars(select(Account).order_by(Account.id)).all()
        assert [(a.scope, a.name) for a in accounts] == [(f"team:{team.id}", "Acme"), ("user:2", "Acme")]
        owners = session.scalars(select(User.identity).join(Deal, Deal.owner_id == User.id).order_by(Deal.id))
        assert list(owners) == ["slack:U1"] * 3 + ["console:bob"]
        due = session.scalar(select(FollowUp.due_at))
        assert due == datetime(2025, 1, 10, 9, 0, tzinfo=UTC)  # 09:00 London in winter


def test_existing_account_is_reused_by_folded_name(runtime) -> None:
    run(runtime, HEADER + "ACME  bv,,,100,50,,2025-06-01,Q1,,\n")
    report = run(runtime, HEADER + "Acme BV,,,200,50,,2025-06-01,Q2,,\n")
    assert counts(report) == (1, 0, 0, 0)
    with runtime.sessions() as session:
        assert session.scalar(select(func.count(Account.id))) == 1


def test_second_import_updates_by_quote_ref_and_by_title(runtime) -> None:
    run(runtime, HEADER + "Acme,Widgets,,1000,50,quote,2025-06-01,Q1,Call,2025-05-10\n"
                          "Acme,Gadgets,,500,20,prospect,2025-07-01,,,\n")
    report = run(runtime, HEADER + "Acme,Widgets v2,,1.200,75,quote,2025-06-01,Q1,Call,2025-05-10\n"
                                   "Acme,Gadgets,,500,20,prospect,2025-07-01,,,\n"
                                   "Acme,Gizmos,,50,10,suspect,2025-08-01,,,\n")
    assert counts(report) == (1, 1, 1, 0)
    with runtime.sessions() as session:
        deals = session.scalars(select(Deal).order_by(Deal.id)).all()
        assert [(d.title, d.amount, d.probability) for d in deals] == [
            ("Widgets v2", Decimal("1200.00"), 75), ("Gadgets", Decimal("500.00"), 20),
            ("Gizmos", Decimal("50.00"), 10)]
        assert session.scalar(select(func.count(FollowUp.id))) == 1


def test_new_follow_up_date_counts_as_update_and_closing_sets_closed_on(runtime) -> None:
    run(runtime, HEADER + "Acme,W,,1000,50,quote,2025-06-01,Q1,,\n")
    assert counts(run(runtime, HEADER + "Acme,W,,1000,50,quote,2025-06-01,Q1,,2025-05-20\n")) == (0, 1, 0, 0)
    assert counts(run(runtime, HEADER + "Acme,W,,1000,100,won,2025-05-02,Q1,,2025-05-20\n")) == (0, 1, 0, 0)
    with runtime.sessions() as session:
        deal = session.scalar(select(Deal))
        assert (deal.stage, deal.closed_on, deal.quote_sent_on) == ("won", date(2025, 5, 2), date(2025, 5, 1))
        assert session.scalar(select(FollowUp.action)) == "Follow up"


def test_all_or_nothing_lists_every_error(runtime) -> None:
    text = HEADER + ("Acme,A,,100,50,quote,2025-06-01,Q1,,\n"
                     "Beta,B,console:ghost,100,50,quote,2025-06-01,Q2,,\n"
                     "Gamma,C,,abc,50,quote,2025-06-01,Q3,,\n"
                     "Delta,D,someone@example.com,100,50,quote,2025-06-01,Q4,,\n")
    report = run(runtime, text)
    assert not report.written and counts(report) == (0, 0, 0, 0)
    assert [e.line for e in report.errors] == [3, 4, 5]
    assert "owner 'console:ghost' is not a known user" in report.errors[0].message
    assert "salescoach team add-member" in report.errors[0].message
    assert table(runtime) == []
    with runtime.sessions() as session:  # not even the --owner user was created
        assert session.scalar(select(func.count(User.id))) == 0


def test_skip_invalid_imports_the_rest(runtime) -> None:
    text = HEADER + ("Acme,A,,100,50,quote,2025-06-01,Q1,,\n"
                     "Beta,B,console:ghost,100,50,quote,2025-06-01,Q2,,\n"
                     "Gamma,C,,abc,50,quote,2025-06-01,Q3,,\n")
    report = run(runtime, text, skip_invalid=True)
    assert report.written and counts(report) == (1, 0, 0, 2)
    assert [e.line for e in report.errors] == [3, 4]
    assert [r[0] for r in table(runtime)] == ["Acme"]


def test_rows_without_owner_need_default_owner(runtime) -> None:
    report = run(runtime, HEADER + "Acme,A,,100,50,quote,2025-06-01,Q1,,\n", owner=None)
    assert [str(e) for e in report.errors] == ["line 2: no owner: fill the owner column or pass --owner USER"]


def test_bad_default_owner_raises(runtime) -> None:
    with pytest.raises(DealImportError, match="not a known user"):
        run(runtime, HEADER + "Acme,A,,100,50,quote,2025-06-01,Q1,,\n", owner="nobody@example.com")


@pytest.mark.parametrize("batch", [1000, 1, 2])
def test_the_same_deal_twice_in_one_file(runtime, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    """Told within a batch of rows and across batches, and nothing is written."""
    monkeypatch.setattr(deal_import, "BATCH", batch)
    text = ("account,amount,probability,decision_date,quote_ref,title\n"
            "Acme,1,10,2025-01-01,Q1,a\n"
            "ACME ,2,10,2025-01-01,Q1,b\n"
            "Acme,3,10,2025-01-01,Q2,c\n"
            "Beta,1,10,2025-01-01,,x\n"
            "Beta,1,10,2025-01-01,,x\n"
            "Beta,1,10,2025-01-01,,y\n")
    report = run(runtime, text)
    assert not report.written and counts(report) == (0, 0, 0, 0)
    assert [str(e) for e in report.errors] == [
        "line 3: the same deal as line 2 (account 'ACME', quote Q1)",
        "line 6: the same deal as line 5 (account 'Beta', owner and title)"]
    assert table(runtime) == []
    report = run(runtime, text, skip_invalid=True)
    assert counts(report) == (4, 0, 0, 2) and [e.line for e in report.errors] == [3, 6]


def test_same_deal_twice_after_owner_resolution(runtime) -> None:
    with runtime.sessions.begin() as session:
        session.add(User(identity="console:anna", email="anna@example.com"))
    text = HEADER + ("Acme,A,console:anna,100,50,quote,2025-06-01,,,\n"
                     "Acme,A,anna@example.com,200,50,quote,2025-06-01,,,\n")
    report = run(runtime, text)
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "the same deal as line 2 (account 'Acme', owner and title)")]


def test_currency_defaults_to_team_currency(runtime) -> None:
    with runtime.sessions.begin() as session:
        create_team(session, "UK")
        user = add_member(session, "UK", "console:anna")
        user.team.currency = "GBP"
    run(runtime, "account,amount,probability,decision_date,currency\nA,1,50,2025-01-01,\nB,$5,50,2025-01-01,\n")
    assert [r[4] for r in table(runtime)] == ["GBP", "USD"]


def test_a_quote_date_column_sets_when_the_quote_was_sent(runtime) -> None:
    """Without it a quote counts as sent on the day it is first imported; with it, on the CRM's date."""
    header = "account,title,amount,probability,stage,decision_date,quote date\n"
    assert counts(run(runtime, header + "Acme,A,1000,50,quote,2025-06-01,12-03-2025\nAcme,B,500,40,quote,2025-06-01,\n"
                      "Acme,C,700,100,won,2025-04-02,2025-02-01\n")) == (3, 0, 0, 0)
    with runtime.sessions() as session:
        sent = dict(session.execute(select(Deal.title, Deal.quote_sent_on)).all())
    assert sent == {"A": date(2025, 3, 12), "B": date(2025, 5, 1), "C": date(2025, 2, 1)}
    again = header + "Acme,A,1000,50,quote,2025-06-01,13-03-2025\nAcme,B,500,40,quote,2025-06-01,\n"
    assert counts(run(runtime, again)) == (0, 1, 1, 0)  # a corrected date is an update
    bad = run(runtime, header + "Acme,D,100,50,quote,2025-06-01,someday\n")
    assert not bad.written and bad.errors[0].message.startswith("quote date: 'someday' is not a date")


def test_a_crm_record_id_identifies_the_deal_across_renames(runtime) -> None:
    """HubSpot's Record ID is the deal's reference: a renamed deal is updated, two deals of one name stay two."""
    header = "Record ID,Deal Name,Associated Company,Amount,Deal Stage,Close Date\n"
    second = "102,Koelcel,Jansen,3000,Qualified to buy,2027-02-28\n"
    text = header + "101,Koelcel,Jansen,12000,Presentation scheduled,2027-01-15\n" + second
    assert counts(run(runtime, text)) == (2, 0, 0, 0)
    assert counts(run(runtime, text)) == (0, 0, 2, 0)
    renamed = header + "101,Koelcel XL,Jansen,12000,Presentation scheduled,2027-01-15\n" + second
    assert counts(run(runtime, renamed)) == (0, 1, 1, 0)
    assert [(r[1], r[6], r[9]) for r in table(runtime)] == [("Koelcel XL", 60, "101"), ("Koelcel", 40, "102")]


def test_deals_imported_without_their_record_id_take_it_instead_of_being_duplicated(runtime) -> None:
    """An earlier import ignored HubSpot's Record ID: its deals (no reference, same owner and title) take it."""
    before = ("Deal Name,Associated Company,Amount,Deal Stage,Close Date\n"
              "Koelcel,Jansen,12000,Presentation scheduled,2027-01-15\n")
    assert counts(run(runtime, before)) == (1, 0, 0, 0)
    now = ("Record ID,Deal Name,Associated Company,Amount,Deal Stage,Close Date\n"
           "101,Koelcel,Jansen,12000,Presentation scheduled,2027-01-15\n"
           "102,Koelcel,Jansen,3000,Qualified to buy,2027-02-28\n")
    assert counts(run(runtime, now)) == (1, 1, 0, 0)
    assert counts(run(runtime, now)) == (0, 0, 2, 0)
    assert [(r[1], r[3], r[9]) for r in table(runtime)] == [
        ("Koelcel", Decimal("12000.00"), "101"), ("Koelcel", Decimal("3000.00"), "102")]


def test_a_row_without_reference_does_not_take_a_deal_another_row_took(runtime) -> None:
    run(runtime, "account,title,amount,probability,decision_date\nAcme,W,100,50,2027-01-31\n")
    text = ("account,title,amount,probability,decision_date,quote_ref\n"
            "Acme,W,200,50,2027-01-31,Q1\n"  # takes the stored deal and its reference
            "Acme,W,300,50,2027-01-31,\n")  # a deal without reference of that title: a new one
    assert counts(run(runtime, text)) == (1, 1, 0, 0)
    assert counts(run(runtime, text)) == (0, 0, 2, 0)
    assert [(r[3], r[9]) for r in table(runtime)] == [(Decimal("200.00"), "Q1"), (Decimal("300.00"), None)]


OWNERS = ("account,title,owner,amount,probability,decision_date\n"
          "Acme,A,Bram Bakker,100,50,2027-01-31\n"
          "Acme,B,Carla Jansen,100,50,2027-01-31\n"
          "Acme,C,c.jansen@example.com,100,50,2027-01-31\n"
          "Acme,D,,100,50,2027-01-31\n")


def add_users(runtime) -> None:
    with runtime.sessions.begin() as session:
        session.add_all([User(identity="console:bram", display_name="Bram Bakker"),
                         User(identity="slack:U0CARLA", email="carla@example.com"),
                         User(identity="console:anna")])


def owners(runtime) -> list[tuple[str, str]]:
    return [(r[1], r[2]) for r in table(runtime)]


def test_unknown_owners_are_errors_that_name_both_ways_out(runtime) -> None:
    add_users(runtime)
    report = run(runtime, OWNERS)
    assert not report.written and [e.line for e in report.errors] == [3, 4]
    assert report.errors[0].message == (
        "owner 'Carla Jansen' is not a known user (matched by identity such as slack:U0123, e-mail or name); map "
        "the name to a user with --owner-map FILE, give such rows to --owner USER with --unknown-owners-to-owner, "
        "or add them with `salescoach team add-member TEAM USER`")


def test_an_owner_map_says_who_an_exports_owner_is(runtime) -> None:
    add_users(runtime)
    mapping = {"carla jansen": (2, "carla@example.com"), "c.jansen@example.com": (3, "slack:U0CARLA"),
               "bram bakker": (4, "console:anna")}  # the map wins over a user known by that name
    assert counts(run(runtime, OWNERS, owner_map=mapping)) == (4, 0, 0, 0)
    assert owners(runtime) == [("A", "console:anna"), ("B", "slack:U0CARLA"), ("C", "slack:U0CARLA"),
                               ("D", "console:anna")]


def test_an_owner_map_naming_unknown_users_imports_nothing(runtime) -> None:
    add_users(runtime)
    mapping = {"carla jansen": (2, "carla@elsewhere.com"), "bram bakker": (3, "console:ghost")}
    with pytest.raises(DealImportError) as caught:
        run(runtime, OWNERS, owner_map=mapping)
    assert str(caught.value) == (
        "--owner-map line 2: 'carla@elsewhere.com' is not a known user; use a platform identity (slack:U0123, "
        "teams:<id>, console:alice) or the e-mail or name of a known user; --owner-map line 3: 'console:ghost' is "
        "not a known user; use a platform identity (slack:U0123, teams:<id>, console:alice) or the e-mail or name "
        "of a known user")
    assert table(runtime) == []


def test_unknown_owners_go_to_the_default_owner_when_asked(runtime) -> None:
    add_users(runtime)
    report = run(runtime, OWNERS, unknown_to_default=True)
    assert counts(report) == (4, 0, 0, 0) and report.reassigned == 2
    assert owners(runtime) == [("A", "console:bram"), ("B", "console:anna"), ("C", "console:anna"),
                               ("D", "console:anna")]
    with pytest.raises(DealImportError, match="--unknown-owners-to-owner gives the rows .* pass --owner too"):
        run(runtime, OWNERS, owner=None, unknown_to_default=True)
