"""The weekly digest on its schedule: when it goes out, to whom, once, and how Slack receives it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.delivery import DeliveryLoop
from bot.digest_job import WeeklyDigest
from bot.runtime import Runtime
from bot.senders import Sender, Unreachable, proactive_sender, slack_sender, slack_web_client
from coach.digest_policy import digest_key
from coach.outgoing import Outgoing
from coach.replies import Image, Reply
from storage.digest_queries import stored_weeks
from storage.models import Team, User
from storage.outbox import LEASE, claim
from tests.bot.slack_standin import SlackStandIn
from tests.bot.test_slack_render import check_message
from tests.storage.test_digest_queries import seed

MONDAY_8 = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam (CET)
PNG = b"\x89PNG\r\n\x1a\n"


class Recorder:
    """A platform's digest sender that records what it was given and fails when told to."""

    def __init__(self, fail: dict[str, int] | None = None) -> None:
        self.sent: list[tuple[str, Reply, list[Reply]]] = []
        self.fail = dict(fail or {})

    async def __call__(self, message: Outgoing) -> None:
        if self.fail.get(message.recipient, 0) > 0:
            self.fail[message.recipient] -= 1
            raise ConnectionError("platform down")
        self.sent.append((message.recipient, message.reply, message.thread))

    def to(self) -> list[str]:
        return [identity for identity, _s, _d in self.sent]


def team_of_three(runtime: Runtime) -> int:
    """North (Amsterdam, NL holidays) with reps Alice and Bob and two managers: Mia on Slack (Dutch), Lars on
    Teams (English)."""
    with runtime.sessions.begin() as session:
        s = seed(session)
        session.execute(update(Team).where(Team.id == s.north.id).values(country="NL"))
        session.add_all([User(identity="slack:UMIA", display_name="Mia", team_id=s.north.id, role="manager",
                              language="nl"),
                         User(identity="teams:aad-lars", display_name="Lars", team_id=s.north.id, role="manager")])
        return s.north.id


class Scheduled:
    """The weekly digest job and the delivery loop, as the scheduler runs them, at one moment."""

    def __init__(self, runtime: Runtime, senders: dict[str, Sender], at: datetime) -> None:
        self.job = WeeklyDigest(runtime, senders, clock=lambda: at)
        self.delivery = DeliveryLoop(runtime, senders, clock=lambda: at)

    async def run_once(self) -> int:
        """Produce, then deliver; how many managers got one."""
        await self.job.run_once()
        return len((await self.delivery.run_once()).sent)


def digest(runtime: Runtime, recorder: Recorder, at: datetime) -> Scheduled:
    return Scheduled(runtime, {"slack:": recorder, "teams:": recorder}, at)


def run(job: Scheduled) -> int:
    return asyncio.run(job.run_once())


def test_due_at_eight_on_monday_then_once_per_manager_and_week(runtime: Runtime) -> None:
    team_id = team_of_three(runtime)
    recorder = Recorder()
    assert run(digest(runtime, recorder, MONDAY_8 - timedelta(minutes=1))) == 0
    assert run(digest(runtime, recorder, MONDAY_8)) == 2
    assert sorted(recorder.to()) == ["slack:UMIA", "teams:aad-lars"]  # console:mia has no push channel
    assert run(digest(runtime, recorder, MONDAY_8 + timedelta(hours=3))) == 0  # another run, the same week
    assert len(recorder.sent) == 2
    summaries = {identity: summary for identity, summary, _details in recorder.sent}
    assert "Wekelijks pijplijnoverzicht: North" in summaries["slack:UMIA"].plain()
    assert "Weekly pipeline digest: North" in summaries["teams:aad-lars"].plain()
    chart = next(b for b in summaries["slack:UMIA"].blocks if isinstance(b, Image))
    assert chart.png().startswith(PNG) and "december 2026" in chart.alt
    details = {identity: [d.blocks[0].plain() for d in ds] for identity, _s, ds in recorder.sent}
    assert details["teams:aad-lars"] == ["Alice: points of attention", "Bob: points of attention"]
    with runtime.sessions() as session:
        assert stored_weeks(session, team_id) == [date(2026, 11, 30)]


def test_next_week_shows_the_change_against_the_digest_sent(runtime: Runtime) -> None:
    team_of_three(runtime)
    recorder = Recorder()
    run(digest(runtime, recorder, MONDAY_8))
    run(digest(runtime, recorder, MONDAY_8 + timedelta(days=7)))
    assert len(recorder.sent) == 4
    first, second = [s.plain() for identity, s, _d in recorder.sent if identity == "teams:aad-lars"]
    assert "no change to show yet" in first
    assert "unchanged since the week of 30 Nov 2026" in second


