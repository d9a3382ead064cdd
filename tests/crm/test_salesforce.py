"""The Salesforce connector, driving simple-salesforce against the local stand-in of Salesforce's REST API."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from crm.connector import (
    MAX_WAIT,
    ApiUsage,
    CrmAuthError,
    CrmRateLimited,
    CrmRejected,
    CrmUnavailable,
    DealUpdate,
    TaskDraft,
)
from crm.salesforce import API_VERSION, SalesforceConnector
from tests.crm.salesforce_standin import SalesforceStandIn

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=1, hours=1)
AMSTERDAM = timezone(timedelta(hours=1))
USERNAME, PASSWORD, SECURITY_TOKEN = "integration@acme.example", "s3cret-Pass", "TOKENxyz123"


@dataclass
class Org:
    carla: str
    bram: str
    acme: str
    globex: str
    deal: str  # Acme's: 420,000 in Negotiation/Review, Carla's
    task: str  # on that deal, due 1 December


@pytest.fixture
def standin() -> Iterator[SalesforceStandIn]:
    server = SalesforceStandIn(now=T0)
    server.logins[USERNAME] = PASSWORD + SECURITY_TOKEN
    server.start()
    yield server
    server.stop()


@pytest.fixture
def org(standin: SalesforceStandIn) -> Org:
    carla = standin.add_user("Carla Jansen", "carla@acme.example")
    bram = standin.add_user("Bram Bakker", "b.bakker@acme.example")
    acme, globex = standin.add_account("Acme", carla), standin.add_account("Globex", bram)
    deal = standin.add_opportunity("Acme forklifts", account_id=acme, owner_id=carla, amount=Decimal("420000.00"),
                                   close_date="2027-03-04", stage="Negotiation/Review")
    task = standin.add_task("Send the quote", what_id=deal, owner_id=carla, activity_date="2026-12-01")
    return Org(carla, bram, acme, globex, deal, task)


@pytest.fixture
def waits() -> list[float]:
    return []


def connect(standin: SalesforceStandIn, waits: list[float] | None = None, **credentials: str) -> SalesforceConnector:
    """A connector on the stand-in's access token, or on `credentials` (a username, password and security token)."""
    sleep = waits.append if waits is not None else _never_sleep
    if credentials:
        return SalesforceConnector(login_url=standin.login_url, verify=standin.ca_file, sleep=sleep, **credentials)
    return SalesforceConnector(instance_url=standin.instance_url, access_token=standin.token,
                               verify=standin.ca_file, sleep=sleep)


def _never_sleep(seconds: float) -> None:
    raise AssertionError(f"the connector waited {seconds} s")


def queries(standin: SalesforceStandIn, sobject: str) -> list[str]:
    """The SOQL of the queries about `sobject`, in order."""
    return [r.query["q"] for r in standin.requests if re.search(rf"FROM {sobject}\b", r.query.get("q", ""))]


# --- pulls ---

def test_first_pull_pages_through_every_opportunity_with_its_account_and_owner(standin, org):
    for n in range(4100):
        standin.add_opportunity(f"Deal {n}", account_id=org.globex if n % 2 else org.acme, owner_id=org.bram,
                                amount=1000 + n, close_date="2027-01-31", stage="Prospecting")
    connector = connect(standin)

    deals = {deal.id: deal for deal in connector.pull_deals(None)}

    assert len(deals) == 4101
    assert {d.company_id for d in deals.values()} == {org.acme, org.globex}
    deal = deals[org.deal]
    assert (deal.title, deal.company_id, deal.owner_id) == ("Acme forklifts", org.acme, org.carla)
    assert deal.amount == Decimal("420000") and isinstance(deal.amount, Decimal)
    assert (deal.currency, deal.close_date, deal.stage, deal.probability) == ("EUR", date(2027, 3, 4),
                                                                              "Negotiation/Review", 90)
    assert (deal.closed, deal.won, deal.modified_at) == (False, False, T0)
    pages = [r for r in standin.requests if r.path.endswith(("/query/", "/query")) or "/query/01g" in r.path]
    opportunity_pages = pages[1:]  # after the stage table
    assert [r.path.rsplit("-", 1)[-1] for r in opportunity_pages[1:]] == ["2000", "4000"]
    assert opportunity_pages[0].headers["Sforce-Query-Options"] == "batchSize=2000"
    assert opportunity_pages[0].query["q"] == (
        "SELECT Id, Name, AccountId, OwnerId, Amount, CloseDate, StageName, Probability, IsClosed, IsWon, "
        "SystemModstamp, CurrencyIsoCode FROM Opportunity ORDER BY SystemModstamp")
    assert all(r.path.startswith(f"/services/data/v{API_VERSION}/") for r in standin.requests)
    assert connector.calls == 1 + 3  # the stage table, then three batches


