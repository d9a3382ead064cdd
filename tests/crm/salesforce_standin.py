"""A local stand-in of Salesforce's REST API and SOAP login: answers like Salesforce, records every request.

A real HTTPS server on loopback (clients trust `ca_file`), so simple-salesforce talks to it unchanged:
`instance_url` is where the REST API lives and `login_url` where `POST /services/Soap/u/{version}` logs in.
It holds records in memory, seeded by the test (`add_user`, `add_account`, `add_opportunity`, `add_task`), and
answers SOQL (tests/crm/soql.py) through `query` and `queryAll` in batches of 2,000 (or the `Sforce-Query-Options:
batchSize` asked for) with `nextRecordsUrl`, built a batch at a time when asked for, so 10,000 deals and 20,000 tasks
cost no more memory than their records. Writes (sObject create and update, sObject Collections) are applied as
Salesforce applies them: a stage sets IsClosed, IsWon and its default probability, a task's status sets IsClosed,
its WhatId its AccountId, and every change stamps SystemModstamp with `now`, which the test sets (no wall clock).
Every data request counts against `daily_max` and is answered with `Sforce-Limit-Info`; `fail()` makes the next
matching requests fail with 401, 403, 429 (with Retry-After) or 5xx.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from aiohttp import web

from tests.crm.soql import Query, SoqlError, parse
from tests.crm.tls import loopback_certificate
from tests.threaded_server import ThreadedServer

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PREFIXES = {"Account": "001", "Note": "002", "User": "005", "Opportunity": "006", "Task": "00T",
            "OpportunityStage": "01J"}
ORG_ID = "00D5g00000LOCAL"
DATA_PATH = re.compile(r"^/services/data/v(?P<version>\d+\.\d)/(?P<rest>.*)$")
LOCATOR = re.compile(r"^(?P<kind>query|queryAll)/(?P<locator>01g\w+)-(?P<offset>\d+)$")
JSON = "application/json;charset=UTF-8"

# Each sObject's fields and their defaults; Id and SystemModstamp are set on insert.
SCHEMA: dict[str, dict[str, Any]] = {
    "User": {"Id": None, "Email": None, "Name": None, "IsActive": True, "SystemModstamp": None},
    "Account": {"Id": None, "Name": None, "OwnerId": None, "IsDeleted": False, "SystemModstamp": None},
    "Opportunity": {"Id": None, "Name": None, "AccountId": None, "OwnerId": None, "Amount": None,
                    "CurrencyIsoCode": "EUR", "CloseDate": None, "StageName": "Prospecting", "Probability": None,
                    "IsClosed": False, "IsWon": False, "IsDeleted": False, "SystemModstamp": None},
    "OpportunityStage": {"Id": None, "ApiName": None, "MasterLabel": None, "DefaultProbability": None,
                         "IsActive": True, "IsClosed": False, "IsWon": False, "SystemModstamp": None},
    "Task": {"Id": None, "Subject": None, "ActivityDate": None, "OwnerId": None, "WhatId": None, "AccountId": None,
             "Status": "Not Started", "Priority": "Normal", "IsClosed": False, "Description": None,
             "IsDeleted": False, "IsArchived": False, "SystemModstamp": None},
    "Note": {"Id": None, "ParentId": None, "Title": None, "Body": None, "IsPrivate": False, "OwnerId": None,
             "IsDeleted": False, "SystemModstamp": None},
}
READ_ONLY = {"Id", "SystemModstamp", "IsDeleted", "IsClosed", "IsWon", "IsArchived"}  # and a task's AccountId
REQUIRED = {"Task": ("Subject",), "Note": ("ParentId", "Title"), "Opportunity": ("Name", "StageName", "CloseDate")}
DEFAULT_STAGES = (  # Salesforce's default opportunity stages: label, probability, closed, won
    ("Prospecting", 10, False, False), ("Qualification", 10, False, False), ("Needs Analysis", 20, False, False),
    ("Value Proposition", 50, False, False), ("Id. Decision Makers", 60, False, False),
    ("Perception Analysis", 70, False, False), ("Proposal/Price Quote", 75, False, False),
    ("Negotiation/Review", 90, False, False), ("Closed Won", 100, True, True), ("Closed Lost", 0, True, False))
ERRORS = {  # what Salesforce answers, by status
    401: [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
    403: [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
    404: [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}],
    500: [{"message": "An unexpected error occurred. Please include this ErrorId if you contact support: "
                      "1473418170-76185 (-1459436584)", "errorCode": "UNKNOWN_EXCEPTION"}],
}


def salesforce_id(prefix: str, number: int) -> str:
    """An 18-character Salesforce id: key prefix, pod, a base-62 number, and the case-safe checksum."""
    digits = ""
    while number or not digits:
        number, digit = divmod(number, 62)
        digits = BASE62[digit] + digits
    short = f"{prefix}5g{'0' * (10 - len(digits))}{digits}"
    checksum = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[sum(1 << i for i, c in enumerate(short[k:k + 5])
                                                                if c.isupper())] for k in (0, 5, 10))
    return short + checksum


def stamp(moment: datetime) -> str:
    """Salesforce's datetime format: 2026-11-24T09:00:00.000+0000."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def _respond(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=json.dumps(body, default=_json), status=status, content_type="application/json",
                        charset="UTF-8", headers=headers)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any  # the JSON body, the SOAP login's XML as text, or None
    headers: dict[str, str]
    status: int = 0  # what the stand-in answered


