"""`salescoach account show|set` and `team update --norm` (issue 13, items 1 and 3)."""

from __future__ import annotations

import json

from tests.bot.cli_runner import run

VISIT = """prep Acme
1
skip the rest
lev, afl. contr., DMU
use this
At the end of the visit I know who decides and when their contract ends, and we have a follow-up appointment
How many sites do you have?
done
tomorrow
debrief Acme
1
1
Eva wants a demo first
Scanners
prospect
18000
skip
30
15-03-2027
yes
Demo at their site
next tuesday
partly
Jungheinrich
31-03-2027
Eva de Vries, Tom Bakker
quit
"""


def test_account_show_json_follows_the_contract(database_url: str) -> None:
    chat = run(["chat", "--user", "alice"], database_url, VISIT)
    assert chat.returncode == 0 and "Saved: Acme" in chat.stdout, chat.stdout
    shown = run(["account", "show", "acme", "--json"], database_url)
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["name"] == "Acme" and report["status"] == "prospect" and report["abc_class"] is None
    assert report["facts"] == {"current_supplier": "Jungheinrich", "contract_end": "2027-03-31",
                               "decision_makers": ["Eva de Vries", "Tom Bakker"], "revenue_potential": None}
    assert [{k: d[k] for k in ("title", "stage", "amount", "probability", "decision_date")}
            for d in report["deals"]] == [{"title": "Scanners", "stage": "prospect", "amount": "18000.00",
                                           "probability": 30, "decision_date": "2027-03-15"}]
    assert [f["action"] for f in report["open_follow_ups"]] == ["Demo at their site"]
    assert report["open_follow_ups"][0]["due"].startswith("2026-12-01T")
    [visit] = report["visits"]
    assert visit["date"] == "2026-11-24" and visit["visit_type"] == "first"
    assert visit["goal"].startswith("At the end of the visit") and visit["goal_reached"] is False
    assert visit["goal_result"] == "partly" and visit["learned"] == "Eva wants a demo first"
    assert visit["objectives"] == {"lev": True, "afl. contr.": True, "DMU": True}


def test_account_show_text_and_set_status_and_class(database_url: str) -> None:
    assert run(["chat", "--user", "alice"], database_url, VISIT).returncode == 0
    changed = run(["account", "set", "Acme", "--owner", "console:alice", "--status", "customer", "--class", "a"],
                  database_url)
    assert changed.returncode == 0 and "Acme: customer, class A" in changed.stdout, changed.stderr
    shown = run(["account", "show", "Acme", "--owner", "console:alice"], database_url)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "Acme — customer, class A" in out and "current supplier: Jungheinrich" in out
    assert "Scanners" in out and "Demo at their site" in out and "partly reached" in out
    assert "objectives: lev yes, afl. contr. yes, DMU yes" in out


def test_account_commands_say_what_is_wrong(database_url: str) -> None:
    assert run(["chat", "--user", "alice"], database_url, "plan Acme tomorrow\nquit\n").returncode == 0
    assert run(["chat", "--user", "bob"], database_url, "plan ACME tomorrow\nquit\n").returncode == 0
    for args, says in ((["show", "Nobody"], "no account named 'Nobody'"),
                       (["show", "Acme"], "2 accounts are named 'Acme'"),
                       (["show", "Acme", "--owner", "console:carol"], "--owner: no user 'console:carol'"),
                       (["set", "Acme", "--owner", "console:bob"], "give --status and/or --class"),
                       (["set", "Acme", "--owner", "console:bob", "--status", "hot"], "--status 'hot': use one of"),
                       (["set", "Acme", "--owner", "console:bob", "--class", "D"], "--class 'D': use A, B or C")):
        bad = run(["account", *args], database_url)
        assert bad.returncode == 2 and says in " ".join(bad.stderr.split()), (args, bad.stderr)
        assert "Traceback" not in bad.stderr
    assert json.loads(run(["account", "show", "acme", "--owner", "console:bob", "--json"],
                          database_url).stdout)["name"] == "ACME"


def test_team_norms_default_to_the_book_and_are_set_per_class(database_url: str) -> None:
    assert run(["team", "create", "North"], database_url).returncode == 0
    shown = run(["team", "update", "North", "--prep-days", "1"], database_url)
    assert "visits a year per class A 6, C 0" in shown.stdout, shown.stdout
    ok = run(["team", "update", "North", "--norm", "B=3", "--norm", "a=8"], database_url)
    assert ok.returncode == 0 and "visits a year per class A 8, B 3, C 0" in ok.stdout, ok.stderr
    bad = run(["team", "update", "North", "--norm", "D=4"], database_url)
    assert bad.returncode == 2 and "write CLASS=VISITS_A_YEAR" in bad.stderr
