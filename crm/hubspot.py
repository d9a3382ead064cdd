"""The HubSpot connector, on HubSpot's own SDK (`hubspot-api-client`): CRM v3 objects and their search, owners,
deal pipelines and v4 associations, with a private app's access token.

A pull searches on `hs_lastmodifieddate` (at or after `since`, oldest change first, 200 a page, the most a search
answers) and reads the associations of up to 1,000 records in one batch, so it holds five pages at most. A search
answers at most 10,000 results; past them the pull searches again from the last modified time it saw.
Calls per operation, with N records: deals 1 + ⌈N/200⌉ + ⌈N/1000⌉ (pipelines, search pages, deal→company),
tasks ⌈N/200⌉ + 2⌈N/1000⌉ (task→deal and task→company), companies ⌈N/200⌉, owners ⌈N/500⌉ (searches past
10,000 results: a page more per 10,000), removed ⌈archived/100⌉ (owners ⌈archived/500⌉); each push one request,
a batch of deal updates one per 100 deals.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from itertools import islice
from typing import get_args

from hubspot import HubSpot
from hubspot.crm.associations.v4 import (
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicFetchAssociationsBatchRequest,
)
from hubspot.crm.objects import (
    AssociationSpec,
    BatchInputSimplePublicObjectBatchInput,
    Filter,
    FilterGroup,
    PublicAssociationsForObject,
    PublicObjectId,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from urllib3.util.retry import Retry

from crm import hubspot_records as records
from crm.connector import (
    ApiUsage,
    CrmAuthError,
    CrmCompany,
    CrmDeal,
    CrmError,
    CrmOwner,
    CrmRejected,
    CrmTask,
    DealUpdate,
    Kind,
    TaskDraft,
    holds_marker,
)
from crm.hubspot_http import Meter, metered
from crm.hubspot_records import Stage

API_URL = "https://api.hubapi.com"
SEARCH_PAGE = 200  # the most a search answers per page
SEARCH_CAP = 10_000  # the most results one search query pages through
LIST_PAGE = 100  # the most a list of records answers per page (archived records)
OWNERS_PAGE = 500
ASSOCIATION_BATCH = 1_000  # ids per v4 batch read
UPDATE_BATCH = 100  # records per batch update
NOTE_TO_DEAL, TASK_TO_DEAL = 214, 216  # HubSpot's association type ids

COMPANY_PROPERTIES = ["name", "domain", "hubspot_owner_id", "hs_lastmodifieddate"]
DEAL_PROPERTIES = ["dealname", "amount", "deal_currency_code", "closedate", "dealstage", "pipeline",
                   "hs_forecast_probability", "hs_deal_stage_probability", "hs_is_closed", "hs_is_closed_won",
                   "hubspot_owner_id", "hs_lastmodifieddate"]
TASK_PROPERTIES = ["hs_task_subject", "hs_task_status", "hs_timestamp", "hubspot_owner_id", "hs_lastmodifieddate"]


class HubSpotConnector:
    """`timezone` is the HubSpot account's: close dates are read and written as days there."""

    name = "hubspot"

    def __init__(self, access_token: str, base_url: str = API_URL, *, timezone: tzinfo = UTC,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not access_token:
            raise CrmAuthError("HubSpot needs a private app's access token: HUBSPOT_ACCESS_TOKEN is empty.")
        self._meter = Meter(sleep)
        self._zone = timezone
        client = HubSpot(access_token=access_token, host=base_url.rstrip("/"), retry=Retry(0))
        self._objects = metered(client.crm.objects.basic_api, self._meter)
        self._batch = metered(client.crm.objects.batch_api, self._meter)
        self._search = metered(client.crm.objects.search_api, self._meter)
        self._owners = metered(client.crm.owners.owners_api, self._meter)
        self._pipelines = metered(client.crm.pipelines.pipelines_api, self._meter)
        self._associations = metered(client.crm.associations.v4.batch_api, self._meter)
        self._stages: dict[str, Stage] | None = None  # the deal stages, read with the last pull of deals

    @property
    def calls(self) -> int:
        return self._meter.calls

    def check(self) -> None:
        self._owners.get_page(limit=1)

    def usage(self) -> ApiUsage | None:
        """The daily allowance as HubSpot's last answer reported it (one cheap call when none came yet)."""
        if self._meter.usage is None:
            self.check()
        return self._meter.usage

    # pulls

    def pull_owners(self) -> Iterator[CrmOwner]:
        for owner in self._owner_pages(archived=False):
            name = " ".join(part for part in (owner.first_name, owner.last_name) if part)
            yield CrmOwner(id=owner.id, email=owner.email or None, name=name or None)

    def pull_companies(self, since: datetime | None) -> Iterator[CrmCompany]:
        for record in self._changed("companies", COMPANY_PROPERTIES, since):
            yield records.company(record, records.modified(record))

    def pull_deals(self, since: datetime | None) -> Iterator[CrmDeal]:
        stages = self._load_stages()
        for batch in _batches(self._changed("deals", DEAL_PROPERTIES, since), ASSOCIATION_BATCH):
            companies = self._associated("deals", "companies", batch)
            for record in batch:
                stage = stages.get(record.properties.get("dealstage") or "")
                yield records.deal(record, records.modified(record), stage, companies.get(record.id), self._zone)

    def pull_tasks(self, since: datetime | None) -> Iterator[CrmTask]:
        for batch in _batches(self._changed("tasks", TASK_PROPERTIES, since), ASSOCIATION_BATCH):
            deals = self._associated("tasks", "deals", batch)
            companies = self._associated("tasks", "companies", batch)
            for record in batch:
                yield records.task(record, records.modified(record), deals.get(record.id), companies.get(record.id))

    def removed(self, kind: Kind, since: datetime | None) -> Iterator[str]:
        """Archived owners carry no archive time: those updated since then count."""
        if kind not in get_args(Kind):
            raise ValueError(f"HubSpot has no kind of record {kind!r}; one of {', '.join(get_args(Kind))}")
        if kind == "owners":
            yield from (o.id for o in self._owner_pages(archived=True)
                        if since is None or o.updated_at is None or o.updated_at >= since)
            return
        after = None
        while True:
            page = self._objects.get_page(kind, limit=LIST_PAGE, after=after, archived=True,
                                          properties=["hs_object_id"])
            yield from (r.id for r in page.results or []
                        if since is None or r.archived_at is None or r.archived_at >= since)
            if (after := _next(page)) is None:
                return

    # pushes

    def deal(self, deal_id: str) -> CrmDeal:
        stages = self._stages if self._stages is not None else self._load_stages()
        record = self._objects.get_by_id("deals", deal_id, properties=DEAL_PROPERTIES)
        stage = stages.get(record.properties.get("dealstage") or "")
        return records.deal(record, records.modified(record), stage, None, self._zone)

    def update_deal(self, deal_id: str, update: DealUpdate) -> None:
        if properties := self._deal_properties(deal_id, update):
            self._objects.update("deals", deal_id, SimplePublicObjectInput(properties=properties))

    def update_deals(self, updates: Mapping[str, DealUpdate]) -> None:
        """Several deals at once: one request per hundred (one deal: as `update_deal`). HubSpot may write some
        and refuse others; CrmRejected then names those refused, and trying the whole again is harmless."""
        inputs = [SimplePublicObjectBatchInput(id=deal_id, properties=properties)
                  for deal_id, update in updates.items() if (properties := self._deal_properties(deal_id, update))]
        if len(inputs) == 1:
            self._objects.update("deals", inputs[0].id, SimplePublicObjectInput(properties=inputs[0].properties))
            return
        refused = []
        for chunk in _batches(iter(inputs), UPDATE_BATCH):
            answer = self._batch.update("deals", BatchInputSimplePublicObjectBatchInput(inputs=chunk))
            refused += [error.message for error in getattr(answer, "errors", None) or []]
        if refused:
            raise CrmRejected(f"HubSpot refused part of a batch of deal updates: {'; '.join(refused)}")

    def add_note(self, deal_id: str, body: str, at: datetime) -> str:
        note = SimplePublicObjectInputForCreate(
            properties={"hs_note_body": records.rich_text(body), "hs_timestamp": records.stamp(at)},
            associations=[_association(deal_id, NOTE_TO_DEAL)])
        return self._objects.create("notes", note).id

    def create_task(self, draft: TaskDraft) -> str:
        properties = {"hs_task_subject": draft.subject, "hs_timestamp": records.stamp(draft.due_at),
                      "hs_task_status": "NOT_STARTED"}
        if draft.body:
            properties["hs_task_body"] = records.rich_text(draft.body)
        if draft.owner_id:
            properties["hubspot_owner_id"] = draft.owner_id
        associations = [_association(draft.deal_id, TASK_TO_DEAL)] if draft.deal_id else []
        task = SimplePublicObjectInputForCreate(properties=properties, associations=associations)
        return self._objects.create("tasks", task).id

    def complete_task(self, task_id: str) -> None:
        self._objects.update("tasks", task_id, SimplePublicObjectInput(properties={"hs_task_status": "COMPLETED"}))

    def move_task(self, task_id: str, due_at: datetime) -> None:
        properties = {"hs_timestamp": records.stamp(due_at)}
        self._objects.update("tasks", task_id, SimplePublicObjectInput(properties=properties))

    def find_task(self, marker: str, deal_id: str | None) -> str | None:
        """One search of the tasks whose body holds the marker's token (deal_id unused: the marker is unique)."""
        request = PublicObjectSearchRequest(
            filter_groups=[FilterGroup(filters=[Filter(property_name="hs_task_body", operator="CONTAINS_TOKEN",
                                                       value=marker)])],
            properties=["hs_task_body"], limit=10)
        page = self._search.do_search("tasks", request)
        return next((r.id for r in page.results or [] if holds_marker(r.properties.get("hs_task_body"),
                                                                              marker)), None)

    # the requests behind them

    def _changed(self, object_type: str, properties: list[str], since: datetime | None) -> Iterator:
        """Records of `object_type` modified at or after `since`, oldest change first, a page at a time. On
        reaching the search's cap it searches again from the last modified time seen, skipping the records
        already yielded at that time."""
        floor, seen_at_floor = since, set()
        while True:
            after, last, seen_at_last = None, floor, set(seen_at_floor)
            while True:
                page = self._search.do_search(object_type, _search_request(properties, floor, after))
                for record in page.results or []:
                    at = records.modified(record)
                    if at == floor and record.id in seen_at_floor:
                        continue
                    if at != last:
                        last, seen_at_last = at, set()
                    seen_at_last.add(record.id)
                    yield record
                if (after := _next(page)) is None:
                    return
                if int(after) >= SEARCH_CAP:
                    break
            if last == floor:
                raise CrmError(f"More than {SEARCH_CAP:,} HubSpot {object_type} share the modified time "
                               f"{last.isoformat()}; HubSpot's search cannot page past them.")
            floor, seen_at_floor = last, seen_at_last

    def _associated(self, from_type: str, to_type: str, batch: list) -> dict[str, str]:
        """The record of `to_type` each record in `batch` is associated with: the one HubSpot labels primary,
        else the first. Records without one are absent (HubSpot lists them among the batch's errors)."""
        request = BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=record.id) for record in batch])
        answer = self._associations.get_page(from_type, to_type, request)
        chosen = {}
        for result in answer.results or []:
            targets = result.to or []
            primary = [t for t in targets if any(kind.label == "Primary" for kind in t.association_types or [])]
            if targets:
                chosen[result._from.id] = str((primary or targets)[0].to_object_id)
        return chosen

    def _owner_pages(self, archived: bool) -> Iterator:
        after = None
        while True:
            page = self._owners.get_page(limit=OWNERS_PAGE, after=after, archived=archived)
            yield from page.results or []
            if (after := _next(page)) is None:
                return

    def _load_stages(self) -> dict[str, Stage]:
        self._stages = {stage.id: records.stage_of(stage, pipeline.id)
                        for pipeline in self._pipelines.get_all("deals").results or []
                        for stage in pipeline.stages or []}
        return self._stages

    def _deal_properties(self, deal_id: str, update: DealUpdate) -> dict[str, str]:
        properties = {}
        if update.stage is not None:
            properties["dealstage"] = self._stage_id(deal_id, update.stage)
        if update.amount is not None:
            properties["amount"] = str(update.amount)
        if update.probability is not None:
            properties["hs_forecast_probability"] = records.fraction(update.probability)
        if update.close_date is not None:
            properties["closedate"] = records.close_moment(update.close_date, self._zone)
        return properties

    def _stage_id(self, deal_id: str, wanted: str) -> str:
        """The id of stage `wanted` (an id or a label). A label several pipelines use is taken from the deal's."""
        stages = self._stages if self._stages is not None else self._load_stages()
        if wanted in stages:
            return wanted
        matches = [stage for stage in stages.values() if records.same_label(stage.label, wanted)]
        if len({stage.pipeline_id for stage in matches}) > 1:
            pipeline = self._objects.get_by_id("deals", deal_id, properties=["pipeline"]).properties.get("pipeline")
            matches = [stage for stage in matches if stage.pipeline_id == pipeline]
        if not matches:
            known = ", ".join(sorted({stage.label for stage in stages.values()}))
            raise CrmRejected(f"HubSpot has no deal stage {wanted!r} for deal {deal_id}; its stages: {known}")
        return matches[0].id


def _search_request(properties: list[str], floor: datetime | None, after: str | None) -> PublicObjectSearchRequest:
    groups = None if floor is None else [FilterGroup(filters=[
        Filter(property_name="hs_lastmodifieddate", operator="GTE", value=records.millis(floor))])]
    return PublicObjectSearchRequest(filter_groups=groups, properties=properties, limit=SEARCH_PAGE, after=after,
                                     sorts=[{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}])


def _association(to_id: str, type_id: int) -> PublicAssociationsForObject:
    return PublicAssociationsForObject(to=PublicObjectId(id=to_id), types=[
        AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)])


def _next(page) -> str | None:
    return page.paging.next.after if page.paging and page.paging.next else None


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch
