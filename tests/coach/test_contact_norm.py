"""Issue 13, item 3: the contact norm without a database: which accounts are overdue a visit, and by how much."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach.account_memory import norms
from coach.contact_norm import AccountVisits, interval_days, overdue_visits

TODAY = date(2027, 6, 1)
BOOK = norms(None)  # A six visits a year, C by inside sales and e-mail, B none


def account(name: str = "Acme", cls: str | None = "A", status: str = "customer", last: date | None = None,
            since: date | None = date(2026, 1, 1), owner: int = 1, account_id: int = 1) -> AccountVisits:
    return AccountVisits(account_id, name, owner, status, cls, since, last)


def days_overdue(a: AccountVisits, today: date = TODAY, team_norms=BOOK) -> int | None:
    found = overdue_visits(team_norms, [a], today)
    return found[0].days_overdue if found else None


def test_six_visits_a_year_is_a_visit_at_least_every_60_days() -> None:
    assert interval_days(6) == 60 and interval_days(1) == 365 and interval_days(52) == 7 and interval_days(5) == 73
    assert days_overdue(account(last=TODAY - timedelta(days=60))) is None  # day 60: still in time
    assert days_overdue(account(last=TODAY - timedelta(days=61))) == 1
    assert days_overdue(account(last=TODAY - timedelta(days=100))) == 40


def test_the_result_names_the_norm_the_last_visit_and_the_last_day_in_time() -> None:
    [due] = overdue_visits(BOOK, [account(last=date(2027, 3, 1))], TODAY)
    assert (due.abc_class, due.visits_a_year, due.last_visit) == ("A", 6, date(2027, 3, 1))
    assert due.due_date == date(2027, 4, 30) and due.days_overdue == (TODAY - date(2027, 4, 30)).days == 32


def test_a_year_is_365_days_whether_or_not_it_is_a_leap_year() -> None:
    once_a_year = {"A": 1}
    across_leap_day = account(last=date(2027, 3, 1), since=date(2020, 1, 1))  # 2028 has a 29 February
    assert days_overdue(across_leap_day, date(2028, 2, 29), once_a_year) is None  # 365 days later
    assert days_overdue(across_leap_day, date(2028, 3, 1), once_a_year) == 1  # the same date a year on: 366 days
    plain = account(last=date(2026, 3, 1), since=date(2020, 1, 1))
    assert days_overdue(plain, date(2027, 3, 1), once_a_year) is None  # 365 days: in time
    assert days_overdue(plain, date(2027, 3, 2), once_a_year) == 1


def test_a_class_without_a_visit_count_is_never_overdue() -> None:
    long_ago = date(2020, 1, 1)
    assert days_overdue(account(cls="C", last=long_ago)) is None  # C: inside sales and e-mail (0 visits)
    assert days_overdue(account(cls="B", last=long_ago)) is None  # B: no norm until the team sets one
    assert days_overdue(account(cls=None, last=long_ago)) is None  # no class
    assert days_overdue(account(cls="C", last=long_ago), team_norms={"A": 6, "C": 0}) is None


@pytest.mark.parametrize(("status", "overdue"), [
    ("customer", True), ("prospect", True), ("suspect", False), ("ex-customer", False), ("dead", False)])
def test_only_prospects_and_customers_keep_to_the_norm(status: str, overdue: bool) -> None:
    assert (days_overdue(account(status=status, last=date(2026, 1, 1))) is not None) is overdue


def test_a_norm_the_team_changes_applies_at_once() -> None:
    last = TODAY - timedelta(days=40)
    assert days_overdue(account(last=last)) is None  # six a year: 60 days
    assert days_overdue(account(last=last), team_norms=norms({"A": 12, "C": 0})) == 10  # twelve: 30 days
    assert days_overdue(account(cls="B", last=last), team_norms=norms({"A": 6, "B": 12, "C": 0})) == 10
    assert days_overdue(account(last=last), team_norms=norms({"A": 0, "C": 0})) is None  # A by inside sales now


def test_never_visited_is_due_one_interval_after_the_account_got_its_class() -> None:
    assert days_overdue(account(last=None, since=TODAY - timedelta(days=60))) is None
    assert days_overdue(account(last=None, since=TODAY - timedelta(days=61))) == 1
    assert days_overdue(account(last=None, since=None)) is None  # no day to count from
    [due] = overdue_visits(BOOK, [account(last=None, since=date(2027, 1, 1))], TODAY)
    assert due.last_visit is None and due.due_date == date(2027, 3, 2)


def test_a_new_class_gives_one_interval_however_old_the_last_visit() -> None:
    just_made_a = account(last=date(2025, 1, 1), since=TODAY - timedelta(days=10))
    assert days_overdue(just_made_a) is None
    assert days_overdue(just_made_a, TODAY + timedelta(days=51)) == 1


def test_a_visit_after_the_day_asked_about_makes_nothing_overdue() -> None:
    assert days_overdue(account(last=TODAY + timedelta(days=3))) is None


def test_a_visit_planned_leaves_the_account_overdue_and_goes_along() -> None:
    planned = AccountVisits(1, "Acme", 1, "customer", "A", date(2026, 1, 1), TODAY - timedelta(days=70),
                            next_visit=TODAY + timedelta(days=2))
    [due] = overdue_visits(BOOK, [planned], TODAY)
    assert due.days_overdue == 10 and due.next_visit == TODAY + timedelta(days=2)
    assert due.to_json() == {"account_id": 1, "account": "Acme", "abc_class": "A", "visits_a_year": 6,
                             "last_visit": "2027-03-23", "due_date": "2027-05-22", "days_overdue": 10,
                             "next_visit": "2027-06-03"}


def test_most_overdue_first_then_by_name() -> None:
    accounts = [account("Beta", last=TODAY - timedelta(days=70), account_id=2),
                account("alpha", last=TODAY - timedelta(days=70), account_id=3),
                account("Zeta", last=TODAY - timedelta(days=200), account_id=4, owner=2),
                account("Recent", last=TODAY - timedelta(days=5), account_id=5)]
    found = overdue_visits(BOOK, accounts, TODAY)
    assert [(v.account, v.owner_id, v.days_overdue) for v in found] == [("Zeta", 2, 140), ("alpha", 1, 10),
                                                                        ("Beta", 1, 10)]
