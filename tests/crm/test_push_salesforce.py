"""The push side (issue 14) against the Salesforce stand-in, where it differs from HubSpot: an opportunity's stage
by its picklist label, a classic Note, a task's due date as a date, and a retried create that finds its task by
reading the opportunity's task descriptions (SOQL cannot filter a long text area). The rep here speaks Dutch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from coach.clock import SetClock
from coach.engine import Coach
from coach.replies import Reply
from crm.push import CrmPush
from crm.salesforce import SalesforceConnector
from crm.sync import CrmSync
from storage.crm_outbox import CrmOutbox
from storage.models import CrmPushItem, Deal, FollowUp, OutboxMessage
from storage.sales_teams import add_member, create_team
from storage.store import store_factory
from tests.coach.chat_helper import Chat
from tests.crm.salesforce_standin import SalesforceStandIn


@pytest.fixture
def standin(clock: SetClock) -> Iterator[SalesforceStandIn]:
    server = SalesforceStandIn(now=clock())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def connector(standin: SalesforceStandIn) -> SalesforceConnector:
    return SalesforceConnector(instance_url=standin.instance_url, access_token=standin.token,
                               verify=standin.ca_file, sleep=lambda seconds: None)


@pytest.fixture
def opportunity(runtime: Runtime, standin: SalesforceStandIn, connector: SalesforceConnector,
                clock: SetClock) -> str:
    """Anna's opportunity Falcon at Acme, pulled into the coach; its Salesforce id."""
    with runtime.sessions.begin() as s:
        create_team(s, "Sales")
        add_member(s, "Sales", "console:anna").email = "anna@acme.test"
    anna = standin.add_user("Anna Smit", "anna@acme.test")
    acme = standin.add_account("Acme", anna)
    deal = standin.add_opportunity("Falcon", account_id=acme, owner_id=anna, amount=Decimal("45000"),
                                   close_date="2027-03-31", stage="Qualification")
    CrmSync(connector, runtime.crm_store("salesforce"), clock, timedelta(minutes=5)).run(full=True)
    standin.requests.clear()
    return deal


@pytest.fixture
def chat(runtime: Runtime, clock: SetClock) -> Chat:
    dutch = Chat(Coach(store_factory(runtime.sessions, crm="salesforce"), clock=clock), user="anna")
    dutch.send("lang nl")
    return dutch


@pytest.fixture
def push(runtime: Runtime, connector: SalesforceConnector, clock: SetClock) -> CrmPush:
    return CrmPush(connector, CrmOutbox(runtime.sessions, "salesforce"), clock)


def debrief(chat: Chat) -> str:
    chat.send("nabespreking Acme")
    chat.send("1")
    chat.click("open")
    return chat.submit({"outcome": "Eva wil eerst een demo", "title": "Falcon", "stage": "hot prospect",
                 "amount": "50000", "probability": "60", "decision_date": "2027-03-15", "dmu_known": "yes",
                 "next_step": "Demo op locatie", "follow_up": "2026-12-01"})


def followup(runtime: Runtime) -> FollowUp:
    with runtime.sessions() as s:
        return s.scalars(select(FollowUp).where(FollowUp.action == "Demo op locatie")).one()


def test_a_debrief_writes_the_opportunity_a_dutch_note_and_a_task(runtime: Runtime, standin: SalesforceStandIn,
                                                                  opportunity: str, chat: Chat,
                                                                  push: CrmPush) -> None:
    said = debrief(chat)
    assert "Teruggeschreven naar Salesforce: fase, bedrag, kans, beslisdatum, een notitie en een taak voor 1 dec" \
        in said

    assert push.run().done == {"update_deal": 1, "add_note": 1, "create_task": 1}

    deal = standin.record(opportunity)
    assert (deal["StageName"], deal["Amount"], deal["Probability"], deal["CloseDate"]) == (
        "Value Proposition", Decimal("50000"), 60, "2027-03-15")
    note = standin.of("POST", "/sobjects/Note")[0].body
    assert note["ParentId"] == opportunity
    assert note["Body"].startswith("Nabespreking bezoek (salescoach): nog open\n\nEva wil eerst een demo")
    task = standin.record(followup(runtime).crm_id)
    assert (task["Subject"], task["ActivityDate"], task["WhatId"], task["OwnerId"]) == (
        "Demo op locatie", "2026-12-01", opportunity, deal["OwnerId"])
    assert f"salescoach:followup:{followup(runtime).id}" in task["Description"]


