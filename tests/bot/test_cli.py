"""The `salescoach` command line as a user runs it: a real database; a real process where only one shows it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.cli_runner import run, run_process


def test_chat_with_piped_input(database_url: str) -> None:
    result = run(["chat", "--user", "alice"], database_url,
                 "smart Know who decides by the end of the visit\n1\nprep Acme\nquit\nhelp\n")
    assert result.returncode == 0, result.stderr
    assert "That goal is SMART" in result.stdout and "What kind of visit" in result.stdout
    assert "What I can do" not in result.stdout  # nothing after quit is read
    again = run_process(["chat", "--user", "alice"], database_url, "1\n")  # another process continues the dialog
    assert again.returncode == 0, again.stderr
    assert "needs-oriented" in again.stdout


def test_chat_refuses_an_unknown_language(database_url: str) -> None:
    result = run(["chat", "--lang", "fr"], database_url)
    assert result.returncode == 2 and "unsupported language" in result.stderr


def test_team_commands(database_url: str) -> None:
    assert run(["team", "create", "North", "--timezone", "Europe/Brussels"], database_url).returncode == 0
    added = run(["team", "add-member", "North", "slack:U0123", "--role", "manager"], database_url)
    assert added.returncode == 0 and "manager" in added.stdout
    bad = run(["team", "add-member", "North", "U0123"], database_url)
    assert bad.returncode == 2 and "platform-qualified" in bad.stderr and "Traceback" not in bad.stderr
    assert run(["team", "create", "South", "--timezone", "Nowhere/Else"], database_url).returncode == 2


def test_coach_spin_json_per_contract(database_url: str) -> None:
    result = run(["coach", "spin", "--json"], database_url,
                 "How many sites do you have?\nWat kost het u als een levering te laat is?\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["situation", "implication"]
    assert all(set(r) == {"question", "kind", "open", "tip"} and r["open"] is True for r in rows)


def test_coach_smart_json_per_contract(database_url: str) -> None:
    result = run(["coach", "smart", "Get the order", "--visit", "first", "--json"], database_url)
    verdict = json.loads(result.stdout)
    assert set(verdict) == {"specific", "measurable", "acceptable", "realistic", "time_bound", "feedback"}
    assert verdict["realistic"] is False and verdict["feedback"]
    bad = run(["coach", "smart", "x", "--visit", "lunch"], database_url)
    assert bad.returncode == 2 and "unknown visit type" in bad.stderr


def test_db_upgrade(database_url: str) -> None:
    result = run(["db", "upgrade"], database_url)
    assert result.returncode == 0 and "up to date" in result.stdout


def test_bad_setting_is_named_without_a_traceback(database_url: str) -> None:
    result = run(["db", "upgrade"], database_url, env={"COACH_TIMEZONE": "Mars/Base"})
    assert result.returncode == 2 and "COACH_TIMEZONE" in result.stderr and "Traceback" not in result.stderr


def test_followups_export_writes_an_ics_calendar_of_open_follow_ups(database_url: str, tmp_path: Path) -> None:
    from icalendar import Calendar

    chat = run(["chat", "--user", "alice"], database_url,
               "debrief Acme\n1\n1\nGood talk\nScanners\nprospect\n18.450,00\nskip\n20\n15-03-2027\nyes\n"
               "Send the proposal\n05-01-2027\n")
    assert chat.returncode == 0, chat.stderr
    out = tmp_path / "alice.ics"
    result = run(["followups", "export", "--user", "console:alice", "--out", str(out)], database_url)
    assert result.returncode == 0, result.stderr
    events = [c for c in Calendar.from_ical(out.read_bytes()).walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == ["Acme: Send the proposal"]
    assert events[0].decoded("dtstart").date().isoformat() == "2027-01-05"
    again = run(["followups", "export", "--user", "console:alice"], database_url)
    assert again.stdout.replace("\r\n", "\n").count("BEGIN:VEVENT") == 1  # to stdout by default
    unknown = run(["followups", "export", "--user", "console:nobody"], database_url)
    assert unknown.returncode == 2 and "no user 'console:nobody'" in unknown.stderr
    bad = run(["followups", "export", "--user", "nobody"], database_url)
    assert bad.returncode == 2 and "platform-qualified" in bad.stderr


@pytest.mark.parametrize("env, says", [
    ({"COACH_WORKERS": "-1"}, "COACH_WORKERS: Input should be greater than or equal to 0"),
    ({"MicrosoftAppType": "Sometimes"}, "MicrosoftAppType: Value error, use MultiTenant, SingleTenant"),
    ({"PORT": "eighty"}, "PORT: Input should be a valid integer"),
    ({"DATABASE_URL": "mysql://db/coach"}, "DATABASE_URL: Value error, use sqlite:///"),
    ({"DATABASE_URL": "postgresql://coach:hunter2@127.0.0.1:1/coach"},
     "DATABASE_URL: cannot use the database at postgresql://coach:***@127.0.0.1:1/coach"),
])
def test_serve_names_the_bad_setting_and_exits_2_without_a_traceback(env: dict, says: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def started(*args, **kwargs) -> None:
        raise AssertionError("serve started in spite of the bad setting")

    monkeypatch.setattr("bot.server.serve", started)  # a setting let through fails the test instead of serving
    result = run(["serve", "--port", "1"], f"sqlite:///{tmp_path}/coach.db", env=env)
    assert result.returncode == 2
    assert says in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr


def test_a_process_with_a_bad_setting_exits_2_naming_it_without_a_traceback_or_the_password() -> None:
    result = run_process(["serve", "--port", "1"], None,
                         env={"DATABASE_URL": "postgresql://coach:hunter2@127.0.0.1:1/coach"})
    assert result.returncode == 2
    assert "DATABASE_URL: cannot use the database at postgresql://coach:***@127.0.0.1:1/coach" in \
        " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr


def test_team_update_sets_channel_prep_days_and_country_and_refuses_nonsense(database_url: str) -> None:
    assert run(["team", "create", "North"], database_url).returncode == 0
    ok = run(["team", "update", "North", "--channel", "slack:C0SALES", "--prep-days", "2", "--country", "nl"],
             database_url)
    assert ok.returncode == 0, ok.stderr
    assert "holidays NL, preparation 2 working day(s) before a visit, channel slack:C0SALES" in ok.stdout
    assert "invite the coach to Slack channel C0SALES (/invite @coach in the channel)" in ok.stdout
    for args, says in ((["--channel", "#sales"], "channel '#sales' not understood"),
                       (["--prep-days", "30"], "prep days must be 0 to 10"),
                       (["--country", "XX"], "no public holidays known"),
                       (["--timezone", "Mars/Olympus"], "unknown time zone")):
        bad = run(["team", "update", "North", *args], database_url)
        assert bad.returncode == 2 and says in " ".join(bad.stderr.split()), bad.stderr
    assert run(["team", "update", "South", "--prep-days", "1"], database_url).returncode == 2
