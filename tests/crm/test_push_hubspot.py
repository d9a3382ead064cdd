"""The push side (issue 14) against the HubSpot stand-in: a debrief, done and snooze in chat written back through
the CRM outbox by the real connector, with the CRM down, rate limited, crashing mid-create and rejecting."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.crm_job import ScheduledCrmSync
from bot.runtime import Runtime
from coach.clock import SetClock
from coach.engine import Coach
from coach.replies import Reply
from crm.hubspot import HubSpotConnector
from crm.push import CrmPush
from crm.sync import CrmSync
from storage.crm_outbox import CrmOutbox
from storage.models import CrmPushItem, Deal, FollowUp, OutboxMessage
from storage.sales_teams import add_member, create_team
from storage.store import store_factory
from tests.bot.cli_runner import run
from tests.coach.chat_helper import Chat
from tests.crm.hubspot_standin import HubSpotStandIn

Waits = list[float]


@pytest.fixture
def waits() -> Waits:
    return []


@pytest.fixture
def connector(hubspot: HubSpotStandIn, waits: Waits) -> HubSpotConnector:
    return HubSpotConnector(hubspot.token, hubspot.url, sleep=waits.append)


@pytest.fixture
def linked(runtime: Runtime, hubspot: HubSpotStandIn, connector: HubSpotConnector, clock: SetClock) -> str:
    """Anna's deal Falcon at Acme in HubSpot, pulled into the coach; its HubSpot id."""
    with runtime.sessions.begin() as s:
        create_team(s, "Sales")
        add_member(s, "Sales", "console:anna").email = "anna@acme.test"
    owner = hubspot.add_owner("anna@acme.test", "Anna", "Smit")
    company = hubspot.add_company("Acme", owner_id=owner)
    deal = hubspot.add_deal("Falcon", amount="45000", owner_id=owner, company_id=company,
                            stage="qualifiedtobuy")
    CrmSync(connector, runtime.crm_store("hubspot"), clock, timedelta(minutes=5)).run(full=True)
    hubspot.requests.clear()
    return deal


@pytest.fixture
def chat(runtime: Runtime, clock: SetClock) -> Chat:
    return Chat(Coach(store_factory(runtime.sessions, crm="hubspot"), clock=clock), user="anna")


@pytest.fixture
def push(runtime: Runtime, connector: HubSpotConnector, clock: SetClock) -> CrmPush:
    return CrmPush(connector, CrmOutbox(runtime.sessions, "hubspot"), clock)


def debrief(chat: Chat, follow_up: str = "2026-12-01") -> str:
    chat.send("debrief Acme")
    chat.send("1")
    chat.click("Still open")
    return chat.submit({"outcome": "Eva wants a demo first", "title": "Falcon", "stage": "hot prospect",
                        "amount": "50000", "probability": "60", "decision_date": "2027-03-15",
                        "dmu_known": "yes", "next_step": "Demo at their site", "follow_up": follow_up})


def writes(hubspot: HubSpotStandIn) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in hubspot.requests if r.method != "GET"]


def sent(hubspot: HubSpotStandIn, method: str, path: str) -> list:
    """The requests of `method` to exactly `path` (the stand-in's own `of` takes a prefix)."""
    return [r for r in hubspot.of(method, path) if r.path == path]


def followup(runtime: Runtime) -> FollowUp:
    with runtime.sessions() as s:
        return s.scalars(select(FollowUp).where(FollowUp.action == "Demo at their site")).one()


def test_a_debrief_writes_the_deal_a_note_and_a_task_once(runtime: Runtime, hubspot: HubSpotStandIn, linked: str,
                                                          chat: Chat, push: CrmPush) -> None:
    said = debrief(chat)
    assert hubspot.requests == []  # written in the turn's transaction, sent by the push
    assert "Written back to HubSpot: stage, amount, probability, close date, a note and a task for 1 Dec" in said

    report = push.run()

    assert report.done == {"update_deal": 1, "add_note": 1, "create_task": 1}
    deal = hubspot.record("deals", linked)
    assert (deal["amount"], deal["dealstage"], deal["closedate"][:10]) == (
        "50000.00", "presentationscheduled", "2027-03-15")
    update = hubspot.of("PATCH", f"/crm/v3/objects/deals/{linked}")[0].body["properties"]
    assert set(update) == {"amount", "dealstage", "hs_forecast_probability", "closedate"}
    note = hubspot.of("POST", "/crm/v3/objects/notes")[0].body
    assert "Visit debrief (salescoach): still open" in note["properties"]["hs_note_body"]
    assert "Eva wants a demo first" in note["properties"]["hs_note_body"]
    assert note["associations"][0]["to"]["id"] == linked
    task = sent(hubspot, "POST", "/crm/v3/objects/tasks")[0].body
    made = followup(runtime)
    assert task["properties"]["hs_task_subject"] == "Demo at their site"
    assert f"salescoach:followup:{made.id}" in task["properties"]["hs_task_body"]
    assert task["properties"]["hubspot_owner_id"] == hubspot.record("deals", linked)["hubspot_owner_id"]
    assert made.crm_id is not None and hubspot.record("tasks", made.crm_id)["hs_task_subject"] == "Demo at their site"

    hubspot.requests.clear()
    assert push.run().done == {} and hubspot.requests == []  # nothing twice