def test_a_pull_fetches_the_next_batch_only_when_the_caller_gets_there(standin, org):
    for n in range(4100):
        standin.add_opportunity(f"Deal {n}", account_id=org.acme, owner_id=org.bram, amount=1, close_date=None)
    connector = connect(standin)

    deals = connector.pull_deals(None)
    next(deals)
    assert connector.calls == 2  # the stage table and the first batch of 2,000
    for _ in range(2000):
        next(deals)
    assert connector.calls == 3


def test_tasks_owners_and_accounts_are_pulled_with_what_they_belong_to(standin, org):
    on_account = standin.add_task("Plan the yearly review", what_id=org.globex, owner_id=org.bram,
                                  activity_date=None)
    done = standin.add_task("Call back", what_id=org.deal, owner_id=org.carla, activity_date="2026-11-20",
                            status="Completed")
    standin.add_user("Former Rep", "former@acme.example", active=False)
    connector = connect(standin)

    tasks = {task.id: task for task in connector.pull_tasks(None)}
    owners = list(connector.pull_owners())
    companies = list(connector.pull_companies(None))

    task = tasks[org.task]
    assert (task.subject, task.deal_id, task.company_id, task.owner_id, task.done) == (
        "Send the quote", org.deal, org.acme, org.carla, False)
    assert task.due_at == datetime(2026, 12, 1, tzinfo=UTC) and task.modified_at == T0
    assert (tasks[on_account].deal_id, tasks[on_account].company_id, tasks[on_account].due_at) == (
        None, org.globex, None)
    assert tasks[done].done is True
    assert {(o.id, o.email, o.name) for o in owners} == {
        (org.carla, "carla@acme.example", "Carla Jansen"), (org.bram, "b.bakker@acme.example", "Bram Bakker")}
    assert {(c.id, c.name, c.owner_id, c.modified_at) for c in companies} == {
        (org.acme, "Acme", org.carla, T0), (org.globex, "Globex", org.bram, T0)}


def test_a_pull_since_a_time_asks_for_and_yields_only_what_changed_since(standin, org):
    other = standin.add_opportunity("Globex racking", account_id=org.globex, owner_id=org.bram, amount=9000,
                                    close_date="2027-05-01")
    standin.now = LATER
    standin.edit(org.deal, Amount=Decimal("450000"), StageName="Proposal/Price Quote")
    standin.edit(org.task, Status="Completed")
    connector = connect(standin)

    deals = list(connector.pull_deals(LATER.astimezone(AMSTERDAM)))
    tasks = list(connector.pull_tasks(LATER))
    companies = list(connector.pull_companies(LATER))

    assert [(d.id, d.amount, d.stage, d.probability, d.modified_at) for d in deals] == [
        (org.deal, Decimal("450000"), "Proposal/Price Quote", 75, LATER)]
    assert other not in {d.id for d in deals}
    assert [(t.id, t.done) for t in tasks] == [(org.task, True)]
    assert companies == []
    assert "WHERE SystemModstamp >= 2026-11-25T10:00:00Z ORDER BY SystemModstamp" in queries(
        standin, "Opportunity")[0]


def test_deleted_records_and_deactivated_users_are_removed_and_no_longer_pulled(standin, org):
    standin.now = LATER
    standin.delete(org.deal)
    standin.delete(org.task)
    standin.edit(org.bram, IsActive=False)
    connector = connect(standin)

    assert list(connector.removed("deals", LATER)) == [org.deal]
    assert list(connector.removed("tasks", LATER)) == [org.task]
    assert list(connector.removed("companies", LATER)) == []
    assert list(connector.removed("owners", LATER)) == [org.bram]
    assert list(connector.removed("deals", LATER + timedelta(seconds=1))) == []
    assert org.deal not in {d.id for d in connector.pull_deals(None)}
    assert org.task not in {t.id for t in connector.pull_tasks(None)}
    deleted = [r for r in standin.requests if "IsDeleted = true" in r.query.get("q", "")]
    assert deleted and all("/queryAll" in r.path for r in deleted)
    assert queries(standin, "User")[0] == "SELECT Id FROM User WHERE IsActive = false AND SystemModstamp >= " \
                                          "2026-11-25T10:00:00Z"