def test_two_instances_at_once_send_each_manager_one_digest(runtime: Runtime) -> None:
    team_of_three(runtime)
    recorder = Recorder()

    async def both() -> list[int]:
        return list(await asyncio.gather(digest(runtime, recorder, MONDAY_8).run_once(),
                                         digest(runtime, recorder, MONDAY_8).run_once()))

    assert sum(asyncio.run(both())) == 2
    assert sorted(recorder.to()) == ["slack:UMIA", "teams:aad-lars"]


def test_a_failed_send_is_tried_again_after_a_backoff(runtime: Runtime) -> None:
    team_of_three(runtime)
    recorder = Recorder(fail={"slack:UMIA": 1})
    assert run(digest(runtime, recorder, MONDAY_8)) == 1
    assert recorder.to() == ["teams:aad-lars"]
    assert run(digest(runtime, recorder, MONDAY_8 + timedelta(seconds=30))) == 0  # not hammering a failing platform
    assert run(digest(runtime, recorder, MONDAY_8 + timedelta(minutes=1))) == 1
    assert recorder.to() == ["teams:aad-lars", "slack:UMIA"]


def test_a_claim_left_by_a_process_that_died_is_taken_over_after_its_lease(runtime: Runtime) -> None:
    team_id = team_of_three(runtime)
    assert asyncio.run(WeeklyDigest(runtime, ("slack:", "teams:"), clock=lambda: MONDAY_8).run_once()) == 2
    assert claim(runtime.sessions, MONDAY_8, ("slack:",), "a process that died",
                 keys=[digest_key("slack:UMIA", team_id, "2026-W49")])
    recorder = Recorder()
    assert run(digest(runtime, recorder, MONDAY_8 + timedelta(seconds=10))) == 1  # only Lars: Mia's is claimed
    assert run(digest(runtime, recorder, MONDAY_8 + LEASE + timedelta(seconds=1))) == 1
    assert sorted(recorder.to()) == ["slack:UMIA", "teams:aad-lars"]
    assert run(digest(runtime, recorder, MONDAY_8 + 3 * LEASE)) == 0  # sent ones are never taken over


def test_a_manager_the_platform_cannot_reach_is_not_retried_all_week(runtime: Runtime) -> None:
    team_of_three(runtime)
    calls: list[str] = []

    async def never(message: Outgoing) -> None:
        calls.append(message.recipient)
        raise Unreachable(message.recipient)

    job = Scheduled(runtime, {"slack:": Recorder(), "teams:": never}, MONDAY_8 + timedelta(hours=23))
    assert run(Scheduled(runtime, {"slack:": Recorder(), "teams:": never}, MONDAY_8)) == 1
    assert run(job) == 0 and calls == ["teams:aad-lars"]


def test_an_error_in_one_team_leaves_the_others_their_digest(runtime: Runtime) -> None:
    team_of_three(runtime)
    with runtime.sessions.begin() as session:  # a time zone that was valid once and no longer is
        broken = Team(name="Broken", timezone="Mars/Olympus_Mons", working_hours="always")
        session.add(broken)
        session.flush()
        session.add(User(identity="slack:UBROKEN", team_id=broken.id, role="manager"))
    recorder = Recorder()
    assert run(digest(runtime, recorder, MONDAY_8)) == 2
    assert sorted(recorder.to()) == ["slack:UMIA", "teams:aad-lars"]


def test_a_public_holiday_moves_it_to_the_next_working_day(runtime: Runtime) -> None:
    team_of_three(runtime)
    recorder = Recorder()
    easter_monday_8 = datetime(2027, 3, 29, 6, 0, tzinfo=UTC)  # 08:00 in Amsterdam (CEST): tweede paasdag
    assert run(digest(runtime, recorder, easter_monday_8 + timedelta(hours=4))) == 0
    assert run(digest(runtime, recorder, easter_monday_8 + timedelta(days=1))) == 2


def test_an_away_manager_gets_it_when_back(runtime: Runtime) -> None:
    team_of_three(runtime)
    with runtime.sessions.begin() as session:
        session.execute(update(User).where(User.identity == "slack:UMIA").values(away_until=date(2026, 12, 2)))
    recorder = Recorder()
    assert run(digest(runtime, recorder, MONDAY_8)) == 1
    assert run(digest(runtime, recorder, MONDAY_8 + timedelta(days=2, hours=10))) == 0  # Wednesday: still away
    assert run(digest(runtime, recorder, MONDAY_8 + timedelta(days=3))) == 1  # Thursday 08:00
    assert recorder.to() == ["teams:aad-lars", "slack:UMIA"]