def test_done_completes_the_task_and_snooze_moves_it(runtime: Runtime, hubspot: HubSpotStandIn, linked: str,
                                                     chat: Chat, push: CrmPush) -> None:
    debrief(chat)
    push.run()
    task_id = followup(runtime).crm_id
    number = followup(runtime).id

    chat.send(f"snooze {number} 2026-12-08")
    push.run()
    assert hubspot.record("tasks", task_id)["hs_timestamp"].startswith("2026-12-08")

    chat.send(f"done {number}")
    push.run()
    assert hubspot.record("tasks", task_id)["hs_task_status"] == "COMPLETED"


def test_done_before_the_task_exists_waits_for_its_create(runtime: Runtime, hubspot: HubSpotStandIn, linked: str,
                                                           chat: Chat, push: CrmPush, clock: SetClock) -> None:
    debrief(chat)
    chat.send(f"done {followup(runtime).id}")
    hubspot.fail(503, times=1, path="/crm/v3/objects/tasks")

    push.run()  # update and note go; the create meets the outage, and the complete waits behind it
    assert followup(runtime).crm_id is None
    clock.advance(timedelta(minutes=5))
    report = push.run()

    assert report.done == {"create_task": 1, "complete_task": 1}
    assert hubspot.record("tasks", followup(runtime).crm_id)["hs_task_status"] == "COMPLETED"


def test_the_crm_down_then_back_loses_nothing_and_duplicates_nothing(runtime: Runtime, hubspot: HubSpotStandIn,
                                                                     linked: str, chat: Chat, push: CrmPush,
                                                                     clock: SetClock) -> None:
    debrief(chat)
    hubspot.fail(500, times=3, path="/crm/v3/objects/deals")

    down = push.run()
    assert (down.done, down.retried) == ({}, 1)  # the pass stops at the first failure: the rest would meet it too
    assert push.run().done == {"add_note": 1, "create_task": 1}  # the update waits its backoff; the rest goes
    for _ in range(4):
        clock.advance(timedelta(minutes=10))
        push.run()

    deal_requests = [(r.method, r.status) for r in hubspot.of(path=f"/crm/v3/objects/deals/{linked}")]
    assert deal_requests == [("GET", 500)] * 3 + [("GET", 200), ("PATCH", 200)]  # its values read, then written
    assert [r.status for r in sent(hubspot, "POST", "/crm/v3/objects/notes")] == [201]
    assert [r.status for r in sent(hubspot, "POST", "/crm/v3/objects/tasks")] == [201]
    with runtime.sessions() as s:
        assert set(s.scalars(select(CrmPushItem.state))) == {"done"}


def test_a_crash_between_the_create_and_storing_its_id_finds_the_task(runtime: Runtime, hubspot: HubSpotStandIn,
                                                                      linked: str, chat: Chat, push: CrmPush,
                                                                      connector: HubSpotConnector,
                                                                      clock: SetClock) -> None:
    debrief(chat)
    push.run()
    with runtime.sessions.begin() as s:  # as if the instance died after HubSpot made the task, before storing its id
        made = s.scalars(select(FollowUp).where(FollowUp.action == "Demo at their site")).one()
        task_id, made.crm_id, made.crm = made.crm_id, None, None
        item = s.scalars(select(CrmPushItem).where(CrmPushItem.operation == "create_task")).one()
        item.state, item.lease_token, item.lease_until = "sending", "dead instance", clock()
    clock.advance(timedelta(minutes=6))  # its lease runs out
    hubspot.requests.clear()

    assert push.run().done == {"create_task": 1}

    assert sent(hubspot, "POST", "/crm/v3/objects/tasks/search") and not sent(hubspot, "POST", "/crm/v3/objects/tasks")
    assert followup(runtime).crm_id == task_id