def test_a_missing_amount_close_date_or_probability_is_yielded_as_none_or_the_stage_default(standin, org):
    bare = standin.add_opportunity("No figures yet", account_id=None, owner_id=org.bram, amount=None,
                                   close_date=None, stage="Value Proposition", Probability=None)

    deal = next(d for d in connect(standin).pull_deals(None) if d.id == bare)

    assert (deal.amount, deal.close_date, deal.company_id) == (None, None, None)
    assert deal.probability == 50  # the stage's default


def test_a_stage_whose_label_differs_from_its_api_name_is_shown_by_label_and_written_by_api_name(standin, org):
    standin.add_stage("Contract sent", 85, api_name="Contract_Sent")
    connector = connect(standin)

    connector.update_deal(org.deal, DealUpdate(stage="Contract sent"))
    deal = next(d for d in connector.pull_deals(None) if d.id == org.deal)

    assert standin.of("PATCH")[0].body == {"StageName": "Contract_Sent"}
    assert (deal.stage, deal.probability) == ("Contract sent", 85)


def test_an_org_without_multiple_currencies_is_asked_once_and_pulled_without_currency(standin, org):
    standin.multi_currency = False
    connector = connect(standin)

    first = list(connector.pull_deals(None))
    again = list(connector.pull_deals(None))

    assert [(d.id, d.currency, d.amount) for d in first] == [(org.deal, None, Decimal("420000"))] == [
        (d.id, d.currency, d.amount) for d in again]
    statuses = [r.status for r in standin.requests if "FROM Opportunity ORDER" in r.query.get("q", "")]
    assert statuses == [400, 200, 200]  # INVALID_FIELD once, then without CurrencyIsoCode
    assert "CurrencyIsoCode" not in queries(standin, "Opportunity")[-1]


@pytest.mark.parametrize(("deals", "tasks"), [(0, 0), (1, 1999), (2000, 2000), (2001, 4001), (4500, 6000)])
def test_a_full_pull_makes_the_fewest_calls_the_batch_size_allows(standin, org, deals, tasks):
    for n in range(deals - 1):  # the org has one already
        standin.add_opportunity(f"Deal {n}", account_id=org.acme, owner_id=org.carla, amount=n, close_date=None)
    for n in range(tasks - 1):
        standin.add_task(f"Task {n}", what_id=org.deal, owner_id=org.carla, activity_date=None)
    if deals == 0:
        standin.delete(org.deal)
    if tasks == 0:
        standin.delete(org.task)
    connector = connect(standin)

    counts = (sum(1 for _ in connector.pull_owners()), sum(1 for _ in connector.pull_companies(None)),
              sum(1 for _ in connector.pull_deals(None)), sum(1 for _ in connector.pull_tasks(None)))
    removed = [sum(1 for _ in connector.removed(kind, None)) for kind in ("owners", "companies", "deals", "tasks")]

    assert counts == (2, 2, deals, tasks)
    batches = sum(max(1, math.ceil(n / 2000)) for n in (2, 2, deals, tasks, *removed))
    assert connector.calls == batches + 1  # and the stage table, read once


# --- pushes ---

def test_a_deal_update_patches_the_opportunity_and_the_next_pull_sees_it(standin, org):
    connector = connect(standin)
    standin.now = LATER

    connector.update_deal(org.deal, DealUpdate(stage="Closed Won", amount=Decimal("415000.10"), probability=100,
                                               close_date=date(2026, 12, 15)))
    connector.update_deal(org.deal, DealUpdate())  # nothing to change: no request
    deals = list(connector.pull_deals(LATER))

    [patch] = standin.of("PATCH")
    assert patch.path == f"/services/data/v{API_VERSION}/sobjects/Opportunity/{org.deal}" and patch.status == 204
    assert patch.body == {"StageName": "Closed Won", "Amount": 415000.1, "Probability": 100,
                          "CloseDate": "2026-12-15"}
    assert [(d.id, d.stage, d.amount, d.probability, d.close_date, d.closed, d.won, d.modified_at)
            for d in deals] == [(org.deal, "Closed Won", Decimal("415000.1"), 100, date(2026, 12, 15), True, True,
                                 LATER)]


