"""The HubSpot connector on HubSpot's own SDK, against the stand-in of HubSpot's API: what it pulls, what it
sends, how it pages, and what it makes of HubSpot's errors."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from math import ceil
from zoneinfo import ZoneInfo

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
from crm.hubspot import ASSOCIATION_BATCH, LIST_PAGE, OWNERS_PAGE, SEARCH_PAGE, HubSpotConnector
from tests.crm.hubspot_standin import HubSpotStandIn

SEARCH = "/crm/v3/objects/deals/search"


@pytest.fixture
def waits() -> list[float]:
    """The seconds the connector waited: it is handed `append` instead of sleeping."""
    return []


@pytest.fixture
def connector(hubspot: HubSpotStandIn, waits: list[float]) -> HubSpotConnector:
    return HubSpotConnector(hubspot.token, hubspot.url, sleep=waits.append)


def later(hubspot: HubSpotStandIn, **delta: float) -> datetime:
    """Moves the stand-in's clock on by `delta` and answers the new time."""
    hubspot.now += timedelta(**delta)
    return hubspot.now


# pulling


def test_a_first_pull_pages_through_the_deals_and_resolves_their_companies(hubspot, connector) -> None:
    owner = hubspot.add_owner("carla@example.com", "Carla", "Jansen")
    acme, globex = hubspot.add_company("Acme"), hubspot.add_company("Globex")
    ids = [hubspot.add_deal(f"Deal {i}", company_id=acme if i % 2 else globex, owner_id=owner,
                            amount=f"{1000 + i}.50", stage="presentationscheduled") for i in range(450)]
    shared = hubspot.add_deal("Two companies", company_id=globex)
    hubspot.associate("deals", shared, "companies", acme)  # acme too, but globex stays the primary one

    deals = {deal.id: deal for deal in connector.pull_deals(None)}

    assert sorted(deals) == sorted([*ids, shared])
    first = deals[ids[1]]
    assert (first.title, first.company_id, first.owner_id) == ("Deal 1", acme, owner)
    assert (first.amount, first.close_date, first.currency) == (Decimal("1001.50"), date(2027, 3, 31), None)
    assert (first.stage, first.probability, first.closed, first.won) == ("Presentation Scheduled", 60, False, False)
    assert first.modified_at == hubspot.now and first.modified_at.tzinfo is not None
    assert deals[ids[0]].company_id == globex and deals[shared].company_id == globex
    searches = hubspot.of("POST", SEARCH)
    assert [s.body.get("after") for s in searches] == [None, "200", "400"]
    assert {s.body["limit"] for s in searches} == {SEARCH_PAGE}
    assert searches[0].body["sorts"] == [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]
    assert "filterGroups" not in searches[0].body
    [associations] = hubspot.of("POST", "/crm/v4/associations/deals/companies/batch/read")
    assert len(associations.body["inputs"]) == 451
    assert connector.calls == len(hubspot.requests) == 1 + 3 + 1  # pipelines, three pages, one association batch


def test_deals_map_hubspot_fields_to_the_records(hubspot, connector) -> None:
    won = hubspot.add_deal("Won", stage="closedwon", deal_currency_code="EUR")
    lost = hubspot.add_deal("Lost", stage="closedlost")
    own = hubspot.add_deal("Own chance", stage="qualifiedtobuy", hs_deal_stage_probability="0.35")
    forecast = hubspot.add_deal("Forecast", stage="qualifiedtobuy", hs_forecast_probability="0.55")
    bare = hubspot.add_deal("Stage only", stage="contractsent", hs_deal_stage_probability=None, hs_is_closed=None,
                            hs_is_closed_won=None)
    unknown = hubspot.add_deal("Archived stage", stage="retired-stage")
    missing = hubspot.add_deal("", amount=None, close_date=None)

    deals = {deal.id: deal for deal in connector.pull_deals(None)}

    assert (deals[won].closed, deals[won].won, deals[won].probability, deals[won].currency) == (True, True, 100, "EUR")
    assert (deals[lost].closed, deals[lost].won, deals[lost].probability) == (True, False, 0)
    assert deals[own].probability == 35  # the deal's own hs_deal_stage_probability
    assert deals[forecast].probability == 55  # the rep's forecast probability before both
    assert (deals[bare].probability, deals[bare].closed, deals[bare].stage) == (90, False, "Contract Sent")
    assert (deals[unknown].stage, deals[unknown].probability) == ("retired-stage", None)
    assert (deals[missing].amount, deals[missing].close_date, deals[missing].title) == (None, None, "")