def test_a_429_with_retry_after_is_waited_out_or_retried_after_it(runtime: Runtime, hubspot: HubSpotStandIn,
                                                                  linked: str, chat: Chat, push: CrmPush,
                                                                  waits: Waits, clock: SetClock) -> None:
    debrief(chat)
    hubspot.fail(429, times=1, retry_after="2")
    assert push.run().done == {"update_deal": 1, "add_note": 1, "create_task": 1}
    assert waits == [2.0]  # the connector waited HubSpot's two seconds once

    chat.send(f"snooze {followup(runtime).id} 2026-12-08")
    hubspot.fail(429, times=1, retry_after="120")  # longer than a connector waits: the outbox waits it
    assert push.run().retried == 1
    with runtime.sessions() as s:
        moved = s.scalars(select(CrmPushItem).where(CrmPushItem.operation == "move_task")).one()
        assert moved.not_before == clock() + timedelta(seconds=120)
    clock.advance(timedelta(seconds=119))
    assert push.run().done == {}
    clock.advance(timedelta(seconds=1))
    assert push.run().done == {"move_task": 1}


def test_a_rejected_write_is_given_up_and_shown_in_status(runtime: Runtime, hubspot: HubSpotStandIn, linked: str,
                                                          chat: Chat, push: CrmPush, database_url: str) -> None:
    debrief(chat)
    hubspot.fail(400, times=1, path=f"/crm/v3/objects/deals/{linked}")

    report = push.run()

    assert (report.rejected, report.done) == (1, {"add_note": 1, "create_task": 1})
    status = CrmOutbox(runtime.sessions, "hubspot").status(push.clock())
    assert (status.waiting, status.done, status.rejected) == (0, 2, 1)
    assert status.rejections[0].operation == "update_deal" and "HubSpot" in status.rejections[0].reason

    shown = run(["crm", "status"], database_url, env={"CRM": "hubspot", "HUBSPOT_ACCESS_TOKEN": hubspot.token,
                                                      "HUBSPOT_API_URL": hubspot.url})
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "written back: 2 done, 0 waiting, 1 rejected" in lines
    assert any(line.startswith("  rejected update deal (2026-11-24 10:00): ") and "HubSpot" in line for line in lines)
    assert "Traceback" not in shown.stderr


def test_a_refused_token_stops_the_push_and_keeps_every_write(runtime: Runtime, hubspot: HubSpotStandIn, linked: str,
                                                              chat: Chat, push: CrmPush) -> None:
    debrief(chat)
    hubspot.fail(401, times=1)

    report = push.run()

    assert report.auth_error and report.done == {}
    status = CrmOutbox(runtime.sessions, "hubspot").status(push.clock())
    assert status.waiting == 3 and status.last_error == report.auth_error
    assert push.run().done == {"update_deal": 1, "add_note": 1, "create_task": 1}


def test_without_a_configured_crm_or_a_linked_deal_nothing_is_queued(runtime: Runtime, linked: str,
                                                                     clock: SetClock) -> None:
    debrief(Chat(Coach(store_factory(runtime.sessions), clock=clock), user="anna"))  # no CRM configured
    with runtime.sessions() as s:
        assert s.scalars(select(CrmPushItem)).all() == []
        s.execute(Deal.__table__.update().values(crm_id=None, crm=None))
        s.commit()
    said = debrief(Chat(Coach(store_factory(runtime.sessions, crm="hubspot"), clock=clock), user="anna"))
    with runtime.sessions() as s:
        assert s.scalars(select(CrmPushItem)).all() == []
    assert "Written back" not in said


def test_find_task_takes_the_marker_as_a_whole_word(hubspot: HubSpotStandIn, connector: HubSpotConnector) -> None:
    hubspot.add_task("Call back", hs_task_body="<p>salescoach:followup:12</p>")
    assert connector.find_task("salescoach:followup:1", None) is None
    ours = hubspot.add_task("Call back", hs_task_body="<p>salescoach:followup:1</p>")
    assert connector.find_task("salescoach:followup:1", None) == ours
    assert sent(hubspot, "POST", "/crm/v3/objects/tasks/search")[-1].body["filterGroups"][0]["filters"][0] == {
        "propertyName": "hs_task_body", "operator": "CONTAINS_TOKEN", "value": "salescoach:followup:1"}