@dataclass
class Failure:
    status: int
    times: int
    retry_after: str | None
    match: str  # a part of the path or query string the failing requests contain ("" for any)


@dataclass
class _Cursor:
    query: Query
    ids: list[str]
    batch: int
    kind: str  # "query" or "queryAll"


@dataclass
class SalesforceStandIn:
    now: datetime = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # the time writes are stamped with
    multi_currency: bool = True  # False: Opportunity has no CurrencyIsoCode (INVALID_FIELD when selected)
    daily_max: int = 15000  # DailyApiRequests.Max
    api_used: int = 0  # data requests counted against it
    view_setup: bool = True  # False: the user lacks 'View Setup and Configuration', which the limits resource needs
    requests: list[Request] = field(default_factory=list)
    logins: dict[str, str] = field(default_factory=dict)  # username -> password followed by security token
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._records: dict[str, dict[str, dict[str, Any]]] = {sobject: {} for sobject in SCHEMA}
        self._cursors: dict[str, _Cursor] = {}
        self._failures: list[Failure] = []
        self.token = f"{ORG_ID}!AQ{secrets.token_urlsafe(24)}"  # the access token the API accepts
        self._sessions = {self.token}
        self.ca_file = loopback_certificate().ca_file
        for label, probability, closed, won in DEFAULT_STAGES:
            self.add_stage(label, probability, closed=closed, won=won)

    @property
    def instance_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def login_url(self) -> str:
        """Where the SOAP login is served: the same server, as a My Domain login is."""
        return self.instance_url

    # --- seeding and editing, as users do in Salesforce ---

    def insert(self, sobject: str, **fields: Any) -> str:
        """A new record with Salesforce's defaults for what `fields` leaves out; returns its id."""
        with self._lock:
            return self._insert(sobject, fields)

    def add_user(self, name: str, email: str | None, *, active: bool = True) -> str:
        return self.insert("User", Name=name, Email=email, IsActive=active)

    def add_account(self, name: str, owner_id: str | None) -> str:
        return self.insert("Account", Name=name, OwnerId=owner_id)

    def add_stage(self, label: str, probability: int, *, api_name: str | None = None, closed: bool = False,
                  won: bool = False) -> str:
        return self.insert("OpportunityStage", ApiName=api_name or label, MasterLabel=label,
                           DefaultProbability=probability, IsClosed=closed, IsWon=won)

    def add_opportunity(self, name: str, *, account_id: str | None, owner_id: str | None,
                        amount: Decimal | int | None, close_date: str | None, stage: str = "Prospecting",
                        **fields: Any) -> str:
        return self.insert("Opportunity", Name=name, AccountId=account_id, OwnerId=owner_id,
                           Amount=None if amount is None else Decimal(amount), CloseDate=close_date,
                           StageName=stage, **fields)

    def add_task(self, subject: str, *, what_id: str | None, owner_id: str | None, activity_date: str | None,
                 status: str = "Not Started") -> str:
        return self.insert("Task", Subject=subject, WhatId=what_id, OwnerId=owner_id, ActivityDate=activity_date,
                           Status=status)

    def edit(self, record_id: str, **fields: Any) -> None:
        """Changes a record as a user does in Salesforce: derived fields follow, SystemModstamp becomes `now`."""
        with self._lock:
            self._update(self._find(record_id), fields)

    def delete(self, record_id: str) -> None:
        """Moves a record to the Recycle Bin: only queryAll still sees it."""
        with self._lock:
            record = self._find(record_id)
            record["IsDeleted"], record["SystemModstamp"] = True, self.now

    def record(self, record_id: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._find(record_id))

    def of(self, method: str, path_part: str = "") -> list[Request]:
        """The requests of `method` whose path contains `path_part`."""
        with self._lock:
            return [r for r in self.requests if r.method == method and path_part in r.path]

    def fail(self, status: int, *, times: int = 1, retry_after: float | str | None = None, match: str = "") -> None:
        """The next `times` requests whose path or query contains `match` are answered `status`."""
        with self._lock:
            self._failures.append(Failure(status, times, None if retry_after is None else str(retry_after), match))

    def expire_sessions(self) -> None:
        """Every session ends, the access token's too (401 INVALID_SESSION_ID); a new login starts a new one."""
        with self._lock:
            self._sessions.clear()

    # --- records ---

    def _insert(self, sobject: str, fields: dict[str, Any]) -> str:
        record = {**SCHEMA[sobject], **fields}
        record["Id"] = salesforce_id(PREFIXES[sobject], next(self._numbers))
        self._records[sobject][record["Id"]] = record
        self._derive(record, fields)
        record["SystemModstamp"] = self.now
        return record["Id"]

    def _update(self, record: dict[str, Any], fields: dict[str, Any]) -> None:
        record.update(fields)
        self._derive(record, fields)
        record["SystemModstamp"] = self.now

    def _derive(self, record: dict[str, Any], changed: dict[str, Any]) -> None:
        if "StageName" in changed and record["Id"].startswith(PREFIXES["Opportunity"]):
            stage = self._stage(record["StageName"])
            if stage:
                record["IsClosed"], record["IsWon"] = stage["IsClosed"], stage["IsWon"]
                if "Probability" not in changed:
                    record["Probability"] = Decimal(stage["DefaultProbability"])
        if record["Id"].startswith(PREFIXES["Task"]):
            if "Status" in changed:
                record["IsClosed"] = record["Status"] == "Completed"
            if "WhatId" in changed:
                what = self._live(record["WhatId"]) if record["WhatId"] else None
                record["AccountId"] = what and (what["Id"] if what["Id"].startswith("001") else what["AccountId"])

    def _stage(self, api_name: str) -> dict[str, Any] | None:
        return next((s for s in self._records["OpportunityStage"].values() if s["ApiName"] == api_name), None)

    def _find(self, record_id: str) -> dict[str, Any]:
        for records in self._records.values():
            if record_id in records:
                return records[record_id]
        raise KeyError(record_id)

    def _live(self, record_id: str, sobject: str | None = None) -> dict[str, Any] | None:
        """The record with that id (of that type), unless it is in the Recycle Bin."""
        for name, records in self._records.items():
            record = records.get(record_id)
            if record is not None and (sobject is None or name == sobject) and not record.get("IsDeleted"):
                return record
        return None

    def _row(self, record: dict[str, Any], query: Query, version: str) -> dict[str, Any]:
        row: dict[str, Any] = {"attributes": {"type": query.sobject,
                                              "url": f"/services/data/v{version}/sobjects/{query.sobject}/"
                                                     f"{record['Id']}"}}
        row.update((name, record[name]) for name in query.fields)
        return row

    # --- the REST API ---

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        text = raw.decode()
        body: Any = json.loads(text) if text and request.content_type == "application/json" else (text or None)
        recorded = Request(request.method, request.path, dict(request.query), body, dict(request.headers))
        with self._lock:
            self.requests.append(recorded)
            response = self._answer(recorded)
            recorded.status = response.status
        return response

    def _answer(self, request: Request) -> web.Response:
        failure = self._failure(request)
        if failure is not None:
            return failure
        if request.method == "POST" and request.path.startswith("/services/Soap/u/"):
            return self._login(request)
        match = DATA_PATH.match(request.path)
        if not match:
            return _respond(ERRORS[404], 404)
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self._sessions:
            return _respond(ERRORS[401], 401, {"WWW-Authenticate": "Token"})
        self.api_used += 1
        if self.api_used > self.daily_max:
            return _respond(ERRORS[403], 403)
        try:
            response = self._route(request, match["version"], match["rest"].rstrip("/"))
        except SoqlError as exc:
            response = _respond([{"message": exc.message, "errorCode": exc.code}], 400)
        response.headers["Sforce-Limit-Info"] = f"api-usage={self.api_used}/{self.daily_max}"
        return response

    def _failure(self, request: Request) -> web.Response | None:
        where = request.path + "?" + "&".join(request.query.values())
        failure = next((f for f in self._failures if f.match in where), None)
        if failure is None:
            return None
        failure.times -= 1
        if failure.times == 0:
            self._failures.remove(failure)
        if failure.status == 429:  # Salesforce itself answers limits with 403; 429 comes from what stands before it
            return web.Response(text="Too Many Requests", status=429,
                                headers={"Retry-After": failure.retry_after} if failure.retry_after else None)
        body = ERRORS.get(failure.status, ERRORS[500])
        headers = {"WWW-Authenticate": "Token"} if failure.status == 401 else None
        return _respond(body, failure.status, headers)

    def _route(self, request: Request, version: str, rest: str) -> web.Response:
        method = request.method
        if method == "GET" and rest in ("query", "queryAll"):
            return self._query(request, version, rest)
        if method == "GET" and (more := LOCATOR.match(rest)):
            return self._more(more["locator"], int(more["offset"]), version)
        if method == "GET" and rest == "":
            return _respond({name: f"/services/data/v{version}/{name}" for name in (
                "sobjects", "query", "queryAll", "composite", "limits", "search", "recent", "tooling")})
        if method == "GET" and rest == "limits" and not self.view_setup:
            return _respond([{"message": "The user does not have the View Setup and Configuration permission",
                              "errorCode": "INSUFFICIENT_ACCESS"}], 403)
        if method == "GET" and rest == "limits":
            return _respond({"DailyApiRequests": {"Max": self.daily_max,
                                                  "Remaining": max(self.daily_max - self.api_used, 0)},
                             "DailyBulkApiRequests": {"Max": 10000, "Remaining": 10000},
                             "DataStorageMB": {"Max": 1024, "Remaining": 1000}})
        if rest == "composite/sobjects" and method in ("POST", "PATCH"):
            return self._collection(request.body, create=method == "POST")
        parts = rest.split("/")
        if parts[0] == "sobjects" and len(parts) == 2 and method == "POST" and parts[1] in SCHEMA:
            result = self._create(parts[1], request.body)
            return _respond(result[1], 201) if result[0] == 201 else _respond(result[1], result[0])
        if parts[0] == "sobjects" and len(parts) == 3 and method == "PATCH" and parts[1] in SCHEMA:
            status, errors = self._change(parts[1], parts[2], request.body)
            return web.Response(status=204) if status == 204 else _respond(errors, status)
        return _respond(ERRORS[404], 404)

    def _query(self, request: Request, version: str, kind: str) -> web.Response:
        query = parse(request.query.get("q", ""), self._schema())
        deleted = kind == "queryAll"
        records = [r for r in self._records[query.sobject].values()
                   if (deleted or not r.get("IsDeleted")) and query.matches(r)]
        if query.order_by:
            records.sort(key=lambda r: (r[query.order_by] is None, r[query.order_by] or 0, r["Id"]),
                         reverse=query.descending)
        ids = [r["Id"] for r in records[:query.limit]]
        options = request.headers.get("Sforce-Query-Options", "")
        asked = re.search(r"batchSize=(\d+)", options)
        batch = min(max(int(asked[1]), 200), 2000) if asked else 2000
        locator = salesforce_id("01g", next(self._numbers))[:15]
        self._cursors[locator] = _Cursor(query, ids, batch, kind)
        return self._more(locator, 0, version)

    def _more(self, locator: str, offset: int, version: str) -> web.Response:
        cursor = self._cursors.get(locator)
        if cursor is None or offset > len(cursor.ids):
            return _respond([{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}], 400)
        page_ids = cursor.ids[offset:offset + cursor.batch]
        records = self._records[cursor.query.sobject]
        body: dict[str, Any] = {"totalSize": len(cursor.ids), "done": offset + len(page_ids) >= len(cursor.ids)}
        if not body["done"]:
            body["nextRecordsUrl"] = f"/services/data/v{version}/{cursor.kind}/{locator}-{offset + cursor.batch}"
        else:
            del self._cursors[locator]
        body["records"] = [self._row(records[i], cursor.query, version) for i in page_ids if i in records]
        return _respond(body)

    def _schema(self) -> dict[str, dict[str, Any]]:
        if self.multi_currency:
            return SCHEMA
        return {**SCHEMA, "Opportunity": {k: v for k, v in SCHEMA["Opportunity"].items() if k != "CurrencyIsoCode"}}

    def _invalid(self, sobject: str, fields: dict[str, Any]) -> list[dict[str, Any]] | None:
        """Salesforce's errors for fields one may not write, or None."""
        known = self._schema()[sobject]
        unknown = [name for name in fields if name not in known and name != "attributes"]
        if unknown:
            return [{"message": f"No such column '{unknown[0]}' on sobject of type {sobject}",
                     "errorCode": "INVALID_FIELD"}]
        read_only = [name for name in fields if name in READ_ONLY or (sobject == "Task" and name == "AccountId")]
        if read_only:
            return [{"message": f"Unable to create/update fields: {', '.join(read_only)}. Please check the security "
                                "settings of this field and verify that it is read/write for your profile or "
                                "permission set.", "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
                     "fields": read_only}]
        if "StageName" in fields and self._stage(fields["StageName"]) is None:
            return [{"message": f"Stage: bad value for restricted picklist field: {fields['StageName']}",
                     "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "fields": ["StageName"]}]
        for reference in ("WhatId", "ParentId"):
            if fields.get(reference) and self._live(fields[reference]) is None:
                return [{"message": f"{reference}: id value of incorrect type: {fields[reference]}",
                         "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": [reference]}]
        return None

    def _create(self, sobject: str, fields: Any) -> tuple[int, Any]:
        if not isinstance(fields, dict):
            return 400, [{"message": "The request body is not valid JSON", "errorCode": "JSON_PARSER_ERROR"}]
        fields = {k: v for k, v in fields.items() if k != "attributes"}
        errors = self._invalid(sobject, fields)
        missing = [name for name in REQUIRED.get(sobject, ()) if not fields.get(name)]
        if not errors and missing:
            errors = [{"message": f"Required fields are missing: [{', '.join(missing)}]",
                       "errorCode": "REQUIRED_FIELD_MISSING", "fields": missing}]
        if errors:
            return 400, errors
        return 201, {"id": self._insert(sobject, _decimals(fields)), "success": True, "errors": []}

    def _change(self, sobject: str, record_id: str, fields: Any) -> tuple[int, Any]:
        if not isinstance(fields, dict):
            return 400, [{"message": "The request body is not valid JSON", "errorCode": "JSON_PARSER_ERROR"}]
        record = self._live(record_id, sobject)
        if record is None:
            return 404, ERRORS[404]
        fields = {k: v for k, v in fields.items() if k not in ("attributes", "id")}
        errors = self._invalid(sobject, fields)
        if errors:
            return 400, errors
        self._update(record, _decimals(fields))
        return 204, None

    def _collection(self, body: Any, *, create: bool) -> web.Response:
        """sObject Collections: up to 200 records, each answered on its own (allOrNone false)."""
        records = body.get("records") if isinstance(body, dict) else None
        if not isinstance(records, list) or not 0 < len(records) <= 200:
            return _respond([{"message": "Exceeded max size limit of 200 or empty records",
                              "errorCode": "INVALID_FIELD" if records else "INVALID_INPUT"}], 400)
        results = []
        for record in records:
            sobject = (record.get("attributes") or {}).get("type")
            if sobject not in SCHEMA:
                status, outcome = 400, [{"message": "Invalid type", "errorCode": "INVALID_TYPE"}]
            elif create:
                status, outcome = self._create(sobject, record)
            else:
                status, outcome = self._change(sobject, record.get("id", ""), record)
            if status in (201, 204):
                results.append({"id": outcome["id"] if create else record["id"], "success": True, "errors": []})
            else:
                errors = [{"statusCode": "INVALID_CROSS_REFERENCE_KEY" if status == 404 else e["errorCode"],
                           "message": e["message"], "fields": e.get("fields", [])} for e in outcome]
                results.append({"success": False, "errors": errors})
        return _respond(results)

    def _login(self, request: Request) -> web.Response:
        """The SOAP login (partner API): a session and this stand-in as its server, or an INVALID_LOGIN fault."""
        namespace = "{urn:partner.soap.sforce.com}"
        try:
            envelope = ElementTree.fromstring(request.body or "")
            username = envelope.findtext(f".//{namespace}username") or ""
            password = envelope.findtext(f".//{namespace}password") or ""
        except ElementTree.ParseError:
            username = password = ""
        if not username or self.logins.get(username) != password:
            return web.Response(text=LOGIN_FAULT, status=500, content_type="text/xml", charset="UTF-8")
        session = f"{ORG_ID}!AQ{secrets.token_urlsafe(24)}"
        self._sessions.add(session)
        version = request.path.rsplit("/", 1)[-1]
        server = f"{self.instance_url}/services/Soap/u/{version}/{ORG_ID}"
        return web.Response(text=LOGIN_RESPONSE.format(server=server, session=session, username=username,
                                                       metadata=server.replace("/Soap/u/", "/Soap/m/")),
                            content_type="text/xml", charset="UTF-8")

    # --- the server ---

    def _app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    def start(self) -> None:
        certificate = loopback_certificate()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate.cert_file, certificate.key_file)
        self._server = ThreadedServer(self._app, ssl_context=context, access_log=False)
        self.port = self._server.start()

    def stop(self) -> None:
        self._server.stop()


def _decimals(fields: dict[str, Any]) -> dict[str, Any]:
    """Numbers as Salesforce keeps them (exact decimals)."""
    return {k: Decimal(str(v)) if isinstance(v, float | int) and not isinstance(v, bool) else v
            for k, v in fields.items()}


LOGIN_RESPONSE = """<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope \
xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>\
<metadataServerUrl>{metadata}</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>false</sandbox>\
<serverUrl>{server}</serverUrl><sessionId>{session}</sessionId><userId>0055g00000LOCALAAA</userId><userInfo>\
<currencySymbol>€</currencySymbol><orgDefaultCurrencyIsoCode>EUR</orgDefaultCurrencyIsoCode>\
<organizationId>00D5g00000LOCALEAA</organizationId><organizationMultiCurrency>true</organizationMultiCurrency>\
<organizationName>Stand-in</organizationName><sessionSecondsValid>7200</sessionSecondsValid>\
<userEmail>{username}</userEmail><userFullName>Integration User</userFullName><userLanguage>en_US</userLanguage>\
<userName>{username}</userName><userTimeZone>Europe/Amsterdam</userTimeZone><userType>Standard</userType>\
</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"""

LOGIN_FAULT = """<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope \
xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>INVALID_LOGIN\
</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.\
</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>\
<sf:exceptionMessage>Invalid username, password, security token; or user locked out.</sf:exceptionMessage>\
</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"""
