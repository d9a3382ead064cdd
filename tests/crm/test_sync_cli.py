"""`salescoach crm sync|status` and `user link` as an operator runs them, against the in-memory CRM."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest

from bot.runtime import Runtime
from coach.clock import SetClock
from storage.sales_teams import add_member, create_team
from tests.bot.cli_runner import run
from tests.crm.memory_crm import MemoryCrm

HUBSPOT = {"CRM": "hubspot", "HUBSPOT_ACCESS_TOKEN": "pat-eu1-test-token"}


@pytest.fixture
def crm(runtime: Runtime, clock: SetClock):
    with runtime.sessions.begin() as s:
        create_team(s, "Sales")
        add_member(s, "Sales", "console:anna").email = "anna@acme.test"
    made = MemoryCrm(clock)
    made.owner("o1", "anna@acme.test")
    made.owner("o2", "bram@acme.test")
    made.company("c1", "Jansen Logistics", "o1")
    made.deal("d1", title="Forklifts")
    made.deal("d2", title="No amount", amount=None)
    made.task("t1")
    with mock.patch("crm.factory.connector_from", lambda _settings: made):
        yield made


def test_without_a_crm_the_coach_is_the_crm(database_url: str) -> None:
    status = run(["crm", "status"], database_url)
    assert status.returncode == 0
    assert status.stdout.startswith("No CRM is configured: the coach's own database is the CRM.")
    as_json = run(["crm", "status", "--json"], database_url)
    assert json.loads(as_json.stdout)["crm"] is None

    sync = run(["crm", "sync"], database_url)
    assert sync.returncode == 2
    assert " ".join(sync.stderr.split()) == (
        "error: No CRM is configured: the coach's own database is the CRM. To sync one, set CRM (hubspot or "
        "salesforce) and its credentials: HUBSPOT_ACCESS_TOKEN, or the SALESFORCE_* settings.")


def test_a_bad_crm_setting_is_named(database_url: str) -> None:
    done = run(["crm", "status"], database_url, env={"CRM": "pipedrive"})
    assert done.returncode == 2
    assert "CRM: Value error, unknown CRM 'pipedrive'" in " ".join(done.stderr.split())


def test_crm_sync_prints_the_counts_per_kind_and_what_it_skipped(database_url: str, crm: MemoryCrm) -> None:
    done = run(["crm", "sync"], database_url, env=HUBSPOT)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "hubspot synced in full:",
        "  owners     1 created, 0 updated, 0 unchanged, 0 closed, 1 skipped",
        "  companies  1 created, 0 updated, 0 unchanged, 0 closed, 0 skipped",
        "  deals      1 created, 0 updated, 0 unchanged, 0 closed, 1 skipped",
        "  tasks      1 created, 0 updated, 0 unchanged, 0 closed, 0 skipped",
        "skipped:",
        "  owners o2 'bram@acme.test': no chat user has the e-mail bram@acme.test: `salescoach user link USER "
        "--email bram@acme.test`",
        "  deals d2 'No amount': no amount"]

    again = json.loads(run(["crm", "sync", "--json"], database_url, env=HUBSPOT).stdout)
    assert (again["crm"], again["full"]) == ("hubspot", False)
    assert again["kinds"]["deals"]["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "closed": 0,
                                                 "skipped": 1}
    assert again["kinds"]["deals"]["skipped"] == [{"id": "d2", "name": "No amount", "reason": "no amount"}]
    assert again["kinds"]["deals"]["error"] is None and again["kinds"]["deals"]["last_success"]


def test_a_refused_token_exits_non_zero_with_the_crms_message(database_url: str, crm: MemoryCrm,
                                                             runtime: Runtime) -> None:
    crm.refused = True

    done = run(["crm", "sync"], database_url, env=HUBSPOT)

    assert done.returncode == 1
    message = " ".join(done.stderr.split())  # as the terminal wraps it
    assert message == ("failed: HubSpot refused the access token (401): check HUBSPOT_ACCESS_TOKEN and the private "
                       "app's scopes (nothing was changed here)")
    with runtime.unit_of_work() as uow:
        assert uow.deals.open_deals(None, None)[0] == []


def test_crm_status_shows_each_kinds_last_run_the_next_run_and_the_api_usage(
        database_url: str, crm: MemoryCrm, clock: SetClock) -> None:
    never = run(["crm", "status"], database_url, env=HUBSPOT)
    assert "never synced here: the first sync runs when `salescoach serve` starts" in never.stdout
    run(["crm", "sync"], database_url, env=HUBSPOT)
    crm.refused = True
    run(["crm", "sync"], database_url, env=HUBSPOT, clock=lambda: clock() + timedelta(minutes=1))
    crm.refused = False

    done = run(["crm", "status"], database_url, env=HUBSPOT, clock=lambda: clock() + timedelta(minutes=2))

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == ["CRM: hubspot, synced every 5 min by `salescoach serve` (times in Europe/Amsterdam)",
                         "next run: 2026-11-24 10:06", f"API usage: {crm.calls:,} of 15,000 calls in the CRM's window"]
    assert lines[3].startswith("owners     last run 2026-11-24 10:01, last success 2026-11-24 10:00: 0 created")
    assert lines[4].startswith("           error: HubSpot refused the access token (401)")
    assert "  deals d2 'No amount': no amount" not in lines  # the failed run skipped nothing

    as_json = json.loads(run(["crm", "status", "--json"], database_url, env=HUBSPOT).stdout)
    assert (as_json["crm"], as_json["every_minutes"], as_json["running"]) == ("hubspot", 5, False)
    assert as_json["next_run"].startswith("2026-11-24T09:06")
    assert as_json["usage"]["limit"] == 15000
    assert as_json["kinds"]["tasks"]["error"] == "not run: the owners sync failed"
    assert as_json["kinds"]["tasks"]["cursor"] == "2026-11-24T09:00:00+00:00"


def test_crm_sync_while_another_instance_syncs_exits_non_zero(database_url: str, crm: MemoryCrm,
                                                              runtime: Runtime, clock: SetClock) -> None:
    assert runtime.crm_store("hubspot").claim("elsewhere", clock(), clock() + timedelta(minutes=2), False)

    done = run(["crm", "sync"], database_url, env=HUBSPOT)

    assert done.returncode == 1
    assert "another instance is syncing hubspot now" in " ".join(done.stderr.split())
    running = json.loads(run(["crm", "status", "--json"], database_url, env=HUBSPOT).stdout)
    assert running["running"] is True


def test_user_link_ties_a_user_to_their_crm_e_mail(database_url: str, crm: MemoryCrm) -> None:
    done = run(["user", "link", "console:bram", "--email", "Bram@Acme.test"], database_url, env=HUBSPOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("console:bram has e-mail Bram@Acme.test; the next `salescoach crm sync` matches "
                                   "them to their hubspot owner")
    assert json.loads(run(["crm", "sync", "--json"], database_url, env=HUBSPOT).stdout)["kinds"]["owners"][
        "counts"]["created"] == 2

    taken = run(["user", "link", "console:carla", "--email", "anna@ACME.test"], database_url)
    assert taken.returncode == 2
    assert "anna@ACME.test is console:anna's e-mail already" in " ".join(taken.stderr.split())
    bad = run(["user", "link", "console:carla", "--email", "carla"], database_url)
    assert (bad.returncode, "--email 'carla' is not an e-mail address" in bad.stderr) == (2, True)
    nobody = run(["user", "link", "carla", "--email", "carla@acme.test"], database_url)
    assert nobody.returncode == 2 and "Traceback" not in nobody.stderr
