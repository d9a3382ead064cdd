"""The sync's claim in the database: two syncs at once, one runs; a sync whose lease ran out is taken over and
commits nothing more; `serve`'s scheduled sync runs every CRM_SYNC_MINUTES between instances."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.crm_job import ScheduledCrmSync, crm_sync
from bot.runtime import Runtime
from bot.scheduler import Schedule
from bot.server import crm_schedule
from bot.settings import Settings
from coach.clock import SetClock
from crm.ports import SyncTakenOver
from crm.sync import LEASE
from storage.models import Deal
from storage.sales_teams import add_member, create_team
from tests.crm.memory_crm import MemoryCrm


@pytest.fixture
def crm(runtime: Runtime, clock: SetClock) -> MemoryCrm:
    with runtime.sessions.begin() as s:
        create_team(s, "Sales")
        add_member(s, "Sales", "console:anna").email = "anna@acme.test"
    made = MemoryCrm(clock)
    made.owner("o1", "anna@acme.test")
    made.company("c1", "Jansen Logistics", "o1")
    made.deal("d1")
    return made


def in_thread(target) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(target())
        except Exception as exc:  # handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def deal_count(rt: Runtime) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(Deal))


def test_two_syncs_at_once_one_runs(runtime: Runtime, crm: MemoryCrm) -> None:
    crm.gate = threading.Event()
    first, outcome = in_thread(lambda: crm_sync(runtime, crm).run())
    assert crm.waiting.wait(10)  # the first is pulling deals

    assert crm_sync(runtime, crm).run() is None
    assert crm_sync(runtime, crm).run(full=True) is None

    crm.gate.set()
    first.join(10)
    assert outcome[0].runs["deals"].counts["created"] == 1
    assert runtime.crm_store("hubspot").claim_state().running is False


def test_a_sync_whose_lease_ran_out_is_taken_over_and_commits_nothing_more(
        runtime: Runtime, crm: MemoryCrm, clock: SetClock) -> None:
    gate = crm.gate = threading.Event()
    stalled, outcome = in_thread(lambda: crm_sync(runtime, crm).run())
    assert crm.waiting.wait(10)
    crm.gate = None
    clock.advance(LEASE + timedelta(seconds=1))  # the first instance stalled past its lease

    taken = crm_sync(runtime, crm).run()

    assert taken is not None and deal_count(runtime) == 1
    gate.set()
    stalled.join(10)
    assert isinstance(outcome[0], SyncTakenOver)
    assert deal_count(runtime) == 1
    assert runtime.crm_store("hubspot").runs()["deals"].error is None  # the stalled run recorded nothing


def test_serve_syncs_every_crm_sync_minutes_whichever_instance_is_first(
        database_url: str, crm: MemoryCrm, clock: SetClock) -> None:
    instances = [Runtime.open(Settings(database_url=database_url, CRM_SYNC_MINUTES=10), migrate=False, clock=clock)
                 for _ in range(2)]
    try:
        a, b = (ScheduledCrmSync(rt, crm) for rt in instances)

        assert asyncio.run(a.run_once()) is not None
        assert asyncio.run(b.run_once()) is None  # not due yet
        next_run = instances[1].crm_store("hubspot").claim_state().next_run
        assert next_run == clock() + timedelta(minutes=10)

        clock.advance(timedelta(minutes=9))
        assert asyncio.run(a.run_once()) is None
        clock.advance(timedelta(minutes=1))
        assert asyncio.run(b.run_once()) is not None
        assert asyncio.run(a.run_once()) is None
    finally:
        for rt in instances:
            rt.engine.dispose()


def test_serve_schedules_the_sync_when_a_crm_is_configured(runtime: Runtime, crm: MemoryCrm,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert crm_schedule(runtime) is None  # no CRM: the coach's own database is the CRM
    monkeypatch.setattr("crm.factory.connector_from", lambda _settings: crm)
    scheduled = crm_schedule(runtime)
    assert isinstance(scheduled, ScheduledCrmSync)

    async def job_ids(crm_job: ScheduledCrmSync | None) -> set[str]:
        schedule = Schedule(*[None] * 5, crm=crm_job)  # only registered here, never run
        await schedule.start()
        schedule.scheduler.shutdown(wait=False)
        return {job.id for job in schedule.scheduler.get_jobs()}

    assert {"crm", "crm-at-start"} <= asyncio.run(job_ids(scheduled))
    assert not {"crm", "crm-at-start"} & asyncio.run(job_ids(None))
