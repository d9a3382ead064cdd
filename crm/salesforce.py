"""The Salesforce connector: SOQL pulls and REST writes through simple-salesforce, on its default API version.

It signs in with an instance URL and an access token (a connected app's OAuth token, or a session id), or with a
username, password and security token through the SOAP login at `https://{domain}.salesforce.com` (`login_url`
points that elsewhere; a session that expires is renewed once by logging in again). Every request goes through one
counting HTTP session (`calls`). Not thread-safe: one connector per sync.

Removed records come from `queryAll` with `IsDeleted = true`: the same paged SOQL as the pulls, and it needs no end
time, where the getDeleted resource needs a window that starts within the last 15 days. Both see only what is still
in the Recycle Bin (15 days), so a sync that was down longer than that should run in full.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from itertools import chain, islice
from typing import Any, TypeVar

import requests
from simple_salesforce import Salesforce, SalesforceLogin
from simple_salesforce.api import DEFAULT_API_VERSION
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError, SalesforceExpiredSession

from crm.connector import (
    MAX_WAIT,
    ApiUsage,
    CrmAuthError,
    CrmCompany,
    CrmDeal,
    CrmError,
    CrmOwner,
    CrmRateLimited,
    CrmRejected,
    CrmTask,
    CrmUnavailable,
    DealUpdate,
    Kind,
    TaskDraft,
    holds_marker,
)
from crm.salesforce_http import CountingAdapter, counting_session
from crm.salesforce_records import (
    ACCOUNT_FIELDS,
    CURRENCY_FIELD,
    OPPORTUNITY_FIELDS,
    STAGE_FIELDS,
    TASK_FIELDS,
    USER_FIELDS,
    Row,
    Stage,
    company_from_row,
    deal_from_row,
    owner_from_row,
    select_modified,
    select_removed,
    stage_from_row,
    task_from_row,
)

log = logging.getLogger(__name__)
SALESFORCE_ID = re.compile(r"^[A-Za-z0-9]{15,18}$")
T = TypeVar("T")

API_VERSION = DEFAULT_API_VERSION  # "59.0" in simple-salesforce 1.12
BATCH_SIZE = 2000  # the most records Salesforce returns in one query batch
COLLECTION_SIZE = 200  # the most records one sObject Collections request writes
SOBJECTS: dict[Kind, str] = {"owners": "User", "companies": "Account", "deals": "Opportunity", "tasks": "Task"}
PERMISSIONS = ("the user needs 'API Enabled', read and edit on Opportunity, read on Account, read, create and edit "
               "on Task, and read on User")


class _InvalidField(CrmRejected):
    """A SOQL query named a field the org does not have (INVALID_FIELD)."""


@dataclass(frozen=True)
class _Login:
    username: str
    password: str = field(repr=False)
    security_token: str = field(repr=False)
    url: str = ""


class SalesforceConnector:
    """The CrmConnector for Salesforce (see crm/connector.py for what each method promises)."""

    name = "salesforce"

    def __init__(self, *, instance_url: str | None = None, access_token: str | None = None,
                 username: str | None = None, password: str | None = None, security_token: str | None = None,
                 domain: str = "login", login_url: str | None = None, verify: bool | str = True,
                 timeout: float = 30.0, sleep: Callable[[float], None] = time.sleep) -> None:
        """`domain` is "login", "test" (a sandbox) or a My Domain's ("acme.my"); `verify` is True or the path of a CA
        bundle to trust instead of the system's; `sleep` waits out a 429."""
        self._adapter = CountingAdapter(timeout, verify)
        self._http = counting_session(self._adapter)
        self._sleep = sleep
        self._client: Salesforce | None = None
        self._login: _Login | None = None
        self._stages: dict[str, Stage] | None = None
        self._multi_currency: bool | None = None  # unknown until the first opportunity query says
        if instance_url and access_token:
            self._client = self._connect(access_token, instance_url)
        elif username and password and security_token is not None:
            self._login = _Login(username, password, security_token,
                                 (login_url or f"https://{domain}.salesforce.com").rstrip("/"))
        else:
            raise ValueError("Salesforce needs an instance URL with an access token, "
                             "or a username, password and security token")

    @property
    def calls(self) -> int:
        return self._adapter.sent

    # --- pulls ---

    def check(self) -> None:
        """Reads the API version's list of resources, which every user with 'API Enabled' may."""
        self._call(lambda sf: sf.restful(""), "the API")

    def pull_owners(self) -> Iterator[CrmOwner]:
        for row in self._query(f"SELECT {', '.join(USER_FIELDS)} FROM User WHERE IsActive = true"):
            yield owner_from_row(row)

    def pull_companies(self, since: datetime | None) -> Iterator[CrmCompany]:
        for row in self._query(select_modified(ACCOUNT_FIELDS, "Account", since)):
            yield company_from_row(row)

    def pull_deals(self, since: datetime | None) -> Iterator[CrmDeal]:
        stages = self._stage_table()
        for row in self._opportunities(since):
            yield deal_from_row(row, stages)

    def pull_tasks(self, since: datetime | None) -> Iterator[CrmTask]:
        for row in self._query(select_modified(TASK_FIELDS, "Task", since)):
            yield task_from_row(row)

    def removed(self, kind: Kind, since: datetime | None) -> Iterator[str]:
        sobject = SOBJECTS[kind]
        for row in self._query(select_removed(sobject, since), deleted=sobject != "User"):
            yield row["Id"]

    def usage(self) -> ApiUsage | None:
        """The daily API requests: from the last answer's Sforce-Limit-Info, else from the limits resource, else
        (that resource needs 'View Setup and Configuration') from the header of a cheap call."""
        if seen := self._seen_usage():
            return seen
        try:
            daily = self._call(lambda sf: sf.limits(), "the API limits")["DailyApiRequests"]
        except CrmAuthError:
            self.check()
            return self._seen_usage()
        return ApiUsage(used=daily["Max"] - daily["Remaining"], limit=daily["Max"])

    def _seen_usage(self) -> ApiUsage | None:
        seen = Salesforce.parse_api_usage(self._adapter.limit_info).get("api-usage") if self._adapter.limit_info \
            else None
        return ApiUsage(used=seen.used, limit=seen.total) if seen else None

    # --- pushes ---

    def deal(self, deal_id: str) -> CrmDeal:
        if not SALESFORCE_ID.match(deal_id):
            raise CrmRejected(f"{deal_id!r} is no Salesforce id")
        stages = self._stage_table()
        fields = OPPORTUNITY_FIELDS + ((CURRENCY_FIELD,) if self._multi_currency else ())
        row = next(self._query(f"SELECT {', '.join(fields)} FROM Opportunity WHERE Id = '{deal_id}'"), None)
        if row is None:
            raise CrmRejected(f"Salesforce has no opportunity {deal_id} (deleted?)")
        return deal_from_row(row, stages)

    def update_deal(self, deal_id: str, update: DealUpdate) -> None:
        fields = self._deal_fields(update)
        if fields:
            self._call(lambda sf: sf.Opportunity.update(deal_id, fields), f"the update of opportunity {deal_id}")

    def add_note(self, deal_id: str, body: str, at: datetime) -> str:
        """A classic Note on the opportunity: one request, plain text, shown under Notes & Attachments in Lightning
        and Classic alike (an enhanced ContentNote needs Notes switched on, base64 HTML and a ContentDocumentLink).
        Its title is the date and the body's first line (Title holds 80 characters)."""
        title = f"{at.date().isoformat()} {body.strip().splitlines()[0] if body.strip() else ''}".strip()[:80]
        note = {"ParentId": deal_id, "Title": title, "Body": body}
        return self._call(lambda sf: sf.Note.create(note), f"a note on opportunity {deal_id}")["id"]

    def create_task(self, draft: TaskDraft) -> str:
        task = _task_fields(draft)
        return self._call(lambda sf: sf.Task.create(task), "a new task")["id"]

    def complete_task(self, task_id: str) -> None:
        self._call(lambda sf: sf.Task.update(task_id, {"Status": "Completed"}), f"completing task {task_id}")

    def move_task(self, task_id: str, due_at: datetime) -> None:
        """Moves the due date; Salesforce keeps a date only, the due time's own calendar date."""
        fields = {"ActivityDate": due_at.date().isoformat()}
        self._call(lambda sf: sf.Task.update(task_id, fields), f"moving task {task_id}")

    def find_task(self, marker: str, deal_id: str | None) -> str | None:
        """The deal's tasks, their description read here: SOQL cannot filter on a long text area."""
        if deal_id is None or not SALESFORCE_ID.match(deal_id):
            return None
        for row in self._query(f"SELECT Id, Description FROM Task WHERE WhatId = '{deal_id}'"):
            if holds_marker(row.get("Description"), marker):
                return row["Id"]
        return None

    # --- batch pushes (sObject Collections: up to 200 records a request) ---

    def update_many(self, deals: Mapping[str, DealUpdate] | None = None, completed_tasks: Iterable[str] = (),
                    moved_tasks: Mapping[str, datetime] | None = None) -> dict[str, CrmRejected]:
        """Several updates in as few requests as Salesforce allows; answers the ids it refused, with why.

        A task both completed and moved is one record. Opportunities and tasks go in separate chunks of a request,
        as Salesforce processes a collection in runs of one type."""
        records: dict[str, dict[str, Any]] = {}
        for deal_id, update in (deals or {}).items():
            if fields := self._deal_fields(update):
                records[deal_id] = {"attributes": {"type": "Opportunity"}, "id": deal_id, **fields}
        for task_id in completed_tasks:
            records.setdefault(task_id, {"attributes": {"type": "Task"}, "id": task_id})["Status"] = "Completed"
        for task_id, due_at in (moved_tasks or {}).items():
            records.setdefault(task_id, {"attributes": {"type": "Task"}, "id": task_id})["ActivityDate"] = (
                due_at.date().isoformat())
        ordered = sorted(records.values(), key=lambda record: record["attributes"]["type"])
        refused: dict[str, CrmRejected] = {}
        for chunk in _chunks(ordered, COLLECTION_SIZE):
            results = self._collection("PATCH", chunk)
            for record, result in zip(chunk, results, strict=True):
                if not result["success"]:
                    refused[record["id"]] = _refusal(result, f"the update of {record['id']}")
        return refused

    def create_tasks(self, drafts: Iterable[TaskDraft]) -> list[str | CrmRejected]:
        """Several tasks in as few requests as Salesforce allows: each draft's new id, or why it was refused."""
        created: list[str | CrmRejected] = []
        for chunk in _chunks([{"attributes": {"type": "Task"}, **_task_fields(d)} for d in drafts], COLLECTION_SIZE):
            created += [result["id"] if result["success"] else _refusal(result, "a new task")
                        for result in self._collection("POST", chunk)]
        return created

    # --- the rest ---

    def _collection(self, method: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = {"allOrNone": False, "records": records}
        return self._call(lambda sf: sf.restful("composite/sobjects", method=method, json=body),
                          f"{len(records)} records") or []

    def _deal_fields(self, update: DealUpdate) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if update.stage is not None:
            fields["StageName"] = self._stage_api_name(update.stage)
        if update.amount is not None:
            fields["Amount"] = float(update.amount)  # JSON number; a currency field holds 18 digits, 2 decimal
        if update.probability is not None:
            fields["Probability"] = update.probability
        if update.close_date is not None:
            fields["CloseDate"] = update.close_date.isoformat()
        return fields

    def _stage_api_name(self, stage: str) -> str:
        """The API name StageName takes for a stage given by label or API name; an unknown one as given."""
        stages = self._stage_table()
        if stage in stages:
            return stage
        return next((s.api_name for s in stages.values() if s.label.casefold() == stage.casefold()), stage)

    def _stage_table(self) -> dict[str, Stage]:
        """The opportunity stages by API name, read once per connector."""
        if self._stages is None:
            soql = f"SELECT {', '.join(STAGE_FIELDS)} FROM OpportunityStage"
            self._stages = {stage.api_name: stage for stage in map(stage_from_row, self._query(soql))}
        return self._stages

    def _opportunities(self, since: datetime | None) -> Iterator[Row]:
        """Opportunity rows, with their currency when the org has several; the first query finds out which."""
        if self._multi_currency is False:
            yield from self._query(select_modified(OPPORTUNITY_FIELDS, "Opportunity", since))
            return
        rows = self._query(select_modified(OPPORTUNITY_FIELDS + (CURRENCY_FIELD,), "Opportunity", since))
        try:
            first = next(rows, None)
        except _InvalidField as exc:
            if CURRENCY_FIELD not in str(exc):
                raise
            self._multi_currency = False
            yield from self._opportunities(since)
            return
        self._multi_currency = True
        if first is not None:
            yield from chain([first], rows)

    def _query(self, soql: str, deleted: bool = False) -> Iterator[Row]:
        """The rows of a SOQL query, a batch of up to 2,000 at a time, following nextRecordsUrl."""
        log.debug("salesforce %s: %s", "queryAll" if deleted else "query", soql)
        options = {"Sforce-Query-Options": f"batchSize={BATCH_SIZE}"}
        page = self._call(lambda sf: sf.query(soql, include_deleted=deleted, headers=options), "a query")
        while True:
            yield from page["records"]
            if page["done"]:
                return
            page = self._call(partial(_more, next_url=page["nextRecordsUrl"]), "the next query batch")

    def _call(self, request: Callable[[Salesforce], T], what: str) -> T:
        """One request, its errors as CrmErrors: a 429 waited out once (up to MAX_WAIT), an expired login renewed."""
        waited = renewed = False
        while True:
            try:
                return request(self._session())
            except SalesforceExpiredSession as exc:
                if self._login is None or renewed:
                    raise self._auth_error(exc) from exc
                log.info("salesforce: the session expired; logging in again")
                renewed, self._client = True, None
            except SalesforceError as exc:
                if exc.status != 429:
                    raise _translate(exc, what) from exc
                wait = _seconds(self._adapter.retry_after)
                if waited or wait is None or wait > MAX_WAIT:
                    raise CrmRateLimited(f"Salesforce is rate limiting {what} (429, Retry-After {wait} s): "
                                         "try again later", wait) from exc
                log.info("salesforce: rate limited; waiting %.1f s before trying %s again", wait, what)
                self._sleep(wait)
                waited = True
            except requests.RequestException as exc:
                raise CrmUnavailable(f"Salesforce could not be reached for {what} ({type(exc).__name__}): "
                                     "try again later") from exc

    def _session(self) -> Salesforce:
        if self._client is None:
            assert self._login is not None
            self._client = self._sign_in(self._login)
        return self._client

    def _sign_in(self, login: _Login) -> Salesforce:
        try:
            session_id, instance = SalesforceLogin(
                username=login.username, password=login.password, security_token=login.security_token,
                sf_version=API_VERSION, session=self._http, scratch_url=login.url)
        except SalesforceAuthenticationFailed as exc:  # its code is the HTTP status when the answer was no SOAP
            if exc.code == 429:
                wait = _seconds(self._adapter.retry_after)
                raise CrmRateLimited(f"Salesforce's login is rate limited (429, Retry-After {wait} s): try again "
                                     "later", wait) from exc
            if isinstance(exc.code, int) and exc.code >= 500:
                raise CrmUnavailable(f"Salesforce's login answered {exc.code}: try again later") from exc
            raise CrmAuthError(
                f"Salesforce refused the login of {login.username} at {login.url} ({exc.code}: {exc.auth_message}): "
                "check SALESFORCE_USERNAME, SALESFORCE_PASSWORD, SALESFORCE_SECURITY_TOKEN and SALESFORCE_DOMAIN, "
                "and that "
                f"{PERMISSIONS}") from exc
        except requests.RequestException as exc:
            raise CrmUnavailable(f"Salesforce's login at {login.url} could not be reached ({type(exc).__name__}): "
                                 "try again later") from exc
        return self._connect(session_id, f"https://{instance}")

    def _connect(self, session_id: str, instance_url: str) -> Salesforce:
        return Salesforce(instance_url=instance_url, session_id=session_id, version=API_VERSION, session=self._http,
                          parse_float=Decimal, object_pairs_hook=dict)

    def _auth_error(self, exc: SalesforceError) -> CrmAuthError:
        code, message = _first_error(exc)
        if self._login is not None:
            return CrmAuthError(f"Salesforce refused the session of {self._login.username} ({code}: {message}) "
                                f"right after logging in: check that {PERMISSIONS}")
        return CrmAuthError(f"Salesforce refused the access token ({code}: {message}): check SALESFORCE_ACCESS_TOKEN "
                            "and SALESFORCE_INSTANCE_URL; a connected app's token needs the 'api' OAuth scope (and "
                            f"'refresh_token' to outlive the session), and {PERMISSIONS}")


def _more(sf: Salesforce, next_url: str) -> Any:
    return sf.query_more(next_url, identifier_is_url=True)


def _task_fields(draft: TaskDraft) -> dict[str, Any]:
    """A new task's fields: Salesforce keeps its due date only, the due time's own calendar date."""
    task = {"Subject": draft.subject[:255], "ActivityDate": draft.due_at.date().isoformat(), "Status": "Not Started"}
    optional = {"OwnerId": draft.owner_id, "WhatId": draft.deal_id, "Description": draft.body}
    return task | {field: value for field, value in optional.items() if value is not None}


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After in seconds; None when absent or given as a date."""
    try:
        return float(retry_after) if retry_after is not None else None
    except ValueError:
        return None


def _first_error(exc: SalesforceError) -> tuple[str, str]:
    """The errorCode and message of Salesforce's error body (a list of {"errorCode", "message"})."""
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode", exc.status)), str(content[0].get("message", "")).strip()
    text = content.decode(errors="replace") if isinstance(content, bytes) else str(content)
    return str(exc.status), text.strip()[:200]


def _translate(exc: SalesforceError, what: str) -> CrmError:
    code, message = _first_error(exc)
    if exc.status == 403 and code == "REQUEST_LIMIT_EXCEEDED":
        return CrmRateLimited(f"Salesforce's daily API request limit is used up ({message}): syncing resumes as "
                              "the 24-hour window frees requests", None)
    if exc.status in (401, 403):
        return CrmAuthError(f"Salesforce refused {what} ({code}: {message}): check that {PERMISSIONS}")
    if exc.status >= 500:
        return CrmUnavailable(f"Salesforce answered {exc.status} to {what} ({code}): try again later")
    error = _InvalidField if code == "INVALID_FIELD" else CrmRejected
    return error(f"Salesforce rejected {what} ({code}: {message})")


def _refusal(result: Mapping[str, Any], what: str) -> CrmRejected:
    """One record's refusal in an sObject Collections answer."""
    errors = result.get("errors") or [{}]
    return CrmRejected(f"Salesforce rejected {what} ({errors[0].get('statusCode')}: {errors[0].get('message')})")
