"""`salescoach crm sync` end to end against HubSpot: settings from the environment, the factory, the real
connector on HubSpot's SDK, the stand-in over HTTP and the database, as an operator runs it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest

from bot.runtime import Runtime
from coach.clock import SetClock
from crm.hubspot import HubSpotConnector
from tests.bot.cli_runner import run
from tests.crm.e2e import chat, counts, deals, followups, outbox_rows, seed_team, stamps, status, sync, written_tables
from tests.crm.hubspot_standin import HubSpotStandIn

DEALS = 230  # more than a search page (200)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def account(hubspot: HubSpotStandIn, runtime: Runtime) -> dict[str, str]:
    """A HubSpot account as a small sales team keeps it: Anna's and Bram's owners, a colleague not in chat,
    three companies, deals on two search pages and tasks on deals and companies."""
    seed_team(runtime)
    anna = hubspot.add_owner("Anna@Jansen-Sales.nl", "Anna", "de Vries")
    bram = hubspot.add_owner("bram@jansen-sales.nl", "Bram", "Bakker")
    hubspot.add_owner("carla@jansen-sales.nl", "Carla", "Smit")
    vos = hubspot.add_company("Vos Bouw", owner_id=anna, domain="vosbouw.nl",
                              modified=hubspot.now - timedelta(days=90))
    dijk = hubspot.add_company("Van Dijk Transport", owner_id=bram, modified=hubspot.now - timedelta(days=80))
    hubspot.add_company("Bakkerij Mulder", owner_id=anna, modified=hubspot.now - timedelta(days=70))
    ids = {"anna": anna, "bram": bram, "vos": vos, "dijk": dijk}
    edited = (hubspot.now - timedelta(hours=n) for n in range(1000, 0, -1))  # a record edited an hour apart
    ids["forklifts"] = hubspot.add_deal("Heftrucks", amount="42000", stage="presentationscheduled",
                                        close_date=date(2027, 2, 26), owner_id=anna, company_id=vos,
                                        modified=next(edited))
    ids["racking"] = hubspot.add_deal("Stellingen", amount="18500", stage="contractsent", owner_id=bram,
                                      company_id=dijk, modified=next(edited))
    for i in range(DEALS - 2):
        hubspot.add_deal(f"Onderhoud {i}", amount=str(1000 + i), stage="qualifiedtobuy", owner_id=bram,
                         company_id=dijk, modified=next(edited))
    ids["call"] = hubspot.add_task("Referentielijst sturen", owner_id=anna, deal_id=ids["forklifts"],
                                   company_id=vos, due=datetime(2026, 11, 26, 9, 0, tzinfo=UTC), modified=next(edited))
    ids["visit"] = hubspot.add_task("Bezoek plannen", owner_id=bram, company_id=dijk,
                                    due=datetime(2026, 11, 27, 13, 0, tzinfo=UTC), modified=next(edited))
    return ids


@pytest.fixture
def env(hubspot: HubSpotStandIn) -> dict[str, str]:
    return {"HUBSPOT_ACCESS_TOKEN": hubspot.token, "HUBSPOT_API_URL": hubspot.url}


def calls(hubspot: HubSpotStandIn, since: int) -> list[str]:
    return [f"{r.method} {r.path}" for r in hubspot.requests[since:]]


def test_a_first_sync_brings_in_every_page_and_the_reps_see_it_in_chat(
        database_url: str, hubspot: HubSpotStandIn, account: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    report = sync(database_url, env, clock)

    assert (report["crm"], report["full"]) == ("hubspot", True)
    assert counts(report) == {"owners": {"created": 2, "skipped": 1}, "companies": {"created": 3},
                              "deals": {"created": DEALS}, "tasks": {"created": 2}}
    assert len(hubspot.of("POST", "/crm/v3/objects/deals/search")) == 2  # both pages
    synced = deals(runtime)
    assert len(synced) == DEALS
    forklifts = synced[account["forklifts"]]
    assert (forklifts.title, str(forklifts.amount), forklifts.decision_date) == ("Heftrucks", "42000.00",
                                                                                date(2027, 2, 26))
    tasks = followups(runtime)
    assert {t.action for t in tasks.values()} == {"Referentielijst sturen", "Bezoek plannen"}

    pipeline = chat(database_url, "console:anna", "pipeline", clock)
    assert "Heftrucks" in pipeline and "Stellingen" not in pipeline
    assert "Referentielijst sturen" in chat(database_url, "console:anna", "followups", clock)
    assert "Bezoek plannen" in chat(database_url, "console:bram", "followups", clock)

    shown = status(database_url, env, clock)
    assert shown["kinds"]["deals"]["counts"]["created"] == DEALS and shown["kinds"]["deals"]["error"] is None


def test_a_second_sync_changes_nothing_with_the_fewest_calls(
        database_url: str, hubspot: HubSpotStandIn, account: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    sync(database_url, env, clock)
    before = stamps(runtime)
    clock.advance(10 * MINUTE)
    hubspot.now = clock()
    first = len(hubspot.requests)

    with written_tables() as tables:
        report = sync(database_url, env, clock)

    assert counts(report) == {"owners": {"unchanged": 2, "skipped": 1}, "companies": {"unchanged": 1},
                              "deals": {"unchanged": 1}, "tasks": {"unchanged": 1}}  # the last change, read again
    # the sync's own state, nothing of the coach's; the push before it looked for writes and found none
    assert tables - {"crm_outbox"} == {"crm_sync", "crm_sync_claims"}
    assert outbox_rows(runtime) == 0
    assert stamps(runtime) == before
    assert calls(hubspot, first) == [  # a page of each kind and its removed records; the docstring's minimum
        "GET /crm/v3/owners/", "GET /crm/v3/owners/",
        "POST /crm/v3/objects/companies/search", "GET /crm/v3/objects/companies",
        "GET /crm/v3/pipelines/deals", "POST /crm/v3/objects/deals/search",
        "POST /crm/v4/associations/deals/companies/batch/read", "GET /crm/v3/objects/deals",
        "POST /crm/v3/objects/tasks/search", "POST /crm/v4/associations/tasks/deals/batch/read",
        "POST /crm/v4/associations/tasks/companies/batch/read", "GET /crm/v3/objects/tasks"]
    assert status(database_url, env, clock)["kinds"]["deals"]["counts"] == {
        "created": 0, "updated": 0, "unchanged": 1, "closed": 0, "skipped": 0}


def test_a_changed_deal_an_archived_deal_and_a_task_done_in_hubspot_come_through(
        database_url: str, hubspot: HubSpotStandIn, account: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    sync(database_url, env, clock)
    clock.advance(10 * MINUTE)
    hubspot.now = clock()
    hubspot.store.update("deals", account["forklifts"], {"amount": "45000", "dealstage": "contractsent"})
    hubspot.archive("deals", account["racking"])
    hubspot.store.update("tasks", account["call"], {"hs_task_status": "COMPLETED"})

    report = sync(database_url, env, clock)

    assert counts(report)["deals"] == {"updated": 1, "unchanged": 1, "closed": 1}
    assert counts(report)["tasks"] == {"closed": 1, "unchanged": 1}  # done in HubSpot: the follow-up is done
    synced = deals(runtime)
    assert str(synced[account["forklifts"]].amount) == "45000.00"
    assert synced[account["racking"]].crm_removed_at is not None
    assert followups(runtime)[account["call"]].status == "done"
    assert "45" in chat(database_url, "console:anna", "pipeline", clock)
    assert "Stellingen" not in chat(database_url, "console:bram", "pipeline", clock)
    assert "Referentielijst sturen" not in chat(database_url, "console:anna", "followups", clock)
    shown = status(database_url, env, clock)
    assert shown["kinds"]["deals"]["counts"]["closed"] == 1 and shown["kinds"]["tasks"]["error"] is None


def test_a_refused_token_names_hubspot_and_what_to_check_and_deletes_nothing(
        database_url: str, hubspot: HubSpotStandIn, account: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    sync(database_url, env, clock)
    before = stamps(runtime)
    clock.advance(10 * MINUTE)
    hubspot.token = "pat-na1-revoked"

    done = run(["crm", "sync"], database_url, env=env, clock=clock)

    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert message.startswith("failed: HubSpot refused the access token (Authentication credentials not found.")
    assert "Check that HUBSPOT_ACCESS_TOKEN is the current access token of a private app" in message
    assert message.endswith("(nothing was changed here)")
    assert "Traceback" not in done.stderr
    assert stamps(runtime) == before
    assert "Heftrucks" in chat(database_url, "console:anna", "pipeline", clock)
    assert status(database_url, env, clock)["kinds"]["owners"]["error"].startswith(
        "HubSpot refused the access token")


def test_a_429_is_waited_out_for_as_long_as_retry_after_says(
        database_url: str, hubspot: HubSpotStandIn, account: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    hubspot.fail(429, path="/crm/v3/objects/deals/search", retry_after="3")
    waited: list[float] = []

    with mock.patch.object(HubSpotConnector.__init__, "__kwdefaults__",
                           {**HubSpotConnector.__init__.__kwdefaults__, "sleep": waited.append}):
        report = sync(database_url, env, clock)

    assert waited == [3.0]
    assert counts(report)["deals"] == {"created": DEALS}
    assert [r.status for r in hubspot.of("POST", "/crm/v3/objects/deals/search")] == [429, 200, 200]
    assert status(database_url, env, clock)["kinds"]["deals"]["error"] is None
