"""The one interface every CRM connector implements (HubSpot, Salesforce), and the records it speaks in.

A connector is an adapter, as the chat platforms are: it turns the CRM's API into these plain records and back,
and nothing outside `crm/` sees the CRM's SDK. Ids are the CRM's own, as strings. Times are aware (UTC).

Pulling is incremental: each `pull_*` yields the records modified at or after `since` (all of them when `since`
is None), paging through the CRM's results as it goes, so memory stays flat in the number of records. `removed`
yields the ids of records archived or deleted since then: the sync closes them locally, never silently keeps
them. Pushing writes one change and answers the CRM's id where it made something.

Every call that reaches the CRM may raise one of the `CrmError`s below; the connector retries nothing itself
except a 429, which it waits out when the CRM says for how long (`Retry-After`, at most `MAX_WAIT` seconds) and
otherwise raises `CrmRateLimited`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Protocol

Kind = Literal["owners", "companies", "deals", "tasks"]
MAX_WAIT = 30.0  # seconds a connector waits out a 429 before it gives up and raises CrmRateLimited


class CrmError(Exception):
    """Something the CRM refused or could not do; the message names the CRM and says what to check."""


class CrmAuthError(CrmError):
    """The token or login was refused (401, 403, INVALID_SESSION_ID): nothing can be synced until it is fixed."""


class CrmRateLimited(CrmError):
    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CrmUnavailable(CrmError):
    """The CRM could not be reached or answered 5xx: try again later."""


class CrmRejected(CrmError):
    """The CRM refused one record (400, 404 or a validation error); trying the same again will not help."""


@dataclass(frozen=True)
class CrmOwner:
    id: str
    email: str | None
    name: str | None


@dataclass(frozen=True)
class CrmCompany:
    id: str
    name: str
    owner_id: str | None
    modified_at: datetime


@dataclass(frozen=True)
class CrmDeal:
    id: str
    title: str
    company_id: str | None  # the primary associated company / the opportunity's account
    owner_id: str | None
    amount: Decimal | None
    currency: str | None  # ISO 4217; None: the CRM's company currency
    close_date: date | None
    stage: str  # the stage's label as the CRM shows it ("Contract sent", "Negotiation/Review")
    probability: int | None  # 0–100: the deal's own, else its stage's
    closed: bool
    won: bool
    modified_at: datetime


@dataclass(frozen=True)
class CrmTask:
    id: str
    subject: str
    due_at: datetime | None
    owner_id: str | None
    deal_id: str | None
    company_id: str | None
    done: bool
    modified_at: datetime


@dataclass(frozen=True)
class DealUpdate:
    """The fields a debrief changes; None leaves a field as it is in the CRM."""

    stage: str | None = None  # a CRM stage label or id the connector knows
    amount: Decimal | None = None
    probability: int | None = None
    close_date: date | None = None


@dataclass(frozen=True)
class TaskDraft:
    owner_id: str | None
    subject: str
    due_at: datetime
    deal_id: str | None
    body: str | None = None


@dataclass(frozen=True)
class ApiUsage:
    """The CRM's own count of API calls in its window (Salesforce: DailyApiRequests)."""

    used: int
    limit: int


class CrmConnector(Protocol):
    name: str  # "hubspot" | "salesforce", as the CRM setting spells it
    calls: int  # HTTP requests made so far (the bench compares it with the minimum the page sizes allow)

    def check(self) -> None:
        """One cheap authenticated call; raises CrmAuthError when the credentials are refused."""

    def pull_owners(self) -> Iterator[CrmOwner]: ...
    def pull_companies(self, since: datetime | None) -> Iterator[CrmCompany]: ...
    def pull_deals(self, since: datetime | None) -> Iterator[CrmDeal]: ...
    def pull_tasks(self, since: datetime | None) -> Iterator[CrmTask]: ...
    def removed(self, kind: Kind, since: datetime | None) -> Iterator[str]:
        """Ids of records of `kind` archived or deleted at or after `since`."""

    def deal(self, deal_id: str) -> CrmDeal:
        """One deal as the CRM has it now (one request once the stages are known); CrmRejected when it is gone."""

    def update_deal(self, deal_id: str, update: DealUpdate) -> None: ...
    def add_note(self, deal_id: str, body: str, at: datetime) -> str: ...
    def create_task(self, draft: TaskDraft) -> str: ...
    def complete_task(self, task_id: str) -> None: ...
    def move_task(self, task_id: str, due_at: datetime) -> None: ...
    def find_task(self, marker: str, deal_id: str | None) -> str | None:
        """The id of a task (on deal `deal_id`) whose body holds `marker` as a whole word, if there is one: a create
        retried after an attempt that may have gone through looks for what that attempt made."""

    def usage(self) -> ApiUsage | None:
        """The CRM's API usage in its window, where it reports one (Salesforce); None otherwise."""


def holds_marker(text: str | None, marker: str) -> bool:
    """Whether `marker` is in `text` as a whole word (salescoach:followup:1 is not in …:followup:12)."""
    return bool(text) and re.search(re.escape(marker) + r"(?![\w:])", text) is not None
