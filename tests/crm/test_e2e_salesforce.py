"""`salescoach crm sync` end to end against Salesforce: settings from the environment, the factory, the real
connector on simple-salesforce, the stand-in over HTTPS (trusted through REQUESTS_CA_BUNDLE, as a company's own CA
is) and the database, as an operator runs it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest

from bot.runtime import Runtime
from coach.clock import SetClock
from crm.salesforce import SalesforceConnector
from tests.bot.cli_runner import run
from tests.crm.e2e import chat, counts, deals, followups, outbox_rows, seed_team, stamps, status, sync, written_tables
from tests.crm.salesforce_standin import SalesforceStandIn

DEALS = 2_050  # more than a query batch (2,000)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def standin() -> Iterator[SalesforceStandIn]:
    server = SalesforceStandIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def org(standin: SalesforceStandIn, runtime: Runtime) -> dict[str, str]:
    """A Salesforce org as a small sales team keeps it: Anna's and Bram's users, a colleague not in chat, three
    accounts, opportunities over two query batches and tasks on an opportunity and an account, each edited a
    minute after the one before."""
    seed_team(runtime)
    now = standin.now
    standin.now = now - timedelta(days=30)

    def edited() -> None:
        standin.now += MINUTE

    anna = standin.add_user("Anna de Vries", "Anna@Jansen-Sales.nl")
    bram = standin.add_user("Bram Bakker", "bram@jansen-sales.nl")
    standin.add_user("Carla Smit", "carla@jansen-sales.nl")
    accounts = []
    for name, owner in (("Vos Bouw", anna), ("Van Dijk Transport", bram), ("Bakkerij Mulder", anna)):
        edited()
        accounts.append(standin.add_account(name, owner))
    vos, dijk = accounts[:2]
    ids = {"vos": vos, "dijk": dijk}
    edited()
    ids["forklifts"] = standin.add_opportunity("Heftrucks", account_id=vos, owner_id=anna, amount=Decimal("42000"),
                                               close_date="2027-02-26", stage="Value Proposition")
    edited()
    ids["racking"] = standin.add_opportunity("Stellingen", account_id=dijk, owner_id=bram, amount=Decimal("18500"),
                                             close_date="2027-03-31", stage="Proposal/Price Quote")
    for i in range(DEALS - 2):
        edited()
        standin.add_opportunity(f"Onderhoud {i}", account_id=dijk, owner_id=bram, amount=Decimal(1000 + i),
                                close_date="2027-03-31", stage="Qualification")
    edited()
    ids["call"] = standin.add_task("Referentielijst sturen", what_id=ids["forklifts"], owner_id=anna,
                                   activity_date="2026-11-26")
    edited()
    ids["visit"] = standin.add_task("Bezoek plannen", what_id=dijk, owner_id=bram, activity_date="2026-11-27")
    standin.now = now
    return ids


@pytest.fixture
def env(standin: SalesforceStandIn) -> dict[str, str]:
    return {"SALESFORCE_INSTANCE_URL": standin.instance_url, "SALESFORCE_ACCESS_TOKEN": standin.token,
            "REQUESTS_CA_BUNDLE": standin.ca_file}


def calls(standin: SalesforceStandIn, since: int) -> list[str]:
    """Each request's path after the API version, and the sObject its SOQL reads."""
    return [" ".join([r.path.split("/", 4)[-1], *r.query.get("q", "").split(" FROM ")[1:2]]).split(" WHERE")[0]
            .strip() for r in standin.requests[since:]]