@pytest.mark.parametrize("digest_at, timezone, due", [
    ("fri 16:00", "Europe/Amsterdam", datetime(2026, 12, 4, 15, 0, tzinfo=UTC)),
    ("mon 08:00", "America/New_York", datetime(2026, 11, 30, 13, 0, tzinfo=UTC)),
])
def test_the_team_sets_day_time_and_time_zone(runtime: Runtime, digest_at: str, timezone: str,
                                              due: datetime) -> None:
    team_id = team_of_three(runtime)
    with runtime.sessions.begin() as session:
        session.execute(update(Team).where(Team.id == team_id).values(digest_at=digest_at, timezone=timezone,
                                                                      country=None))
    recorder = Recorder()
    assert run(digest(runtime, recorder, due - timedelta(minutes=1))) == 0
    assert run(digest(runtime, recorder, due)) == 2


def test_off_sends_nothing(runtime: Runtime) -> None:
    team_id = team_of_three(runtime)
    with runtime.sessions.begin() as session:
        session.execute(update(Team).where(Team.id == team_id).values(digest_at="off"))
    recorder = Recorder()
    assert run(digest(runtime, recorder, MONDAY_8 + timedelta(hours=2))) == 0 and recorder.sent == []


def test_slack_gets_the_summary_in_the_dm_the_chart_as_a_file_and_the_details_in_its_thread(runtime: Runtime) -> None:
    team_of_three(runtime)
    slack = SlackStandIn()
    slack.start()
    try:
        sender = slack_sender(slack_web_client("xoxb-test", slack.url))
        job = Scheduled(runtime, {"slack:": sender}, MONDAY_8)
        assert run(job) == 1
    finally:
        slack.stop()
    assert [c.args["users"] for c in slack.of("conversations.open")] == ["UMIA"]
    posts = slack.of("chat.postMessage")
    assert {p.args["channel"] for p in posts} == {"DMIA"}
    summary, *details = posts
    assert "thread_ts" not in summary.args and "Wekelijks pijplijnoverzicht" in summary.args["text"]
    assert len(details) == 2 and all(p.args["thread_ts"] == "1002.000100" for p in details)  # the summary's ts
    for post in posts:
        check_message({"text": post.args["text"], "blocks": post.args["blocks"]})
    [upload] = slack.of("files.getUploadURLExternal")
    assert upload.args["filename"] == "forecast.png" and "december 2026" in upload.args["alt_txt"]
    [png] = slack.uploads.values()
    assert png.startswith(PNG) and int(upload.args["length"]) == len(png)
    [complete] = slack.of("files.completeUploadExternal")
    assert complete.args["channel_id"] == "DMIA"
    assert json.loads(complete.args["files"])[0]["title"] == "Gewogen prognose per beslismaand"


def test_after_the_summary_a_failing_detail_is_not_retried() -> None:
    sent: list[str] = []

    async def flaky(identity: str, reply: Reply) -> None:
        if sent:
            raise ConnectionError("down after the first message")
        sent.append(reply.plain())

    send = proactive_sender(flaky)
    asyncio.run(send(Outgoing(kind="digest", recipient="teams:x", reply=Reply(blocks=[]), dedupe_key="teams:x:digest",
                              thread=[Reply(blocks=[]), Reply(blocks=[])])))  # does not raise
    assert sent == [""]


@pytest.mark.parametrize("digest_at, fell_due, arrives", [
    # Sunday evening, outside working hours: Monday 08:00, and it still counts for the week it fell due in
    ("sun 20:00", datetime(2026, 12, 6, 19, 0, tzinfo=UTC), datetime(2026, 12, 7, 7, 0, tzinfo=UTC)),
    # Friday 25 December is Christmas in the Netherlands, the 26th a Saturday: Monday the 28th
    ("fri 16:00", datetime(2026, 12, 25, 15, 0, tzinfo=UTC), datetime(2026, 12, 28, 7, 0, tzinfo=UTC)),
])
def test_a_digest_held_over_into_the_next_week_is_not_lost(runtime: Runtime, digest_at: str, fell_due: datetime,
                                                           arrives: datetime) -> None:
    team_id = team_of_three(runtime)
    with runtime.sessions.begin() as session:
        session.execute(update(Team).where(Team.id == team_id).values(digest_at=digest_at))
    recorder = Recorder()
    assert run(digest(runtime, recorder, fell_due + timedelta(minutes=1))) == 0
    assert run(digest(runtime, recorder, arrives - timedelta(minutes=1))) == 0
    assert run(digest(runtime, recorder, arrives)) == 2
    assert run(digest(runtime, recorder, arrives + timedelta(days=1))) == 0  # once


def test_a_failing_chart_upload_does_not_keep_the_details_from_slack(runtime: Runtime) -> None:
    team_of_three(runtime)
    slack = SlackStandIn(errors={"files.getUploadURLExternal": "missing_scope"})
    slack.start()
    try:
        job = Scheduled(runtime, {"slack:": slack_sender(slack_web_client("xoxb-test", slack.url))}, MONDAY_8)
        assert run(job) == 1
    finally:
        slack.stop()
    assert slack.of("files.getUploadURLExternal:error") and not slack.uploads
    assert len(slack.of("chat.postMessage")) == 3  # the summary and both reps' details
