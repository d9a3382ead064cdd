"""The narrow storage interface the sync depends on; `storage.crm_store` implements it for one CRM.

Everything the sync writes goes through a `SyncChunk`: one transaction that first renews the sync's claim (and
fails with `SyncTakenOver` when another instance took it over), so what is committed and the cursor that says so
are written together, and only by the instance that holds the claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from crm.connector import Kind
from crm.mapped import ChunkResult, CompanyValues, DealValues, Skipped, TaskDone, TaskValues

KINDS: tuple[Kind, ...] = ("owners", "companies", "deals", "tasks")
MAX_LISTED = 50  # skipped records kept per kind and run; the count says how many there were


class SyncTakenOver(Exception):
    """The claim's lease ran out and another instance holds it now: this sync stops and commits nothing more."""


@dataclass(frozen=True)
class OwnerLink:
    """A CRM owner's match among the chat users: the linked user, if any; the users sharing its e-mail when
    more than one does (then none is linked); and what this run did: "created" (a new link), "updated" (moved
    to another user), "unchanged" or "skipped" (not linked)."""

    user_id: int | None
    outcome: str
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class OwnerLinks:
    links: dict[str, OwnerLink]
    unlinked: int  # users whose owner is gone from the CRM or no longer has their e-mail


@dataclass
class KindRun:
    """One kind's sync state: its cursor and its last run (see `storage.models.CrmSyncKind`)."""

    kind: Kind
    cursor: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    succeeded_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    unknown_stages: list[str] = field(default_factory=list)
    error: str | None = None

    def start(self, at: datetime) -> None:
        self.started_at, self.finished_at, self.error = at, None, None
        self.counts = dict.fromkeys(("created", "updated", "unchanged", "closed", "skipped"), 0)
        self.skipped, self.unknown_stages = [], []

    def add(self, result: ChunkResult) -> None:
        for outcome, n in result.counts.items():
            self.counts[outcome] = self.counts.get(outcome, 0) + n
        for record in result.skipped:
            self.skip(record)

    def skip(self, record: Skipped) -> None:
        self.counts["skipped"] = self.counts.get("skipped", 0) + 1
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append(record)


@dataclass(frozen=True)
class ClaimState:
    running: bool  # an instance took the claim (and holds it, unless `lease_until` has passed)
    next_run: datetime  # when the next scheduled sync is due, once the claim is free
    lease_until: datetime | None


class SyncChunk(Protocol):
    def link_owners(self, owners: Iterable[tuple[str, str | None]]) -> OwnerLinks:
        """Match (owner id, e-mail) pairs, all of the CRM's owners, to chat users by e-mail ignoring case, and
        link each owner that one user matches; links of owners no longer matched go."""
    def save_companies(self, companies: list[CompanyValues]) -> ChunkResult: ...
    def save_deals(self, deals: list[DealValues], today: date) -> ChunkResult: ...
    def save_tasks(self, tasks: list[TaskValues | TaskDone]) -> ChunkResult: ...
    def close_removed(self, kind: Kind, ids: list[str], at: datetime) -> int:
        """Close what was removed in the CRM (deals and accounts marked, tasks' follow-ups closed); how many."""
    def record(self, run: KindRun) -> None: ...
    def commit(self) -> None: ...


class SyncStore(Protocol):
    crm: str

    def claim(self, token: str, now: datetime, until: datetime, due_only: bool) -> bool:
        """Take the claim for `token` until `until`: when nobody holds it (or their lease ran out) and, with
        `due_only`, when the next scheduled run is due. False when it was not taken."""
    def release(self, token: str, next_run: datetime) -> None: ...
    def chunk(self, token: str, until: datetime) -> AbstractContextManager[SyncChunk]:
        """A transaction for the holder of the claim, its lease renewed until `until`; SyncTakenOver otherwise."""
    def runs(self) -> dict[str, KindRun]:
        """Each kind's stored state; a kind never synced is a fresh KindRun."""
    def claim_state(self) -> ClaimState | None:
        """None when this CRM was never synced here."""


# the push side: the CRM outbox (`storage.crm_outbox`) and its loop (`crm.push`)

@dataclass(frozen=True)
class PushItem:
    """One write to the CRM, claimed: `payload` in our terms (see storage.crm_outbox), the CRM ids of its deal and
    its follow-up's task as they are now, and the marker a task created for its follow-up carries in its body."""

    id: int
    operation: str  # update_deal | add_note | create_task | complete_task | move_task
    attempts: int  # this one included
    payload: dict
    deal_crm_id: str | None
    task_crm_id: str | None
    marker: str | None
    base: dict | None  # the deal's fields as last pulled (or written): a CRM value unlike it was changed there


@dataclass(frozen=True)
class Rejection:
    id: int
    operation: str
    at: datetime | None
    reason: str


@dataclass(frozen=True)
class PushStatus:
    waiting: int
    done: int
    rejected: int
    last_error: str | None  # of a write still waiting (the CRM down, rate limited, the credentials refused)
    oldest_waiting: datetime | None
    rejections: list[Rejection]


class PushStore(Protocol):
    def claim(self, token: str, now: datetime, until: datetime) -> PushItem | None: ...
    def done(self, item: PushItem, token: str, now: datetime, crm_id: str | None = None,
             kept: dict | None = None) -> bool: ...
    def retry(self, item: PushItem, token: str, at: datetime, error: str) -> bool: ...
    def reject(self, item: PushItem, token: str, now: datetime, error: str) -> bool: ...
    def hand_back(self, item: PushItem, token: str, now: datetime, error: str) -> bool: ...
    def status(self, now: datetime, listed: int = 20) -> PushStatus: ...
