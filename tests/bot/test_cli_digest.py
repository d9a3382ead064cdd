"""`salescoach digest` as an operator runs it: a real database, Slack's stand-in for --send, the test's clock."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.delivery import DeliveryLoop
from bot.digest_job import WeeklyDigest, due_moment
from bot.runtime import Runtime
from bot.settings import Settings
from coach.clock import SetClock
from coach.digest_policy import DigestNumbers, iso_week
from storage.digest_queries import digest_teams, save_snapshot
from storage.models import Team, User
from tests.bot.cli_runner import run
from tests.bot.slack_standin import SlackStandIn
from tests.storage.test_digest_queries import classed_with_visits, seed

PNG = b"\x89PNG\r\n\x1a\n"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def seeded(runtime: Runtime, managers: tuple[str, ...] = ()) -> int:
    """The digest query tests' North team (reps Alice and Bob, console manager Mia), open round the clock."""
    with runtime.sessions.begin() as session:
        s = seed(session)
        session.execute(update(Team).where(Team.id == s.north.id).values(working_hours="always"))
        session.add_all([User(identity=m, display_name=m, team_id=s.north.id, role="manager") for m in managers])
        return s.north.id


def test_prints_the_summary_and_the_details_and_writes_the_chart(database_url: str, runtime: Runtime,
                                                                 tmp_path: Path) -> None:
    seeded(runtime)
    result = run(["digest", "--team", "North", "--chart", str(tmp_path / "chart.png")], database_url)
    assert result.returncode == 0, result.stderr
    assert "Weekly pipeline digest: North" in result.stdout and "Alice: points of attention" in result.stdout
    assert "Weighted forecast per decision month (EUR)" in result.stdout
    assert (tmp_path / "chart.png").read_bytes().startswith(PNG) and "chart written to" in result.stderr
    dutch = run(["digest", "--team", "North", "--lang", "nl"], database_url)
    assert "Wekelijks pijplijnoverzicht: North" in dutch.stdout


def test_json_follows_the_contract_and_matches_the_forecast_command(database_url: str, runtime: Runtime,
                                                                    clock: SetClock) -> None:
    seeded(runtime)
    result = run(["digest", "--team", "North", "--json"], database_url, clock=clock)
    assert result.returncode == 0, result.stderr
    digest = json.loads(result.stdout)
    assert {"team", "week", "forecast", "overdue_followups", "reps"} <= set(digest)
    assert digest["team"] == "North" and digest["week"] == iso_week(clock().astimezone(AMSTERDAM).date())
    eur, _usd = run(["forecast", "--team", "North", "--json"], database_url).stdout.splitlines()
    forecast = json.loads(eur)
    assert digest["forecast"] == forecast  # the same numbers as `salescoach forecast --team`
    assert digest["forecast"]["total_weighted_amount"] == "16150.68"
    assert digest["forecast"]["basis"] == "open_deals"  # which forecast the digest shows: not the quotes alone
    overdue = digest["overdue_followups"]
    assert {"owner", "account", "due_date"} <= set(overdue[0]) and len(overdue) >= 3  # every one, not five
    reps = {r["name"]: r for r in digest["reps"]}
    assert set(reps) == {"Alice", "Bob", "Mia"}
    assert {"open_deals", "weighted_amount", "overdue_followups", "quotes_sent", "quotes_won"} <= set(reps["Bob"])
    assert (reps["Bob"]["open_deals"], reps["Bob"]["weighted_amount"]) == (3, "10070.00")


def test_accounts_overdue_a_visit_in_the_printed_digest_and_its_json(database_url: str, runtime: Runtime,
                                                                      clock: SetClock) -> None:
    with runtime.sessions.begin() as session:
        classed_with_visits(session)
    printed = run(["digest", "--team", "North"], database_url, clock=clock)
    assert "3 accounts overdue a visit by their contact norm" in printed.stdout
    assert "Globex — class A, 6 visits a year: not visited yet, 30 days overdue" in printed.stdout
    result = run(["digest", "--team", "North", "--json"], database_url, clock=clock)
    assert result.returncode == 0, result.stderr
    digest = json.loads(result.stdout)
    assert [(v["owner"], v["account"], v["abc_class"], v["visits_a_year"], v["days_overdue"], v["next_visit"])
            for v in digest["overdue_visits"]] == [("Alice", "Globex", "A", 6, 30, None),
                                                   ("Bob", "Hooli", "B", 12, 20, None),
                                                   ("Bob", "Umbrella", "A", 6, 10, "2026-11-27")]
    assert {r["name"]: r["overdue_visits"] for r in digest["reps"]} == {"Alice": 1, "Bob": 2, "Mia": 0}