def test_done_and_snooze_reach_the_task(runtime: Runtime, standin: SalesforceStandIn, opportunity: str, chat: Chat,
                                        push: CrmPush) -> None:
    debrief(chat)
    push.run()
    made = followup(runtime)

    chat.send(f"snooze {made.id} 2026-12-08")
    push.run()
    assert standin.record(made.crm_id)["ActivityDate"] == "2026-12-08"
    chat.send(f"klaar {made.id}")
    push.run()
    assert standin.record(made.crm_id)["Status"] == "Completed"


def test_a_retried_create_finds_the_task_it_made(runtime: Runtime, standin: SalesforceStandIn, opportunity: str,
                                                 chat: Chat, push: CrmPush, clock: SetClock) -> None:
    debrief(chat)
    push.run()
    with runtime.sessions.begin() as s:  # the instance died after Salesforce made the task, before storing its id
        made = s.scalars(select(FollowUp).where(FollowUp.action == "Demo op locatie")).one()
        task_id, made.crm_id, made.crm = made.crm_id, None, None
        item = s.scalars(select(CrmPushItem).where(CrmPushItem.operation == "create_task")).one()
        item.state, item.lease_token, item.lease_until = "sending", "dead instance", clock()
    clock.advance(timedelta(minutes=6))
    standin.requests.clear()

    assert push.run().done == {"create_task": 1}

    assert not standin.of("POST", "/sobjects/Task") and standin.of("GET", "/query")
    assert followup(runtime).crm_id == task_id


def test_a_salesforce_outage_is_retried_without_duplicates(runtime: Runtime, standin: SalesforceStandIn,
                                                           opportunity: str, chat: Chat, push: CrmPush,
                                                           clock: SetClock) -> None:
    debrief(chat)
    standin.fail(500, times=2, match="/sobjects/Task")

    push.run()
    push.run()
    for _ in range(3):
        clock.advance(timedelta(minutes=10))
        push.run()

    created = standin.of("POST", "/sobjects/Task")
    assert [r.status for r in created] == [500, 500, 201]
    assert len(standin.of("POST", "/sobjects/Note")) == 1
    with runtime.sessions() as s:
        assert set(s.scalars(select(CrmPushItem.state))) == {"done"}


def test_a_close_date_changed_in_salesforce_wins_and_the_rep_is_told_in_dutch(runtime: Runtime,
                                                                             standin: SalesforceStandIn,
                                                                             opportunity: str, chat: Chat,
                                                                             push: CrmPush) -> None:
    standin.edit(opportunity, CloseDate="2027-04-30", Amount=Decimal("52000"))  # changed in Salesforce after the pull
    debrief(chat)

    push.run()

    written = standin.of("PATCH", f"/sobjects/Opportunity/{opportunity}")[0].body
    assert set(written) == {"StageName", "Probability"}
    with runtime.sessions() as s:
        deal = s.scalars(select(Deal)).one()
        assert (deal.amount, deal.decision_date, deal.stage) == (Decimal("52000.00"), date(2027, 4, 30),
                                                                 "hot prospect")
        told = s.scalars(select(OutboxMessage)).one()
    assert [line for line in Reply.model_validate(told.message["reply"]).plain().splitlines() if line] == [
        "Salesforce had een nieuwer bedrag voor Acme — Falcon (€\xa052.000,00); dat heb ik aangehouden in plaats van "
        "het jouwe (€\xa050.000,00).",
        "Salesforce had een nieuwere beslisdatum voor Acme — Falcon (30 apr 2027); die heb ik aangehouden in plaats "
        "van de jouwe (15 mrt 2027)."]
