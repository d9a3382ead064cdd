"""Pulling from the CRM: owners → chat users (by e-mail), companies → accounts, deals → deals, tasks → follow-ups.

One run holds the CRM's claim (`SyncStore.claim`), so two instances never sync at once. It checks the credentials
first: a refused token (`CrmAuthError`) stops it before anything local is written. Then each kind is pulled from
its cursor (everything with `full`, or when an owner's link changed: records skipped for an unlinked owner come
in then), page by page as the connector yields them, and written `CHUNK` records at a time, each chunk in one
transaction with the kind's progress; a failure midway keeps what was committed. Ids the CRM reports removed since
the cursor are closed locally. A second run with nothing changed in the CRM writes nothing but the sync's own
state: storage compares each record with what it was last pulled as.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from coach.clock import Clock
from crm.connector import CrmConnector, CrmError, Kind
from crm.mapped import Owner, Skipped, company_values, deal_values, task_values
from crm.ports import KINDS, KindRun, OwnerLink, SyncChunk, SyncStore, SyncTakenOver

log = logging.getLogger(__name__)
CHUNK = 500  # records per transaction
LEASE = timedelta(minutes=2)  # renewed with every chunk, and a chunk is written at least every LEASE / 4
WAIT_WINDOW = timedelta(hours=1)  # how long a record whose company or deal is not here yet holds the cursor back
MAX_UNKNOWN_STAGES = 20


@dataclass(frozen=True)
class SyncReport:
    crm: str
    full: bool  # every record was pulled, not only those changed since the cursors
    runs: dict[str, KindRun]


class Cursor:
    """Where a kind's next incremental pull starts: the highest modified time this pass committed. While records
    arrive in order of modified time, each chunk moves it to the last record written; otherwise it moves only
    when the pass is complete. A record that refers to one not pulled yet (a deal whose new company was created
    while this run ran) holds it back to its own modified time, so the next run reads that record again."""

    def __init__(self, stored: datetime | None) -> None:
        self.stored = stored
        self.last: datetime | None = None
        self.highest: datetime | None = None
        self.held: datetime | None = None
        self.ordered = True

    def seen(self, at: datetime) -> None:
        if self.last is not None and at < self.last:
            self.ordered = False
        self.last = at
        self.highest = at if self.highest is None else max(self.highest, at)

    def hold(self, at: datetime) -> None:
        self.held = at if self.held is None else min(self.held, at)

    def committed(self) -> datetime | None:
        return self._held_back(self.last if self.ordered and self.last is not None else self.stored)

    def complete(self) -> datetime | None:
        return self._held_back(self.highest if self.highest is not None else self.stored)

    def _held_back(self, mark: datetime | None) -> datetime | None:
        return self.held if self.held is not None and (mark is None or self.held < mark) else mark


def owner_reason(email: str | None, link: OwnerLink) -> str:
    if email is None:
        return "has no e-mail in the CRM to match a chat user by"
    if len(link.matches) == 1:
        return f"its e-mail {email} is another CRM owner's too, and {link.matches[0]} is linked to that one"
    if link.matches:
        return (f"{len(link.matches)} chat users have the e-mail {email} ({', '.join(link.matches)}): "
                "link it to one of them only")
    return f"no chat user has the e-mail {email}: `salescoach user link USER --email {email}`"


def error_text(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, CrmError) else f"{type(exc).__name__}: {exc}"
    return text[:500]


class CrmSync:
    def __init__(self, connector: CrmConnector, store: SyncStore, clock: Clock, every: timedelta) -> None:
        self.connector = connector
        self.store = store
        self.clock = clock
        self.every = every  # CRM_SYNC_MINUTES: the next scheduled run is due this long after a run ends

    def run(self, full: bool = False, due_only: bool = False) -> SyncReport | None:
        """Sync once; None when another instance holds the claim, or with `due_only` when no run is due yet.
        CRM errors are raised after they are recorded on the kind that met them."""
        token = uuid.uuid4().hex
        now = self.clock()
        if not self.store.claim(token, now, now + LEASE, due_only):
            return None
        runs = self.store.runs()
        for run in runs.values():
            run.start(now)
        kind: Kind = "owners"
        try:
            self._record(token, *runs.values())
            self.connector.check()
            owners, relinked = self._owners(token, runs["owners"])
            full = full or relinked
            for kind in KINDS[1:]:
                self._pull(kind, token, runs[kind], owners, full)
        except SyncTakenOver:
            log.warning("the %s sync was taken over by another instance (its lease ran out)", self.connector.name)
            raise
        except Exception as exc:
            self._failed(token, runs, kind, exc)
            raise
        finally:
            self._release(token)
        return SyncReport(self.connector.name, full, runs)

    def _release(self, token: str) -> None:
        try:
            self.store.release(token, self.clock() + self.every)
        except Exception:  # the claim's lease runs out by itself; the run's own outcome matters more
            log.warning("could not release the %s sync's claim", self.connector.name, exc_info=True)

    def _lease(self) -> datetime:
        return self.clock() + LEASE

    def _record(self, token: str, *runs: KindRun) -> None:
        with self.store.chunk(token, self._lease()) as tx:
            for run in runs:
                tx.record(run)
            tx.commit()

    def _failed(self, token: str, runs: dict[str, KindRun], failed: Kind, exc: Exception) -> None:
        """Record the error on the kind that met it, and on the kinds after it that it kept from running."""
        now = self.clock()
        for run in runs.values():
            if run.kind == failed:
                run.error = error_text(exc)
            elif run.finished_at is None:
                run.error = f"not run: the {failed} sync failed"
            run.finished_at = run.finished_at or now
        try:
            self._record(token, *runs.values())
        except Exception:  # the database itself may be what failed: the run's error is raised all the same
            log.warning("could not record the failed %s sync", self.connector.name, exc_info=True)

    def _owners(self, token: str, run: KindRun) -> tuple[dict[str, Owner], bool]:
        """Link the CRM's owners to chat users; True when a link is new or moved."""
        pulled = list(self.connector.pull_owners())  # the CRM's users: as many as the company has staff
        with self.store.chunk(token, self._lease()) as tx:
            found = tx.link_owners((owner.id, owner.email) for owner in pulled)
            for owner in pulled:
                link = found.links[owner.id]
                if link.user_id is None:
                    run.skip(Skipped(owner.id, owner.email or owner.name, owner_reason(owner.email, link)))
                else:
                    run.counts[link.outcome] += 1
            run.counts["closed"] += found.unlinked
            self._finish(run)
            tx.record(run)
            tx.commit()
        owners = {owner.id: Owner(owner.email, found.links[owner.id].user_id) for owner in pulled}
        return owners, any(link.outcome in ("created", "updated") for link in found.links.values()) or bool(
            found.unlinked)

    def _finish(self, run: KindRun) -> None:
        run.finished_at = run.succeeded_at = self.clock()

    def _pull(self, kind: Kind, token: str, run: KindRun, owners: dict[str, Owner], full: bool) -> None:
        since = None if full else run.cursor
        cursor = Cursor(run.cursor)
        pull, mapping = self._pulls()[kind]
        batch: list[Any] = []
        pending, written_at = 0, self.clock()
        for record in pull(since):
            cursor.seen(record.modified_at)
            mapped = mapping(record, owners)
            if isinstance(mapped, Skipped):
                run.skip(mapped)
            else:
                batch.append(mapped)
            pending += 1
            if pending >= CHUNK or self.clock() - written_at >= LEASE / 4:
                self._write(kind, token, run, batch, cursor)
                batch, pending, written_at = [], 0, self.clock()
        self._write(kind, token, run, batch, cursor)
        removed = self.connector.removed(kind, since)
        while ids := list(islice(removed, CHUNK)):
            with self.store.chunk(token, self._lease()) as tx:
                run.counts["closed"] += tx.close_removed(kind, ids, self.clock())
                tx.record(run)
                tx.commit()
        run.cursor = cursor.complete()
        self._finish(run)
        self._record(token, run)

    def _pulls(self) -> dict[Kind, tuple[Callable[[datetime | None], Iterator[Any]], Callable[..., Any]]]:
        c = self.connector
        return {"companies": (c.pull_companies, company_values), "deals": (c.pull_deals, deal_values),
                "tasks": (c.pull_tasks, task_values)}

    def _write(self, kind: Kind, token: str, run: KindRun, batch: list[Any], cursor: Cursor) -> None:
        """One chunk and the kind's progress, in one transaction."""
        now = self.clock()
        with self.store.chunk(token, now + LEASE) as tx:
            if batch:
                result = self._save(tx, kind, batch, now)
                run.add(result)
                for at in result.waiting:
                    if at >= now - WAIT_WINDOW:
                        cursor.hold(at)
            if kind == "deals":
                self._note_guesses(run, batch)
            run.cursor = cursor.committed()
            tx.record(run)
            tx.commit()

    @staticmethod
    def _save(tx: SyncChunk, kind: Kind, batch: list[Any], now: datetime):
        if kind == "companies":
            return tx.save_companies(batch)
        if kind == "deals":
            return tx.save_deals(batch, now.date())
        return tx.save_tasks(batch)

    @staticmethod
    def _note_guesses(run: KindRun, batch: list[Any]) -> None:
        for deal in batch:
            if deal.guessed_from is not None:
                run.counts["stage_guessed"] = run.counts.get("stage_guessed", 0) + 1
                if deal.guessed_from not in run.unknown_stages and len(run.unknown_stages) < MAX_UNKNOWN_STAGES:
                    run.unknown_stages.append(deal.guessed_from)