def test_a_first_sync_brings_in_every_batch_and_the_reps_see_it_in_chat(
        database_url: str, standin: SalesforceStandIn, org: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    report = sync(database_url, env, clock)

    assert (report["crm"], report["full"]) == ("salesforce", True)
    assert counts(report) == {"owners": {"created": 2, "skipped": 1}, "companies": {"created": 3},
                              "deals": {"created": DEALS}, "tasks": {"created": 2}}
    synced = deals(runtime)
    assert len(synced) == DEALS
    forklifts = synced[org["forklifts"]]
    assert (forklifts.title, str(forklifts.amount), forklifts.decision_date.isoformat()) == (
        "Heftrucks", "42000.00", "2027-02-26")
    assert {t.action for t in followups(runtime).values()} == {"Referentielijst sturen", "Bezoek plannen"}

    pipeline = chat(database_url, "console:anna", "pipeline", clock)
    assert "Heftrucks" in pipeline and "Stellingen" not in pipeline
    assert "Referentielijst sturen" in chat(database_url, "console:anna", "followups", clock)
    assert "Bezoek plannen" in chat(database_url, "console:bram", "followups", clock)
    shown = status(database_url, env, clock)
    assert shown["kinds"]["deals"]["counts"]["created"] == DEALS and shown["kinds"]["deals"]["error"] is None


def test_a_second_sync_changes_nothing_with_the_fewest_calls(
        database_url: str, standin: SalesforceStandIn, org: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    sync(database_url, env, clock)
    before = stamps(runtime)
    clock.advance(10 * MINUTE)
    standin.now = clock()
    first = len(standin.requests)

    with written_tables() as tables:
        report = sync(database_url, env, clock)

    assert counts(report) == {"owners": {"unchanged": 2, "skipped": 1}, "companies": {"unchanged": 1},
                              "deals": {"unchanged": 1}, "tasks": {"unchanged": 1}}, report
    # the sync's own state, nothing of the coach's; the push before it looked for writes and found none
    assert tables - {"crm_outbox"} == {"crm_sync", "crm_sync_claims"}
    assert outbox_rows(runtime) == 0
    assert stamps(runtime) == before
    assert calls(standin, first) == [  # the token's check, a batch of each kind and of its deleted records
        "", "query/ User", "query/ Account", "queryAll/ Account", "query/ OpportunityStage", "query/ Opportunity",
        "queryAll/ Opportunity", "query/ Task", "queryAll/ Task"]


def test_a_changed_deal_a_deleted_deal_and_a_task_done_in_salesforce_come_through(
        database_url: str, standin: SalesforceStandIn, org: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    sync(database_url, env, clock)
    clock.advance(10 * MINUTE)
    standin.now = clock()
    standin.edit(org["forklifts"], Amount=Decimal("45000"), StageName="Negotiation/Review")
    standin.delete(org["racking"])
    standin.edit(org["call"], Status="Completed")

    report = sync(database_url, env, clock)

    assert counts(report)["deals"] == {"updated": 1, "unchanged": 1, "closed": 1}
    assert counts(report)["tasks"] == {"closed": 1, "unchanged": 1}  # done in Salesforce: the follow-up is done
    synced = deals(runtime)
    assert (str(synced[org["forklifts"]].amount), synced[org["forklifts"]].probability) == ("45000.00", 90)
    assert synced[org["racking"]].crm_removed_at is not None
    assert followups(runtime)[org["call"]].status == "done"
    assert "Heftrucks" in chat(database_url, "console:anna", "pipeline", clock)
    assert "Stellingen" not in chat(database_url, "console:bram", "pipeline", clock)
    assert "Referentielijst sturen" not in chat(database_url, "console:anna", "followups", clock)
    shown = status(database_url, env, clock)
    assert shown["kinds"]["deals"]["counts"]["closed"] == 1 and shown["kinds"]["tasks"]["error"] is None


def test_an_expired_session_names_salesforce_and_what_to_check_and_deletes_nothing(
        database_url: str, standin: SalesforceStandIn, org: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    sync(database_url, env, clock)
    before = stamps(runtime)
    clock.advance(10 * MINUTE)
    standin.expire_sessions()

    done = run(["crm", "sync"], database_url, env=env, clock=clock)

    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert message.startswith("failed: Salesforce refused the access token (INVALID_SESSION_ID: Session expired or "
                              "invalid): check SALESFORCE_ACCESS_TOKEN and SALESFORCE_INSTANCE_URL; a connected app's "
                              "token needs the 'api' OAuth scope")
    assert message.endswith("(nothing was changed here)")
    assert "Traceback" not in done.stderr
    assert stamps(runtime) == before
    assert "Heftrucks" in chat(database_url, "console:anna", "pipeline", clock)
    assert status(database_url, env, clock)["kinds"]["owners"]["error"].startswith("Salesforce")


def test_a_429_is_waited_out_for_as_long_as_retry_after_says(
        database_url: str, standin: SalesforceStandIn, org: dict[str, str], env: dict[str, str], runtime: Runtime,
        clock: SetClock) -> None:
    standin.fail(429, retry_after=3, match="FROM Opportunity")
    waited: list[float] = []

    with mock.patch.object(SalesforceConnector.__init__, "__kwdefaults__",
                           {**SalesforceConnector.__init__.__kwdefaults__, "sleep": waited.append}):
        report = sync(database_url, env, clock)

    assert waited == [3.0]
    assert counts(report)["deals"] == {"created": DEALS}
    assert [r.status for r in standin.requests if r.status == 429] == [429]
    assert status(database_url, env, clock)["kinds"]["deals"]["error"] is None