def test_close_dates_are_days_in_the_accounts_time_zone(hubspot) -> None:
    deal = hubspot.add_deal("Amsterdam", close_date="2027-03-30T22:00:00.000Z")  # midnight 31 March in Amsterdam
    amsterdam = HubSpotConnector(hubspot.token, hubspot.url, timezone=ZoneInfo("Europe/Amsterdam"))

    [pulled] = amsterdam.pull_deals(None)
    amsterdam.update_deal(deal, DealUpdate(close_date=date(2027, 4, 15)))

    assert pulled.close_date == date(2027, 3, 31)
    assert hubspot.of("PATCH")[-1].body == {"properties": {"closedate": "2027-04-15T10:00:00.000Z"}}  # noon there
    assert next(iter(HubSpotConnector(hubspot.token, hubspot.url).pull_deals(None))).close_date == date(2027, 4, 15)


def test_a_pull_since_a_time_yields_only_what_changed_at_or_after_it(hubspot, connector) -> None:
    old = hubspot.add_deal("Old")
    since = later(hubspot, hours=1)
    at_since = hubspot.add_deal("Changed at that moment")
    after = hubspot.add_deal("Changed after", modified=since + timedelta(minutes=5))
    hubspot.add_company("Old company", modified=since - timedelta(seconds=1))
    new_company = hubspot.add_company("New company")

    assert [d.id for d in connector.pull_deals(since)] == [at_since, after]
    assert [c.id for c in connector.pull_companies(since)] == [new_company]
    assert [d.id for d in connector.pull_deals(None)] == [old, at_since, after]
    [first, *_] = hubspot.of("POST", SEARCH)
    assert first.body["filterGroups"] == [{"filters": [
        {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": str(int(since.timestamp() * 1000))}]}]


def test_a_search_past_its_10000_results_searches_again_from_the_last_change_it_saw(hubspot, connector) -> None:
    hubspot.populate(deals=10_050, tasks=0, companies=10)
    order = [r.id for r in hubspot.store.by_change("deals")]
    hubspot.set_modified("deals", order[10_000], hubspot.store.records["deals"][order[9_999]].updated)  # a tie

    pulled = [deal.id for deal in connector.pull_deals(None)]

    assert sorted(pulled) == sorted(order) and len(pulled) == len(set(pulled)) == 10_050
    searches = hubspot.of("POST", SEARCH)
    assert all(int(s.body.get("after") or 0) < 10_000 for s in searches) and all(s.status == 200 for s in searches)
    restart = searches[50]
    cut = hubspot.store.records["deals"][order[9_999]].updated
    assert restart.body.get("after") is None
    assert restart.body["filterGroups"][0]["filters"][0]["value"] == str(int(cut.timestamp() * 1000))
    assert connector.calls == 1 + 51 + 11  # pipelines, 51 search pages, 11 association batches: the minimum


def test_calls_are_the_minimum_the_page_sizes_allow(hubspot, connector) -> None:
    deals, tasks, companies, owners = 1_001, 401, 201, 501
    hubspot.populate(deals=deals, tasks=tasks, companies=companies, owners=owners)

    def calls(pull) -> int:
        before = connector.calls
        for _ in pull:
            pass
        return connector.calls - before

    assert calls(connector.pull_deals(None)) == 1 + ceil(deals / SEARCH_PAGE) + ceil(deals / ASSOCIATION_BATCH)
    assert calls(connector.pull_tasks(None)) == ceil(tasks / SEARCH_PAGE) + 2 * ceil(tasks / ASSOCIATION_BATCH)
    assert calls(connector.pull_companies(None)) == ceil(companies / SEARCH_PAGE)
    assert calls(connector.pull_owners()) == ceil(owners / OWNERS_PAGE)
    assert connector.calls == len(hubspot.requests)


def test_tasks_come_with_their_deal_company_owner_and_due_time(hubspot, connector) -> None:
    owner = hubspot.add_owner("bram@example.com", "Bram", "Bakker")
    acme = hubspot.add_company("Acme")
    deal = hubspot.add_deal("Forklifts", company_id=acme)
    due = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
    open_task = hubspot.add_task("Call Piet", due=due, owner_id=owner, deal_id=deal, company_id=acme)
    done = hubspot.add_task("Send brochure", status="COMPLETED")

    tasks = {task.id: task for task in connector.pull_tasks(None)}

    assert (tasks[open_task].subject, tasks[open_task].due_at, tasks[open_task].owner_id) == ("Call Piet", due, owner)
    assert (tasks[open_task].deal_id, tasks[open_task].company_id, tasks[open_task].done) == (deal, acme, False)
    assert (tasks[done].deal_id, tasks[done].company_id, tasks[done].done) == (None, None, True)


def test_owners_page_and_carry_name_and_email(hubspot, connector) -> None:
    for i in range(OWNERS_PAGE + 1):
        hubspot.add_owner(f"rep{i}@example.com", "Rep", str(i))
    hubspot.add_owner("gone@example.com", "Gone", archived=True)
    nameless = hubspot.add_owner("queue@example.com")

    owners = {owner.id: owner for owner in connector.pull_owners()}

    assert len(owners) == OWNERS_PAGE + 2
    assert owners[nameless].name is None and owners[nameless].email == "queue@example.com"
    assert {o.name for o in owners.values()} >= {"Rep 0", f"Rep {OWNERS_PAGE}"}
    assert [r.query["limit"] for r in hubspot.of("GET", "/crm/v3/owners")] == [[str(OWNERS_PAGE)]] * 2


def test_removed_yields_the_records_archived_since_a_time(hubspot, connector) -> None:
    first, second, kept = hubspot.add_deal("First"), hubspot.add_deal("Second"), hubspot.add_deal("Kept")
    task = hubspot.add_task("Old task")
    companies = [hubspot.add_company(f"Company {i}") for i in range(LIST_PAGE + 1)]
    hubspot.archive("deals", first)
    since = later(hubspot, days=1)
    hubspot.archive("deals", second)
    hubspot.archive("tasks", task)
    for company in companies:
        hubspot.archive("companies", company)
    gone = hubspot.add_owner("left@example.com", archived=True)

    assert list(connector.removed("deals", since)) == [second]
    assert sorted(connector.removed("deals", None)) == sorted([first, second])
    assert list(connector.removed("tasks", since)) == [task]
    assert sorted(connector.removed("companies", since)) == sorted(companies)
    assert list(connector.removed("owners", None)) == [gone]
    assert kept not in connector.removed("deals", None)
    archived_pages = hubspot.of("GET", "/crm/v3/objects/companies")
    assert len(archived_pages) == 2 and archived_pages[0].query["archived"] == ["True"]
    with pytest.raises(ValueError, match="contacts"):
        list(connector.removed("contacts", None))


# pushing


def test_a_deal_update_sends_the_changed_fields_and_the_next_pull_sees_them(hubspot, connector) -> None:
    deal = hubspot.add_deal("Forklifts", amount="420000")
    since = later(hubspot, hours=2)

    connector.update_deal(deal, DealUpdate(stage="contract SENT", amount=Decimal("455000.50"), probability=75,
                                           close_date=date(2027, 4, 15)))
    connector.update_deal(deal, DealUpdate())  # nothing to change: nothing sent

    [patch] = hubspot.of("PATCH")
    assert patch.path == f"/crm/v3/objects/deals/{deal}"
    assert patch.body == {"properties": {"dealstage": "contractsent", "amount": "455000.50",
                                         "hs_forecast_probability": "0.75", "closedate": "2027-04-15T12:00:00.000Z"}}
    [pulled] = connector.pull_deals(since)
    assert (pulled.stage, pulled.amount, pulled.probability) == ("Contract Sent", Decimal("455000.50"), 75)
    assert (pulled.close_date, pulled.modified_at) == (date(2027, 4, 15), since)


def test_a_stage_label_of_several_pipelines_is_the_one_in_the_deals_pipeline(hubspot, connector) -> None:
    hubspot.add_pipeline("renewals", "Renewals", [("renewal-open", "Open", "0.5", False),
                                                  ("renewal-sent", "Contract sent", "0.8", False)])
    deal = hubspot.add_deal("Renewal", stage="renewal-open", pipeline="renewals")

    connector.update_deal(deal, DealUpdate(stage="Contract sent"))

    assert hubspot.of("GET", f"/crm/v3/objects/deals/{deal}")[0].query["properties"] == ["pipeline"]
    assert hubspot.of("PATCH")[0].body == {"properties": {"dealstage": "renewal-sent"}}
    assert hubspot.record("deals", deal)["hs_deal_stage_probability"] == "0.8"


def test_an_unknown_stage_is_refused_before_anything_is_sent(hubspot, connector) -> None:
    deal = hubspot.add_deal("Forklifts")

    with pytest.raises(CrmRejected, match="no deal stage 'Negotiation'.*Contract Sent"):
        connector.update_deal(deal, DealUpdate(stage="Negotiation", amount=Decimal(5)))

    assert hubspot.of("PATCH") == []


def test_several_deal_updates_go_in_batches_of_a_hundred(hubspot, connector) -> None:
    deals = [hubspot.add_deal(f"Deal {i}") for i in range(150)]
    since = later(hubspot, minutes=1)

    connector.update_deals({deal: DealUpdate(amount=Decimal(i)) for i, deal in enumerate(deals)})

    batches = hubspot.of("POST", "/crm/v3/objects/deals/batch/update")
    assert [len(b.body["inputs"]) for b in batches] == [100, 50]
    assert batches[0].body["inputs"][3] == {"id": deals[3], "properties": {"amount": "3"}}
    assert {d.id: d.amount for d in connector.pull_deals(since)} == {d: Decimal(i) for i, d in enumerate(deals)}


def test_a_batch_names_the_deals_hubspot_refused_and_writes_the_others(hubspot, connector) -> None:
    deal, other = hubspot.add_deal("Here"), hubspot.add_deal("Also here")

    with pytest.raises(CrmRejected, match="Could not get some DEALS objects"):
        connector.update_deals({deal: DealUpdate(amount=Decimal(7)), "999999": DealUpdate(amount=Decimal(8)),
                                other: DealUpdate(amount=Decimal(9))})

    assert (hubspot.record("deals", deal)["amount"], hubspot.record("deals", other)["amount"]) == ("7", "9")


def test_one_update_in_a_batch_is_sent_alone(hubspot, connector) -> None:
    deal = hubspot.add_deal("Alone")

    connector.update_deals({deal: DealUpdate(probability=40), "1": DealUpdate()})

    assert [r.method for r in hubspot.requests] == ["PATCH"]


def test_a_note_is_added_to_the_deal_in_one_request(hubspot, connector) -> None:
    deal = hubspot.add_deal("Forklifts")
    at = datetime(2026, 11, 24, 15, 45, 12, 345678, tzinfo=ZoneInfo("Europe/Amsterdam"))

    note = connector.add_note(deal, "Visit went well: <3 forklifts>\nNext: quote by Friday", at)

    [post] = hubspot.of("POST", "/crm/v3/objects/notes")
    assert post.body == {
        "properties": {"hs_note_body": "Visit went well: &lt;3 forklifts&gt;<br>Next: quote by Friday",
                       "hs_timestamp": "2026-11-24T14:45:12.345Z"},
        "associations": [{"to": {"id": deal},
                          "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 214}]}]}
    assert hubspot.associated_ids("notes", note, "deals") == {deal: [214]}
    assert connector.calls == 1


def test_a_follow_up_becomes_a_task_for_the_owner_on_the_deal(hubspot, connector) -> None:
    owner = hubspot.add_owner("carla@example.com", "Carla", "Jansen")
    deal = hubspot.add_deal("Forklifts")
    due = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    since = later(hubspot, minutes=10)

    task = connector.create_task(TaskDraft(owner_id=owner, subject="Send the quote", due_at=due, deal_id=deal,
                                           body="Two options:\n- lease\n- buy"))
    loose = connector.create_task(TaskDraft(owner_id=None, subject="Think", due_at=due, deal_id=None))

    post = hubspot.of("POST", "/crm/v3/objects/tasks")[0]
    assert post.body == {
        "properties": {"hs_task_subject": "Send the quote", "hs_timestamp": "2026-12-08T09:00:00.000Z",
                       "hs_task_status": "NOT_STARTED", "hs_task_body": "Two options:<br>- lease<br>- buy",
                       "hubspot_owner_id": owner},
        "associations": [{"to": {"id": deal},
                          "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 216}]}]}
    assert hubspot.associated_ids("tasks", task, "deals") == {deal: [216]}
    pulled = {t.id: t for t in connector.pull_tasks(since)}
    assert (pulled[task].deal_id, pulled[task].owner_id, pulled[task].due_at, pulled[task].done) == (
        deal, owner, due, False)
    assert (pulled[loose].deal_id, pulled[loose].owner_id) == (None, None)


def test_done_and_snoozed_tasks_are_written_back(hubspot, connector) -> None:
    done, snoozed = hubspot.add_task("Call Piet"), hubspot.add_task("Call Kees")
    since = later(hubspot, hours=1)
    moved = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)

    connector.complete_task(done)
    connector.move_task(snoozed, moved)

    assert [p.body for p in hubspot.of("PATCH")] == [{"properties": {"hs_task_status": "COMPLETED"}},
                                                     {"properties": {"hs_timestamp": "2026-12-15T08:00:00.000Z"}}]
    pulled = {t.id: t for t in connector.pull_tasks(since)}
    assert pulled[done].done and pulled[snoozed].due_at == moved


def test_hubspot_refusing_a_write_is_a_rejection_with_its_message(hubspot, connector) -> None:
    deal = hubspot.add_deal("Forklifts")

    with pytest.raises(CrmRejected, match=r"POST /crm/v3/objects/tasks \(400\).*'nobody' is not a valid owner id"):
        connector.create_task(TaskDraft(owner_id="nobody", subject="x", due_at=hubspot.now, deal_id=deal))
    with pytest.raises(CrmRejected, match=r"PATCH /crm/v3/objects/tasks/424242 \(404\)"):
        connector.complete_task("424242")


def test_times_without_a_zone_are_refused(connector) -> None:
    with pytest.raises(ValueError, match="time zone"):
        connector.move_task("1", datetime(2026, 12, 1, 9, 0))


# HubSpot's errors


def test_a_refused_token_is_an_auth_error_that_says_what_to_check(hubspot) -> None:
    wrong = "pat-na1-00000000-dead-beef-0000-000000000000"
    connector = HubSpotConnector(wrong, hubspot.url)

    with pytest.raises(CrmAuthError) as refused:
        connector.check()
    with pytest.raises(CrmAuthError):
        next(connector.pull_deals(None))

    message = str(refused.value)
    assert "HubSpot" in message and "HUBSPOT_ACCESS_TOKEN" in message and "private app" in message
    assert "Authentication credentials not found" in message and "crm.objects.deals.read" in message
    assert wrong not in message
    assert hubspot.requests[0].headers["Authorization"] == f"Bearer {wrong}" and hubspot.requests[0].status == 401
    with pytest.raises(CrmAuthError, match="empty"):
        HubSpotConnector("", hubspot.url)


def test_a_missing_scope_is_an_auth_error_naming_the_scope(hubspot, connector) -> None:
    hubspot.scopes.discard("crm.objects.deals.read")

    with pytest.raises(CrmAuthError, match=r"(?s)private app's scopes.*it needs crm\.objects\.deals\.read\.$"):
        list(connector.pull_deals(None))


def test_a_429_is_waited_out_as_retry_after_says_then_tried_once_more(hubspot, connector, waits) -> None:
    deal = hubspot.add_deal("Forklifts")
    hubspot.fail(429, path=SEARCH, retry_after="3")

    assert [d.id for d in connector.pull_deals(None)] == [deal]

    assert waits == [3.0]
    assert [r.status for r in hubspot.of("POST", SEARCH)] == [429, 200]
    assert connector.calls == 4  # pipelines, the refused search, the search again, the associations


def test_a_wait_longer_than_max_wait_is_not_waited(hubspot, connector, waits) -> None:
    hubspot.fail(429, retry_after=str(int(MAX_WAIT) + 1))

    with pytest.raises(CrmRateLimited, match="TEN_SECONDLY_ROLLING") as limited:
        connector.check()

    assert (limited.value.retry_after, waits, len(hubspot.requests)) == (MAX_WAIT + 1, [], 1)


def test_a_second_429_or_one_without_retry_after_is_raised(hubspot, connector, waits) -> None:
    hubspot.fail(429, times=2, retry_after="1")
    with pytest.raises(CrmRateLimited) as twice:
        connector.check()
    hubspot.fail(429)
    with pytest.raises(CrmRateLimited) as unsaid:
        connector.check()

    assert (twice.value.retry_after, unsaid.value.retry_after, waits) == (1.0, None, [1.0])
    assert [r.status for r in hubspot.requests] == [429, 429, 429]


def test_a_server_error_is_unavailable_and_not_retried(hubspot, connector) -> None:
    hubspot.fail(500)

    with pytest.raises(CrmUnavailable, match=r"HubSpot answered 500 to GET /crm/v3/owners/ \(internal error\); try"):
        list(connector.pull_owners())

    assert len(hubspot.requests) == connector.calls == 1


def test_hubspot_out_of_reach_is_unavailable(hubspot, connector) -> None:
    hubspot.stop()

    with pytest.raises(CrmUnavailable, match=rf"HubSpot could not be reached at {hubspot.url}"):
        connector.check()
    assert connector.calls == 1


def test_usage_is_the_daily_allowance_hubspot_reports(hubspot, connector) -> None:
    assert connector.usage() == ApiUsage(used=1, limit=500_000)  # one call to learn it
    list(connector.pull_owners())
    assert connector.usage() == ApiUsage(used=2, limit=500_000)  # from the last answer, no call
    assert connector.calls == 2
    assert [r.query for r in hubspot.of("GET", "/crm/v3/owners")][0] == {"limit": ["1"]}


def test_the_token_never_reaches_the_logs(hubspot, connector, caplog, waits) -> None:
    owner = hubspot.add_owner("carla@example.com", "Carla", "Jansen")
    deal = hubspot.add_deal("Forklifts", owner_id=owner, company_id=hubspot.add_company("Acme"))
    hubspot.add_task("Call Piet", deal_id=deal)
    hubspot.fail(429, path="/crm/v3/objects/tasks/search", retry_after="2")
    for name in ["crm", "hubspot", "urllib3", *logging.root.manager.loggerDict]:
        if name.split(".")[0] in ("crm", "hubspot", "urllib3"):
            caplog.set_level(logging.DEBUG, logger=name)

    list(connector.pull_owners())
    list(connector.pull_companies(None))
    list(connector.pull_deals(None))
    list(connector.pull_tasks(None))
    connector.update_deal(deal, DealUpdate(amount=Decimal(1)))
    connector.add_note(deal, "Went well", hubspot.now)
    with pytest.raises(CrmRejected):
        connector.complete_task("424242")

    assert "response body" in caplog.text and "waiting 2.0 s" in caplog.text  # the SDK's and our own lines
    assert hubspot.token not in caplog.text
    assert all(r.headers["Authorization"] == f"Bearer {hubspot.token}" for r in hubspot.requests)