def test_a_note_is_added_to_the_opportunity(standin, org):
    note_id = connect(standin).add_note(org.deal, "Visit went well: DMU known.\nNext: the quote.", at=LATER)

    [post] = standin.of("POST")
    assert post.path == f"/services/data/v{API_VERSION}/sobjects/Note/" and post.status == 201
    assert post.body == {"ParentId": org.deal, "Title": "2026-11-25 Visit went well: DMU known.",
                         "Body": "Visit went well: DMU known.\nNext: the quote."}
    assert standin.record(note_id)["ParentId"] == org.deal


def test_a_task_is_created_completed_and_moved_and_the_next_pull_sees_each(standin, org):
    connector = connect(standin)
    standin.now = LATER
    due = datetime(2026, 12, 8, 0, 30, tzinfo=AMSTERDAM)  # 7 December in UTC: the rep's own date counts

    task_id = connector.create_task(TaskDraft(owner_id=org.carla, subject="Call about the quote", due_at=due,
                                              deal_id=org.deal, body="Ask who signs."))
    created = next(t for t in connector.pull_tasks(LATER) if t.id == task_id)
    standin.now = LATER + timedelta(hours=1)
    connector.move_task(task_id, datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
    moved = next(t for t in connector.pull_tasks(standin.now) if t.id == task_id)
    connector.complete_task(task_id)
    completed = next(t for t in connector.pull_tasks(standin.now) if t.id == task_id)

    [post] = standin.of("POST")
    assert post.path.endswith("/sobjects/Task/") and post.body == {
        "Subject": "Call about the quote", "ActivityDate": "2026-12-08", "Status": "Not Started",
        "OwnerId": org.carla, "WhatId": org.deal, "Description": "Ask who signs."}
    assert [p.body for p in standin.of("PATCH")] == [{"ActivityDate": "2026-12-10"}, {"Status": "Completed"}]
    assert all(p.path.endswith(f"/sobjects/Task/{task_id}") for p in standin.of("PATCH"))
    assert (created.deal_id, created.company_id, created.owner_id, created.done, created.due_at) == (
        org.deal, org.acme, org.carla, False, datetime(2026, 12, 8, tzinfo=UTC))
    assert (moved.due_at, moved.done) == (datetime(2026, 12, 10, tzinfo=UTC), False)
    assert (completed.done, completed.modified_at) == (True, LATER + timedelta(hours=1))


def test_many_updates_go_in_sobject_collections_of_at_most_200_and_refusals_are_per_record(standin, org):
    deals = [standin.add_opportunity(f"Deal {n}", account_id=org.acme, owner_id=org.carla, amount=n,
                                     close_date=None) for n in range(150)]
    tasks = [standin.add_task(f"Task {n}", what_id=org.deal, owner_id=org.carla, activity_date=None)
             for n in range(100)]
    connector = connect(standin)
    gone = deals[0]
    standin.delete(gone)

    refused = connector.update_many(
        deals={deal: DealUpdate(amount=Decimal(7)) for deal in deals},
        completed_tasks=tasks, moved_tasks={tasks[0]: datetime(2027, 1, 5, tzinfo=UTC)})

    patches = standin.of("PATCH", "/composite/sobjects")
    assert [len(p.body["records"]) for p in patches] == [200, 50] and connector.calls == 2
    assert all(p.body["allOrNone"] is False for p in patches)
    assert list(refused) == [gone] and isinstance(refused[gone], CrmRejected)
    assert standin.record(deals[1])["Amount"] == 7 and standin.record(tasks[-1])["IsClosed"] is True
    assert (standin.record(tasks[0])["ActivityDate"], standin.record(tasks[0])["Status"]) == (
        "2027-01-05", "Completed")


def test_several_tasks_are_created_in_one_collection(standin, org):
    drafts = [TaskDraft(owner_id=org.carla, subject=f"Follow up {n}", due_at=datetime(2026, 12, n, tzinfo=UTC),
                        deal_id=org.deal) for n in (1, 2)]
    drafts.append(TaskDraft(owner_id=None, subject="On a deal that is gone", due_at=LATER, deal_id="006000000000000"))
    connector = connect(standin)

    created = connector.create_tasks(drafts)

    [post] = standin.of("POST", "/composite/sobjects")
    assert [r["attributes"] for r in post.body["records"]] == [{"type": "Task"}] * 3
    assert standin.record(created[0])["Subject"] == "Follow up 1"
    assert standin.record(created[1])["ActivityDate"] == "2026-12-02"
    assert isinstance(created[2], CrmRejected) and "FIELD_INTEGRITY_EXCEPTION" in str(created[2])
    assert connector.calls == 1


# --- signing in ---

def test_a_username_password_and_security_token_log_in_through_soap(standin, org):
    connector = connect(standin, username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN)

    companies = list(connector.pull_companies(None))

    login, query = standin.requests
    assert (login.method, login.path) == ("POST", f"/services/Soap/u/{API_VERSION}") and login.status == 200
    assert login.headers["SOAPAction"] == "login" and f"<n1:username>{USERNAME}</n1:username>" in login.body
    assert query.headers["Authorization"].startswith("Bearer 00D") and standin.token not in query.headers[
        "Authorization"]
    assert len(companies) == 2 and connector.calls == 2


def test_an_expired_login_session_is_renewed_once(standin, org):
    connector = connect(standin, username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN)
    list(connector.pull_companies(None))
    standin.expire_sessions()

    assert len(list(connector.pull_companies(None))) == 2
    assert [r.status for r in standin.requests] == [200, 200, 401, 200, 200]  # login, query, refused, login, query


def test_a_refused_login_names_salesforce_and_what_to_check_without_the_password(standin, org):
    connector = connect(standin, username=USERNAME, password="wrong", security_token=SECURITY_TOKEN)

    with pytest.raises(CrmAuthError) as refused:
        connector.check()

    message = str(refused.value)
    assert "Salesforce refused the login of integration@acme.example" in message
    assert "INVALID_LOGIN" in message and "security token" in message and "API Enabled" in message
    assert "wrong" not in message and SECURITY_TOKEN not in message


def test_a_refused_access_token_names_salesforce_and_the_connected_apps_permissions(standin, org):
    connector = SalesforceConnector(instance_url=standin.instance_url, access_token="00Dexpired!AQ",
                                    verify=standin.ca_file, sleep=_never_sleep)

    with pytest.raises(CrmAuthError) as refused:
        list(connector.pull_deals(None))

    message = str(refused.value)
    assert message.startswith("Salesforce refused the access token (INVALID_SESSION_ID: Session expired or invalid)")
    assert "connected app" in message and "'api' OAuth scope" in message and "API Enabled" in message
    assert "00Dexpired" not in message
    assert [r.status for r in standin.requests] == [401]


def test_credentials_that_are_neither_token_nor_login_are_refused_at_once():
    with pytest.raises(ValueError, match="instance URL with an access token"):
        SalesforceConnector(instance_url="https://acme.my.salesforce.com")


# --- limits and faults ---

def test_a_429_is_waited_out_as_retry_after_says_and_tried_once_more(standin, org, waits):
    standin.fail(429, retry_after=7, match="FROM Account")
    connector = connect(standin, waits)

    assert len(list(connector.pull_companies(None))) == 2
    assert waits == [7.0]
    assert [r.status for r in standin.requests] == [429, 200] and connector.calls == 2


def test_a_429_longer_than_max_wait_or_twice_or_without_retry_after_raises_rate_limited(standin, org, waits):
    connector = connect(standin, waits)

    standin.fail(429, retry_after=MAX_WAIT + 1)
    with pytest.raises(CrmRateLimited) as too_long:
        connector.check()
    standin.fail(429, retry_after=2, times=2)
    with pytest.raises(CrmRateLimited) as twice:
        connector.check()
    standin.fail(429)
    with pytest.raises(CrmRateLimited) as unsaid:
        connector.check()

    assert (too_long.value.retry_after, twice.value.retry_after, unsaid.value.retry_after) == (MAX_WAIT + 1, 2, None)
    assert waits == [2.0]
    assert "Salesforce is rate limiting" in str(too_long.value)


def test_the_daily_request_limit_raises_rate_limited_without_a_retry_time(standin, org):
    standin.daily_max, standin.api_used = 100, 100

    with pytest.raises(CrmRateLimited) as exhausted:
        list(connect(standin).pull_owners())

    assert exhausted.value.retry_after is None and "daily API request limit" in str(exhausted.value)
    assert [r.status for r in standin.requests] == [403]


def test_a_server_error_even_mid_pull_is_unavailable(standin, org):
    for n in range(2500):
        standin.add_task(f"Task {n}", what_id=org.deal, owner_id=org.carla, activity_date=None)
    standin.fail(500, match="/query/01g")
    tasks = connect(standin).pull_tasks(None)

    with pytest.raises(CrmUnavailable, match="Salesforce answered 500"):
        for _ in tasks:
            pass


def test_a_salesforce_that_cannot_be_reached_is_unavailable(standin):
    url = standin.instance_url
    standin.stop()
    connector = SalesforceConnector(instance_url=url, access_token="x", verify=standin.ca_file, timeout=5)

    with pytest.raises(CrmUnavailable, match="could not be reached"):
        connector.check()
    assert connector.calls == 1


def test_an_unknown_record_or_stage_is_rejected(standin, org):
    connector = connect(standin)
    standin.delete(org.task)

    with pytest.raises(CrmRejected, match="NOT_FOUND"):
        connector.complete_task(org.task)
    with pytest.raises(CrmRejected, match="INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Stage: bad value"):
        connector.update_deal(org.deal, DealUpdate(stage="Somewhere"))
    assert [r.status for r in standin.requests if r.method == "PATCH"] == [404, 400]


def test_usage_reads_the_last_answers_limit_header_else_the_limits_resource(standin, org):
    connector = connect(standin)

    first = connector.usage()
    list(connector.pull_owners())
    after_pull = connector.usage()

    assert first == ApiUsage(used=1, limit=15000)
    assert [r.path for r in standin.requests][0] == f"/services/data/v{API_VERSION}/limits/"
    assert after_pull == ApiUsage(used=2, limit=15000) and connector.calls == 2


def test_no_token_password_or_session_reaches_the_logs(standin, org, caplog, waits):
    caplog.set_level(logging.DEBUG)
    by_login = connect(standin, waits, username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN)
    by_token = connect(standin, waits)
    standin.fail(429, retry_after=1, match="FROM Task")

    for connector in (by_login, by_token):
        list(connector.pull_owners())
        list(connector.pull_companies(None))
        list(connector.pull_deals(None))
        list(connector.pull_tasks(None))
        list(connector.removed("deals", T0))
        connector.update_deal(org.deal, DealUpdate(amount=Decimal(1)))
        connector.add_note(org.deal, "Noted", at=T0)
    with pytest.raises(CrmAuthError):
        connect(standin, username=USERNAME, password="wrong-" + PASSWORD, security_token=SECURITY_TOKEN).check()

    sessions = {r.headers["Authorization"].removeprefix("Bearer ") for r in standin.requests
                if "Authorization" in r.headers}
    assert standin.token in sessions and len(sessions) == 2
    assert "salesforce query: SELECT" in caplog.text and "rate limited" in caplog.text  # the logs were captured
    for secret in (*sessions, PASSWORD, SECURITY_TOKEN):
        assert secret not in caplog.text


def test_check_reads_the_resource_list_which_needs_no_permission_beyond_the_api(standin):
    connect(standin).check()

    assert [(r.path, r.status) for r in standin.requests] == [(f"/services/data/v{API_VERSION}/", 200)]


def test_usage_without_view_setup_permission_reads_the_header_of_a_cheap_call(standin):
    standin.view_setup = False

    assert connect(standin).usage() == ApiUsage(used=2, limit=15000)
    assert [r.status for r in standin.requests] == [403, 200]


def test_a_login_server_that_fails_is_unavailable_and_one_that_limits_is_rate_limited(standin):
    def login() -> SalesforceConnector:
        return connect(standin, username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN)

    standin.fail(503, match="/services/Soap/u/")
    with pytest.raises(CrmUnavailable, match="Salesforce's login answered 503"):
        login().check()
    standin.fail(429, retry_after=3, match="/services/Soap/u/")
    with pytest.raises(CrmRateLimited) as limited:
        login().check()

    assert limited.value.retry_after == 3
