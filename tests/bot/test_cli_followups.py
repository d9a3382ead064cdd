"""`salescoach followups list`: a rep's open follow-ups and accounts overdue a visit, printed in their language or
as JSON."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.runtime import Runtime
from coach.clock import SetClock
from storage.store import SqlStore
from tests.bot.cli_runner import run
from tests.coach.test_followups_visits import day, seed_accounts
from tests.conftest import TEST_NOW

TODAY = TEST_NOW.date()


def seeded(runtime: Runtime) -> None:
    """Alice: Acme (A) last visited 70 days ago with a follow-up due yesterday, Globex (A) never visited."""
    seed_accounts(runtime, "console:alice", {"Acme": ("A", "customer", 70), "Globex": ("A", "prospect", None),
                                             "Bakery": ("C", "customer", 300)})
    with runtime.sessions.begin() as s:
        store = SqlStore(s)
        alice = store.user("console:alice")
        acme = store.find_accounts(alice, "Acme")[0]
        store.add_followup(alice, acme.id, "Send the quote", TEST_NOW - timedelta(days=1))
        store.add_followup(alice, acme.id, "Call Eva", TEST_NOW + timedelta(days=2))


def test_json_lists_the_follow_ups_and_the_accounts_overdue_a_visit(database_url: str, runtime: Runtime,
                                                                    clock: SetClock) -> None:
    seeded(runtime)
    result = run(["followups", "list", "--user", "console:alice", "--json"], database_url, clock=clock)
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert (listed["user"], listed["today"]) == ("console:alice", "2026-11-24")
    assert listed["generated_at"].startswith("2026-11-24T09:00")  # the command's clock, ticking from the test's
    assert [(f["account"], f["action"], f["kind"], f["overdue"]) for f in listed["followups"]] == [
        ("Acme", "Send the quote", "action", True), ("Acme", "Call Eva", "action", False)]
    assert listed["followups"][0]["due"] == (TEST_NOW - timedelta(days=1)).isoformat()
    globex, acme = listed["overdue_visits"]
    assert globex == {"account_id": globex["account_id"], "account": "Globex", "abc_class": "A", "visits_a_year": 6,
                      "last_visit": None, "due_date": str(TODAY - timedelta(days=40)), "days_overdue": 40,
                      "next_visit": None}
    assert (acme["account"], acme["last_visit"], acme["days_overdue"]) == (
        "Acme", str(TODAY - timedelta(days=70)), 10)


def test_printed_in_the_reps_language_or_the_one_asked_for_without_buttons(database_url: str, runtime: Runtime,
                                                                          clock: SetClock) -> None:
    seeded(runtime)
    english = run(["followups", "list", "--user", "console:alice"], database_url, clock=clock)
    assert english.returncode == 0, english.stderr
    out = " ".join(english.stdout.split())
    assert "Your follow-ups" in out and "Send the quote — overdue since" in out
    assert "Accounts due a visit" in out
    assert f"Acme — class A, 6 visits a year: last visit {day(TODAY - timedelta(days=70))}, 10 days overdue" in out
    assert "Tomorrow" not in out and "Bakery" not in out
    dutch = " ".join(run(["followups", "list", "--user", "console:alice", "--lang", "nl"], database_url,
                         clock=clock).stdout.split())
    assert "Klanten die aan een bezoek toe zijn" in dutch and "Globex — klasse A, 6 bezoeken per jaar" in dutch


def test_an_unknown_user_or_language_is_refused(database_url: str, runtime: Runtime) -> None:
    unknown = run(["followups", "list", "--user", "console:nobody"], database_url)
    assert unknown.returncode == 2 and "no user 'console:nobody'" in unknown.stderr
    bad = run(["followups", "list", "--user", "nobody"], database_url)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    seeded(runtime)
    klingon = run(["followups", "list", "--user", "console:alice", "--lang", "tlh"], database_url)
    assert klingon.returncode == 2 and "use en or nl" in klingon.stderr


def test_a_rep_with_nothing_open_is_told_so(database_url: str, runtime: Runtime) -> None:
    seed_accounts(runtime, "console:bob", {})
    listed = json.loads(run(["followups", "list", "--user", "console:bob", "--json"], database_url).stdout)
    assert (listed["followups"], listed["overdue_visits"]) == ([], [])
    printed = run(["followups", "list", "--user", "console:bob"], database_url).stdout
    assert "You have no open follow-ups" in printed and "Accounts due a visit" not in printed
