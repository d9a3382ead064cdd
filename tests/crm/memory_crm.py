"""A CRM in memory that implements `crm.connector.CrmConnector` exactly, for the sync's tests: records are set by
the test, stamped with the test's clock as their modified time, and pulled oldest change first, as the real
connectors do. Paging is left out: the connector yields records one by one either way."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from coach.clock import Clock
from crm.connector import (
    ApiUsage,
    CrmAuthError,
    CrmCompany,
    CrmDeal,
    CrmOwner,
    CrmTask,
    CrmUnavailable,
    DealUpdate,
    Kind,
    TaskDraft,
)


class MemoryCrm:
    name = "hubspot"

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls = 0
        self.owners: dict[str, CrmOwner] = {}
        self.records: dict[Kind, dict[str, Any]] = {"companies": {}, "deals": {}, "tasks": {}}
        self.removals: dict[Kind, dict[str, datetime]] = {"companies": {}, "deals": {}, "tasks": {}}
        self.refused = False  # every call raises CrmAuthError, as for a revoked token
        self.fail_deals_after: int | None = None  # pulling deals fails (CrmUnavailable) after this many
        self.gate: threading.Event | None = None  # a pull of deals waits for it (a sync that is under way)
        self.waiting = threading.Event()  # set when a pull of deals waits at the gate
        self.pushed: list[tuple[str, Any]] = []

    # --- the test's side ---

    def owner(self, owner_id: str, email: str | None, name: str | None = None) -> None:
        self.owners[owner_id] = CrmOwner(owner_id, email, name)

    def company(self, company_id: str, name: str, owner_id: str | None = None) -> None:
        self.records["companies"][company_id] = CrmCompany(company_id, name, owner_id, self.clock())

    def deal(self, deal_id: str, company_id: str | None = "c1", owner_id: str | None = "o1", **fields: Any) -> None:
        values = {"title": f"Deal {deal_id}", "amount": Decimal("1000.00"), "currency": "EUR",
                  "close_date": date(2027, 1, 31), "stage": "Qualified to buy", "probability": 40, "closed": False,
                  "won": False, **fields}
        self.records["deals"][deal_id] = CrmDeal(deal_id, company_id=company_id, owner_id=owner_id,
                                                 modified_at=self.clock(), **values)

    def task(self, task_id: str, deal_id: str | None = "d1", owner_id: str | None = "o1", **fields: Any) -> None:
        values = {"subject": f"Call about {deal_id}", "due_at": datetime(2026, 12, 1, 9, 0, tzinfo=self.clock().tzinfo),
                  "company_id": None, "done": False, **fields}
        self.records["tasks"][task_id] = CrmTask(task_id, owner_id=owner_id, deal_id=deal_id,
                                                 modified_at=self.clock(), **values)

    def change(self, kind: Kind, record_id: str, **fields: Any) -> None:
        self.records[kind][record_id] = replace(self.records[kind][record_id], modified_at=self.clock(), **fields)

    def remove(self, kind: Kind, record_id: str) -> None:
        del self.records[kind][record_id]
        self.removals[kind][record_id] = self.clock()

    # --- CrmConnector ---

    def _call(self) -> None:
        self.calls += 1
        if self.refused:
            raise CrmAuthError("HubSpot refused the access token (401): check HUBSPOT_ACCESS_TOKEN and the private "
                               "app's scopes")

    def _since(self, kind: Kind, since: datetime | None) -> Iterator[Any]:
        self._call()
        records = sorted(self.records[kind].values(), key=lambda r: (r.modified_at, r.id))
        for n, record in enumerate(r for r in records if since is None or r.modified_at >= since):
            if kind == "deals" and self.fail_deals_after is not None and n >= self.fail_deals_after:
                raise CrmUnavailable("HubSpot answered 503: try again later")
            yield record

    def check(self) -> None:
        self._call()

    def pull_owners(self) -> Iterator[CrmOwner]:
        self._call()
        yield from list(self.owners.values())

    def pull_companies(self, since: datetime | None) -> Iterator[CrmCompany]:
        yield from self._since("companies", since)

    def pull_deals(self, since: datetime | None) -> Iterator[CrmDeal]:
        gate = self.gate  # this pull waits for it even when the test takes it away for the next one
        if gate is not None:
            self.waiting.set()
            gate.wait(timeout=30)
        yield from self._since("deals", since)

    def pull_tasks(self, since: datetime | None) -> Iterator[CrmTask]:
        yield from self._since("tasks", since)

    def removed(self, kind: Kind, since: datetime | None) -> Iterator[str]:
        self._call()
        yield from [i for i, at in self.removals[kind].items() if since is None or at >= since]

    def update_deal(self, deal_id: str, update: DealUpdate) -> None:
        self._call()
        self.pushed.append(("update_deal", (deal_id, update)))

    def add_note(self, deal_id: str, body: str, at: datetime) -> str:
        self._call()
        self.pushed.append(("add_note", (deal_id, body, at)))
        return f"note-{len(self.pushed)}"

    def create_task(self, draft: TaskDraft) -> str:
        self._call()
        self.pushed.append(("create_task", draft))
        return f"task-{len(self.pushed)}"

    def complete_task(self, task_id: str) -> None:
        self._call()
        self.pushed.append(("complete_task", task_id))

    def move_task(self, task_id: str, due_at: datetime) -> None:
        self._call()
        self.pushed.append(("move_task", (task_id, due_at)))

    def usage(self) -> ApiUsage | None:
        self._call()
        return ApiUsage(used=self.calls, limit=15000)