def test_a_field_changed_in_hubspot_since_the_pull_keeps_hubspots_value(runtime: Runtime, hubspot: HubSpotStandIn,
                                                                        linked: str, chat: Chat,
                                                                        push: CrmPush) -> None:
    hubspot.store.update("deals", linked, {"amount": "52000"})  # a colleague changed it in HubSpot after the pull
    debrief(chat)  # the rep enters 50,000, hot prospect, 60%, 15 March

    assert push.run().done == {"update_deal": 1, "add_note": 1, "create_task": 1}

    written = sent(hubspot, "PATCH", f"/crm/v3/objects/deals/{linked}")[0].body["properties"]
    assert set(written) == {"dealstage", "hs_forecast_probability", "closedate"}  # not the amount
    assert hubspot.record("deals", linked)["amount"] == "52000"
    with runtime.sessions() as s:
        deal = s.scalars(select(Deal)).one()
        assert (deal.amount, deal.probability, deal.crm_base["amount"]) == (Decimal("52000.00"), 60, "52000.00")
        told = s.scalars(select(OutboxMessage)).one()
    assert told.recipient == "console:anna" and told.kind == "crm-notice"
    assert Reply.model_validate(told.message["reply"]).plain() == (
        "HubSpot had a newer amount for Acme — Falcon (€52,000.00); I kept it instead of yours (€50,000.00).")

    hubspot.requests.clear()
    CrmSync(push.connector, runtime.crm_store("hubspot"), push.clock, timedelta(minutes=5)).run()
    with runtime.sessions() as s:  # the next pull finds nothing to change back
        assert s.scalars(select(Deal)).one().amount == Decimal("52000.00")


def test_crm_sync_writes_back_before_it_pulls(runtime: Runtime, hubspot: HubSpotStandIn, linked: str, chat: Chat,
                                              database_url: str) -> None:
    debrief(chat)

    done = run(["crm", "sync"], database_url, env={"CRM": "hubspot", "HUBSPOT_ACCESS_TOKEN": hubspot.token,
                                                   "HUBSPOT_API_URL": hubspot.url})

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "written back to hubspot: 1 update deal, 1 add note, 1 create task; 0 to retry, 0 rejected",
        "hubspot synced since the last sync:"]
    first_write = next(i for i, r in enumerate(hubspot.requests) if r.method == "PATCH")
    first_search = next(i for i, r in enumerate(hubspot.requests) if r.path == "/crm/v3/objects/companies/search")
    assert first_write < first_search


def test_serve_writes_back_on_every_pass(runtime: Runtime, hubspot: HubSpotStandIn, linked: str, chat: Chat,
                                         connector: HubSpotConnector) -> None:
    debrief(chat)

    asyncio.run(ScheduledCrmSync(runtime, connector).run_once())

    assert hubspot.record("deals", linked)["amount"] == "50000.00"
    assert len(sent(hubspot, "POST", "/crm/v3/objects/tasks")) == 1


def test_a_later_debrief_is_written_after_an_earlier_one_that_waits(runtime: Runtime, hubspot: HubSpotStandIn,
                                                                    linked: str, chat: Chat, push: CrmPush,
                                                                    clock: SetClock) -> None:
    debrief(chat)  # 50,000
    hubspot.fail(500, times=1, path=f"/crm/v3/objects/deals/{linked}")
    push.run()  # that update waits its backoff
    chat.send("debrief Acme")
    chat.send("1")
    chat.click("Still open")
    chat.submit({"outcome": "Budget cut", "title": "Falcon", "stage": "hot prospect", "amount": "45000",
                 "probability": "60", "decision_date": "2027-03-15", "dmu_known": "yes", "next_step": "Call Eva"})
    # 45,000 is what HubSpot had at the pull, yet it is written: the waiting update would otherwise overwrite it

    assert "update_deal" not in push.run().done  # the second update waits behind the first
    clock.advance(timedelta(minutes=10))
    assert push.run().done["update_deal"] == 2

    amounts = [r.body["properties"].get("amount") for r in sent(hubspot, "PATCH", f"/crm/v3/objects/deals/{linked}")]
    assert amounts == ["50000.00", "45000.00"]
    assert hubspot.record("deals", linked)["amount"] == "45000.00"
