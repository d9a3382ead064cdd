"""A local stand-in for HubSpot's CRM REST API: a real HTTP server on loopback that answers as HubSpot does.

It serves what the connector uses, in HubSpot's JSON shapes: `GET /crm/v3/owners`, `GET /crm/v3/pipelines/deals`,
`POST /crm/v3/objects/{type}/search` (200 a page, at most 10,000 results a query), `GET /crm/v3/objects/{type}`
(100 a page, `archived=true` too), `GET`/`PATCH /crm/v3/objects/{type}/{id}`, `POST /crm/v3/objects/{type}`
(with associations), `POST /crm/v3/objects/{type}/batch/update` and `POST /crm/v4/associations/{from}/{to}/batch/read`.
It checks the bearer token (401 with HubSpot's body) and the private app's scopes (403 MISSING_SCOPES), answers
HubSpot's errors when told to (`fail`: 429 with `Retry-After`, 500, …), and records every request: method,
path, query, JSON body, headers and the status it got. Records live in memory (`hubspot_store.py`), seeded by
the test; writes change them and stamp their modified time from `now`, which the test sets. Pages are rendered
when asked for, from a kept order, so 10,000 deals and 20,000 tasks (`populate`) answer as fast as a few.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.crm.hubspot_store import (
    ASSOCIATION_TYPES,
    DEFAULT,
    SHOWN,
    TYPE_IDS,
    TYPES,
    Invalid,
    Missing,
    Record,
    Store,
    iso,
)
from tests.threaded_server import ThreadedServer

TOKEN = "pat-na1-7c1b2e4f-0000-4d2a-9e1f-standin"
SCOPES = frozenset({"crm.objects.owners.read", "crm.objects.companies.read", "crm.objects.companies.write",
                    "crm.objects.deals.read", "crm.objects.deals.write", "crm.objects.contacts.read",
                    "crm.objects.contacts.write"})
SEARCH_LIMIT, SEARCH_CAP, LIST_LIMIT, OWNERS_LIMIT = 200, 10_000, 100, 500
ASSOCIATION_INPUTS, BATCH_INPUTS = 1_000, 100
DAILY_LIMIT = 500_000
SCOPE_OF = {"companies": "companies", "deals": "deals", "tasks": "contacts", "notes": "contacts"}  # tasks, notes:
# HubSpot lists the contacts scopes for the engagement objects

Answer = tuple[int, Any]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    status: int = 0


@dataclass
class Failure:
    status: int
    times: int
    path: str | None  # answered to requests whose path starts with it; None: any
    retry_after: str | None


class HubSpotStandIn:
    def __init__(self, now: datetime = datetime(2026, 11, 24, 9, 0, tzinfo=UTC), token: str = TOKEN) -> None:
        self.store = Store(now)
        self.token = token
        self.scopes = set(SCOPES)  # what the private app was granted
        self.requests: list[Request] = []
        self.port = 0
        self._failures: list[Failure] = []
        self._daily_used = 0
        self._lock = threading.Lock()
        self._routes: list[tuple[str, re.Pattern, Callable[..., Answer]]] = [
            ("GET", re.compile(r"/crm/v3/owners/?"), self._owners),
            ("GET", re.compile(r"/crm/v3/pipelines/(?P<object_type>\w+)"), self._pipelines),
            ("POST", re.compile(r"/crm/v3/objects/(?P<object_type>\w+)/search"), self._search),
            ("POST", re.compile(r"/crm/v3/objects/(?P<object_type>\w+)/batch/update"), self._batch_update),
            ("GET", re.compile(r"/crm/v3/objects/(?P<object_type>\w+)"), self._list),
            ("POST", re.compile(r"/crm/v3/objects/(?P<object_type>\w+)"), self._create),
            ("GET", re.compile(r"/crm/v3/objects/(?P<object_type>\w+)/(?P<record_id>\d+)"), self._read),
            ("PATCH", re.compile(r"/crm/v3/objects/(?P<object_type>\w+)/(?P<record_id>\d+)"), self._update),
            ("POST", re.compile(r"/crm/v4/associations/(?P<from_type>\w+)/(?P<to_type>\w+)/batch/read"),
             self._associations),
        ]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def now(self) -> datetime:
        return self.store.now

    @now.setter
    def now(self, at: datetime) -> None:
        self.store.now = at

    # what a test seeds and asks

    def add_owner(self, email: str, first_name: str | None = None, last_name: str | None = None, *,
                  archived: bool = False) -> str:
        with self._lock:
            return self.store.add_owner(email, first_name, last_name, archived)

    def add_pipeline(self, pipeline_id: str, label: str, stages: list[tuple[str, str, str, bool]]) -> None:
        """`stages`: (id, label, probability as HubSpot writes it ("0.6"), closed)."""
        with self._lock:
            self.store.add_pipeline(pipeline_id, label, stages)

    def add_company(self, name: str, *, owner_id: str | None = None, modified: datetime | None = None,
                    **properties: str | None) -> str:
        return self._seed("companies", {"name": name, "hubspot_owner_id": owner_id, **properties}, modified)

    def add_deal(self, name: str, *, amount: str | None = "1000", close_date: date | str | None = date(2027, 3, 31),
                 stage: str = "appointmentscheduled", owner_id: str | None = None, company_id: str | None = None,
                 modified: datetime | None = None, **properties: str | None) -> str:
        """A deal as a rep would enter it (a close date is the day's midnight UTC); `company_id` becomes its
        primary company."""
        closedate = iso(datetime.combine(close_date, datetime.min.time(), UTC)) \
            if isinstance(close_date, date) else close_date
        deal_id = self._seed("deals", {"dealname": name, "amount": amount, "closedate": closedate, "dealstage": stage,
                                       "hubspot_owner_id": owner_id, **properties}, modified)
        if company_id:
            self.associate("deals", deal_id, "companies", company_id)
        return deal_id

    def add_task(self, subject: str, *, due: datetime | None = None, status: str = "NOT_STARTED",
                 owner_id: str | None = None, deal_id: str | None = None, company_id: str | None = None,
                 modified: datetime | None = None, **properties: str | None) -> str:
        due = due or self.now + timedelta(days=7)
        task_id = self._seed("tasks", {"hs_task_subject": subject, "hs_timestamp": iso(due), "hs_task_status": status,
                                       "hubspot_owner_id": owner_id, **properties}, modified)
        if deal_id:
            self.associate("tasks", task_id, "deals", deal_id)
        if company_id:
            self.associate("tasks", task_id, "companies", company_id)
        return task_id

    def associate(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        with self._lock:
            self.store.associate(from_type, from_id, to_type, to_id)

    def archive(self, object_type: str, record_id: str, at: datetime | None = None) -> None:
        with self._lock:
            self.store.archive(object_type, record_id, at or self.now)

    def set_modified(self, object_type: str, record_id: str, at: datetime) -> None:
        """Change the record's modified time only (as HubSpot's own workflows do)."""
        with self._lock:
            self.store.get(object_type, record_id).touch(at)
            self.store.forget_order(object_type)

    def record(self, object_type: str, record_id: str) -> dict[str, str | None]:
        """The record's properties as HubSpot holds them now."""
        with self._lock:
            return dict(self.store.records[object_type][record_id].properties)

    def associated_ids(self, from_type: str, from_id: str, to_type: str) -> dict[str, list[int]]:
        """{associated id: association type ids}."""
        with self._lock:
            return {k: list(v) for k, v in self.store.associated(from_type, from_id, to_type).items()}

    def populate(self, deals: int, tasks: int, *, owners: int = 20, companies: int | None = None) -> None:
        """A large account, as the bench syncs it: each deal at a company, each task on a deal and its
        company; every record modified a millisecond after the one before, ending at `now`."""
        companies = companies or max(1, deals // 4)
        total = companies + deals + tasks
        start = self.now - timedelta(milliseconds=total)
        moments = (start + timedelta(milliseconds=i) for i in range(1, total + 1))
        with self._lock:
            owner_ids = [self.store.add_owner(f"rep{i}@example.com", "Rep", str(i), False) for i in range(owners)]
            company_ids = [self.store.create("companies", {"name": f"Company {i}",
                                                           "hubspot_owner_id": owner_ids[i % owners]},
                                             at=next(moments), checked=False).id for i in range(companies)]
            deal_ids = []
            for i in range(deals):
                deal = self.store.create("deals", {"dealname": f"Deal {i}", "amount": f"{1000 + i}.50",
                                                   "closedate": "2027-03-31T00:00:00.000Z",
                                                   "dealstage": "qualifiedtobuy",
                                                   "hubspot_owner_id": owner_ids[i % owners]},
                                         at=next(moments), checked=False)
                self.store.associate("deals", deal.id, "companies", company_ids[i % companies])
                deal_ids.append(deal.id)
            for i in range(tasks):
                task = self.store.create("tasks", {"hs_task_subject": f"Call back {i}",
                                                   "hs_timestamp": "2027-01-15T09:00:00.000Z",
                                                   "hs_task_status": "NOT_STARTED",
                                                   "hubspot_owner_id": owner_ids[i % owners]},
                                         at=next(moments), checked=False)
                if deal_ids:
                    self.store.associate("tasks", task.id, "deals", deal_ids[i % deals])
                    self.store.associate("tasks", task.id, "companies", company_ids[i % deals % companies])

    def fail(self, status: int, *, times: int = 1, path: str | None = None, retry_after: str | None = None) -> None:
        """Answer the next `times` requests (to paths starting with `path`) with HubSpot's error `status`."""
        with self._lock:
            self._failures.append(Failure(status, times, path, retry_after))

    def of(self, method: str | None = None, path: str = "") -> list[Request]:
        """The recorded requests, of `method` to paths starting with `path`."""
        with self._lock:
            return [r for r in self.requests if (method is None or r.method == method) and r.path.startswith(path)]

    def _seed(self, object_type: str, properties: dict[str, str | None], modified: datetime | None) -> str:
        """Seeds skip HubSpot's write rules, so a test can set what HubSpot calculates itself."""
        with self._lock:
            return self.store.create(object_type, properties, at=modified, checked=False).id

    # HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        query = {key: request.query.getall(key) for key in request.query}
        recorded = Request(request.method, request.path, query, body, dict(request.headers))
        with self._lock:
            self.requests.append(recorded)
            status, answer, headers = self._answer(recorded)
            recorded.status = status
        if status == 204:
            return web.Response(status=204, headers=headers)
        return web.json_response(answer, status=status, headers=headers)

    def _answer(self, request: Request) -> tuple[int, Any, dict[str, str]]:
        headers: dict[str, str] = {}
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return 401, _error("Authentication credentials not found. This API supports OAuth 2.0 authentication "
                               "and you can find more details at https://developers.hubspot.com/docs/methods/auth/"
                               "oauth-overview", "INVALID_AUTHENTICATION"), headers
        failure = next((f for f in self._failures if f.times > 0 and request.path.startswith(f.path or "")), None)
        if failure:
            failure.times -= 1
            if failure.retry_after is not None:
                headers["Retry-After"] = failure.retry_after
            return failure.status, _failure_body(failure.status), headers
        route = next(((handler, match.groupdict()) for method, pattern, handler in self._routes
                      if method == request.method and (match := pattern.fullmatch(request.path))), None)
        if route is None:
            return 404, _error(f"Unable to route {request.method} {request.path}", "NOT_FOUND"), headers
        handler, params = route
        missing = sorted(self._scopes_for(request, params) - self.scopes)
        if missing:
            return 403, _missing_scopes(missing), headers
        if "/search" not in request.path:  # HubSpot's search answers carry no rate limit headers
            self._daily_used += 1
            headers.update({"X-HubSpot-RateLimit-Daily": str(DAILY_LIMIT),
                            "X-HubSpot-RateLimit-Daily-Remaining": str(DAILY_LIMIT - self._daily_used),
                            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                            "X-HubSpot-RateLimit-Max": "190", "X-HubSpot-RateLimit-Remaining": "189"})
        try:
            status, answer = handler(request, **params)
        except Invalid as invalid:
            status, answer = 400, _invalid(invalid)
        except Missing as missing_record:
            status, answer = 404, _error("Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND",
                                         context={"id": [str(missing_record)]})
        return status, answer, headers

    def _scopes_for(self, request: Request, params: dict[str, str]) -> set[str]:
        if request.path.startswith("/crm/v3/owners"):
            return {"crm.objects.owners.read"}
        types = [params[k] for k in ("object_type", "from_type", "to_type") if k in params]
        writes = request.method in ("PATCH", "DELETE") or request.path.endswith("/batch/update") or (
            request.method == "POST" and request.path.startswith("/crm/v3/objects/") and "/search" not in request.path)
        return {f"crm.objects.{SCOPE_OF[t]}.{'write' if writes else 'read'}" for t in types if t in SCOPE_OF}

    # the endpoints

    def _owners(self, request: Request) -> Answer:
        limit, after = _limit(request, 100, OWNERS_LIMIT), _after(request)
        archived = (_param(request, "archived") or "").lower() == "true"
        email = _param(request, "email")
        owners = [o for o in sorted(self.store.owners.values(), key=lambda o: int(o.id))
                  if o.archived == archived and (email is None or o.email == email)]
        page = owners[after:after + limit]
        results = [{"id": o.id, "email": o.email, "type": "PERSON", "firstName": o.first_name, "lastName": o.last_name,
                    "userId": int(o.id) + 7_000_000, "userIdIncludingInactive": int(o.id) + 7_000_000,
                    "createdAt": iso(o.created), "updatedAt": iso(o.updated), "archived": o.archived, "teams": []}
                   for o in page]
        return 200, {"results": results, **_paging(after + limit, len(owners), request)}

    def _pipelines(self, request: Request, object_type: str) -> Answer:
        if object_type != "deals":
            return 400, _error(f"Unable to infer object type from: {object_type}", "VALIDATION_ERROR")
        stamp = iso(datetime(2024, 1, 15, 10, 0, tzinfo=UTC))
        results = [{"label": label, "displayOrder": n, "id": pipeline_id, "createdAt": stamp, "updatedAt": stamp,
                    "archived": False,
                    "stages": [{"label": s.label, "displayOrder": i, "id": s.id, "createdAt": stamp,
                                "updatedAt": stamp, "archived": False,
                                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                                "metadata": {"isClosed": str(s.closed).lower(), "probability": s.probability}}
                               for i, s in enumerate(stages)]}
                   for n, (pipeline_id, (label, stages)) in enumerate(self.store.pipelines.items())]
        return 200, {"results": results}

    def _search(self, request: Request, object_type: str) -> Answer:
        _known(object_type)
        body = request.body or {}
        limit, after = int(body.get("limit") or 10), int(body.get("after") or 0)
        if limit > SEARCH_LIMIT:
            return 400, _error(f"limit must be at most {SEARCH_LIMIT}", "VALIDATION_ERROR")
        if after >= SEARCH_CAP:
            return 400, _error(f"The search endpoints are limited to {SEARCH_CAP} total results for any given query; "
                               f"after={after} pages beyond them", "VALIDATION_ERROR")
        try:
            found = self.store.search(object_type, body.get("filterGroups") or [], body.get("sorts") or [])
        except (KeyError, TypeError, ValueError):
            return 400, _error("There was a problem with the request: invalid filters or sorts", "VALIDATION_ERROR")
        wanted = set(body.get("properties") or SHOWN[object_type]) | DEFAULT
        next_after = after + limit
        paging = {"paging": {"next": {"after": str(next_after)}}} if next_after < len(found) else {}
        return 200, {"total": len(found), "results": [_record(r, wanted) for r in found[after:next_after]], **paging}

    def _list(self, request: Request, object_type: str) -> Answer:
        _known(object_type)
        limit, after = _limit(request, 10, LIST_LIMIT), _after(request)
        archived = (_param(request, "archived") or "").lower() == "true"
        chosen = sorted((r for r in self.store.records[object_type].values()
                         if (r.archived_at is not None) == archived), key=lambda r: int(r.id))
        wanted = _properties(request, object_type)
        return 200, {"results": [_record(r, wanted) for r in chosen[after:after + limit]],
                     **_paging(after + limit, len(chosen), request)}

    def _read(self, request: Request, object_type: str, record_id: str) -> Answer:
        _known(object_type)
        return 200, _record(self.store.get(object_type, record_id), _properties(request, object_type))

    def _update(self, request: Request, object_type: str, record_id: str) -> Answer:
        _known(object_type)
        properties = (request.body or {}).get("properties") or {}
        record = self.store.update(object_type, record_id, properties)
        return 200, _record(record, set(properties) | DEFAULT)

    def _create(self, request: Request, object_type: str) -> Answer:
        _known(object_type)
        body = request.body or {}
        properties = body.get("properties") or {}
        links = [(str(a["to"]["id"]), t["associationTypeId"]) for a in body.get("associations") or []
                 for t in a.get("types") or []]
        for to_id, type_id in links:
            pair = TYPE_IDS.get(type_id)
            if pair is None or pair[0] != object_type:
                raise Invalid([("associations", "INVALID_ASSOCIATION", f"{type_id} is not a valid association "
                                f"type from {object_type}")])
            self.store.get(pair[1], to_id)  # a target that does not exist: 404, as HubSpot answers
        record = self.store.create(object_type, properties)
        for to_id, type_id in links:
            self.store.associate(object_type, record.id, TYPE_IDS[type_id][1], to_id, type_id)
        return 201, _record(record, set(properties) | DEFAULT)

    def _batch_update(self, request: Request, object_type: str) -> Answer:
        _known(object_type)
        inputs = (request.body or {}).get("inputs") or []
        if len(inputs) > BATCH_INPUTS:
            return 400, _error(f"Batch input limit of {BATCH_INPUTS} exceeded: {len(inputs)}", "VALIDATION_ERROR")
        started = iso(self.now)
        present = [i for i in inputs if str(i.get("id")) in self.store.records[object_type]
                   and self.store.records[object_type][str(i["id"])].archived_at is None]
        for item in present:  # HubSpot refuses the whole batch when one record's values are invalid
            self.store.check(self.store.records[object_type][str(item["id"])], item.get("properties") or {})
        results = [_record(self.store.update(object_type, str(i["id"]), i.get("properties") or {}),
                           set(i.get("properties") or {}) | DEFAULT) for i in present]
        absent = [str(i.get("id")) for i in inputs if i not in present]
        answer = {"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": iso(self.now)}
        if not absent:
            return 200, answer
        return 207, {**answer, "numErrors": 1, "errors": [{
            "status": "error", "category": "OBJECT_NOT_FOUND",
            "message": f"Could not get some {object_type.upper()} objects, they may be deleted or not exist. "
                       "Check that ids are valid.", "context": {"ids": absent}, "links": {}, "errors": []}]}

    def _associations(self, request: Request, from_type: str, to_type: str) -> Answer:
        if (from_type, to_type) not in ASSOCIATION_TYPES:
            return 400, _error(f"Unknown association from {from_type} to {to_type}", "VALIDATION_ERROR")
        inputs = (request.body or {}).get("inputs") or []
        if len(inputs) > ASSOCIATION_INPUTS:
            return 400, _error(f"Batch input limit of {ASSOCIATION_INPUTS} exceeded: {len(inputs)}", "VALIDATION_ERROR")
        labels = dict(ASSOCIATION_TYPES[(from_type, to_type)])
        results, alone = [], []
        for item in inputs:
            linked = self.store.associated(from_type, str(item.get("id")), to_type)
            if not linked:
                alone.append(str(item.get("id")))
                continue
            results.append({"from": {"id": str(item["id"])}, "to": [
                {"toObjectId": int(to_id), "associationTypes": [
                    {"category": "HUBSPOT_DEFINED", "typeId": k, "label": labels.get(k)} for k in kinds]}
                for to_id, kinds in linked.items()]})
        answer = {"status": "COMPLETE", "results": results, "startedAt": iso(self.now), "completedAt": iso(self.now)}
        if not alone:
            return 200, answer
        return 207, {**answer, "numErrors": len(alone), "errors": [{
            "status": "error", "category": "OBJECT_NOT_FOUND", "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
            "message": f"No {to_type} is associated with {from_type[:-1]} {record_id}.",
            "context": {"fromObjectId": [record_id]}, "links": {}, "errors": []} for record_id in alone]}

    # running

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    def start(self) -> None:
        """Serves, again on the same port after `stop` (HubSpot is back)."""
        self._server = ThreadedServer(self._app, port=self.port)
        self.port = self._server.start()

    def stop(self) -> None:
        """Stops serving: a request now finds nothing listening, as when HubSpot cannot be reached."""
        self._server.stop()


def _record(record: Record, wanted: set[str]) -> dict:
    shown = {"id": record.id, "properties": {name: record.properties.get(name) for name in sorted(wanted)},
             "createdAt": iso(record.created), "updatedAt": iso(record.updated),
             "archived": record.archived_at is not None}
    if record.archived_at is not None:
        shown["archivedAt"] = iso(record.archived_at)
    return shown


def _known(object_type: str) -> None:
    if object_type not in TYPES:
        raise Invalid([("objectType", "VALIDATION_ERROR", f"Unable to infer object type from: {object_type}")])


def _param(request: Request, name: str) -> str | None:
    values = request.query.get(name)
    return values[0] if values else None


def _limit(request: Request, default: int, most: int) -> int:
    limit = int(_param(request, "limit") or default)
    if limit > most:
        raise Invalid([("limit", "VALIDATION_ERROR", f"limit must be at most {most}")])
    return limit


def _after(request: Request) -> int:
    return int(_param(request, "after") or 0)


def _properties(request: Request, object_type: str) -> set[str]:
    asked = {p for value in request.query.get("properties", []) for p in value.split(",") if p}
    return (asked or SHOWN[object_type]) | DEFAULT


def _paging(next_after: int, total: int, request: Request) -> dict:
    if next_after >= total:
        return {}
    return {"paging": {"next": {"after": str(next_after),
                                "link": f"https://api.hubapi.com{request.path}?after={next_after}"}}}


def _error(message: str, category: str, **extra: Any) -> dict:
    return {"status": "error", "message": message, "correlationId": str(uuid.uuid4()), "category": category, **extra}


def _invalid(invalid: Invalid) -> dict:
    details = [{"isValid": False, "message": message, "error": code, "name": name}
               for name, code, message in invalid.problems]
    return _error(f"Property values were not valid: {json.dumps(details)}", "VALIDATION_ERROR",
                  errors=[{"message": message, "code": code, "context": {"propertyName": [name]}}
                          for name, code, message in invalid.problems])


def _missing_scopes(scopes: list[str]) -> dict:
    return _error("This app hasn't been granted all required scopes to make this call. Read more about required "
                  "scopes here: https://developers.hubspot.com/scopes.", "MISSING_SCOPES",
                  errors=[{"message": "One or more of the following scopes are required.",
                           "context": {"requiredGranularScopes": scopes}}],
                  links={"scopes": "https://developers.hubspot.com/scopes"})


def _failure_body(status: int) -> dict:
    if status == 429:
        return {"status": "error", "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()), "policyName": "TEN_SECONDLY_ROLLING",
                "groupName": "publicapi:private-app-ten-secondly", "requestId": uuid.uuid4().hex}
    if status == 401:
        return _error("The OAuth token used to make this call expired 1 day(s) ago.", "EXPIRED_AUTHENTICATION")
    return {"status": "error", "message": "internal error", "correlationId": str(uuid.uuid4())}


def main() -> None:
    """Serve a populated stand-in as its own process (a bench measures the connector alone), until killed:
    `python -m tests.crm.hubspot_standin DEALS TASKS` prints the URL and the token, one a line."""
    deals, tasks = (int(n) for n in sys.argv[1:3])
    standin = HubSpotStandIn()
    standin.populate(deals=deals, tasks=tasks)
    standin.start()
    print(standin.url, standin.token, sep="\n", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