def test_week_takes_this_week_or_a_week_whose_digest_was_sent(database_url: str, runtime: Runtime,
                                                              clock: SetClock) -> None:
    team_id = seeded(runtime)
    today = clock().astimezone(AMSTERDAM).date()  # the team's week, not UTC's
    cases = [("2026-49x", "is not an ISO week"), ("2026-W54", "weeks run from W01"),
             (iso_week(today + timedelta(days=7)), "has not begun yet"),
             (iso_week(today - timedelta(days=14)), "no digest was sent to team 'North'")]
    for week, says in cases:
        result = run(["digest", "--team", "North", "--week", week], database_url, clock=clock)
        assert result.returncode == 2 and says in " ".join(result.stderr.split()), (week, result.stderr)
    two_weeks_ago = clock() - timedelta(days=14)
    with runtime.sessions.begin() as session:
        save_snapshot(session, team_id, DigestNumbers("North", "Europe/Amsterdam", two_weeks_ago,
                                                      two_weeks_ago.astimezone(AMSTERDAM).date(), ()))
    shown = run(["digest", "--team", "North", "--week", iso_week(two_weeks_ago.astimezone(AMSTERDAM).date()),
                 "--json"], database_url, clock=clock)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["generated_at"] == two_weeks_ago.isoformat()  # the stored one, not a new one
    assert run(["digest", "--team", "South", "--week", iso_week(today)], database_url, clock=clock).returncode == 0
    unknown = run(["digest", "--team", "Nowhere"], database_url)
    assert unknown.returncode == 2 and "no team named 'Nowhere'" in unknown.stderr


def test_send_reaches_the_managers_once_this_week(database_url: str, runtime: Runtime, clock: SetClock) -> None:
    seeded(runtime, managers=("slack:UMIA",))
    nothing = run(["digest", "--team", "North", "--send"], database_url)
    assert nothing.returncode == 2 and "no platform is configured" in nothing.stderr
    nobody = run(["digest", "--team", "South", "--send"], database_url)
    assert nobody.returncode == 2 and "has no manager" in " ".join(nobody.stderr.split())
    slack = SlackStandIn()
    slack.start()
    try:
        env = {"SLACK_API_URL": slack.url, "SLACK_BOT_TOKEN": "xoxb-test"}
        sent = run(["digest", "--team", "North", "--send"], database_url, env=env, clock=clock)
        assert sent.returncode == 0, sent.stderr
        assert "sent to slack:UMIA" in sent.stdout and "not sent to console:mia" in sent.stderr
        assert [c.args["channel"] for c in slack.of("chat.postMessage")][:1] == ["DMIA"]
        assert len(slack.uploads) == 1
        rt = Runtime.open(Settings(database_url=database_url, slack_bot_token="xoxb-test",
                                   slack_api_url=slack.url), migrate=False, clock=clock)
        recorded: list[str] = []

        async def record(message) -> None:
            recorded.append(message.recipient)

        [north] = digest_teams(rt.sessions, "North")
        just_due = due_moment(north, clock()) + timedelta(minutes=1)  # the digest --send sent
        scheduled = WeeklyDigest(rt, ("slack:",), clock=lambda: just_due)
        assert asyncio.run(scheduled.run_once()) == 0  # the scheduler does not send it again
        assert asyncio.run(DeliveryLoop(rt, {"slack:": record}, clock=lambda: just_due).run_once()).sent == []
        assert recorded == []
        posts = len(slack.of("chat.postMessage"))
        again = run(["digest", "--team", "North", "--send"], database_url, env=env, clock=clock)
        assert again.returncode == 0 and "had this week's digest already" in again.stderr
        assert len(slack.of("chat.postMessage")) == posts
        rt.engine.dispose()
    finally:
        slack.stop()
    refused = run(["digest", "--team", "North", "--send", "--week", "2026-W49"], database_url)
    assert refused.returncode == 2 and "leave out --week" in refused.stderr


def test_team_update_sets_the_digest_time(database_url: str) -> None:
    assert run(["team", "create", "North"], database_url).returncode == 0
    bad = run(["team", "update", "North", "--digest", "someday"], database_url)
    assert bad.returncode == 2 and "write a day and a time like 'mon 08:00'" in bad.stderr
    good = run(["team", "update", "North", "--digest", "Fri  16:00"], database_url)
    assert good.returncode == 0 and "weekly digest fri 16:00" in good.stdout
