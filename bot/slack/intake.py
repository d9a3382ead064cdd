"""Slack's deliveries on their way from the acknowledgement to a worker, none lost on the way.

The web process acknowledges only what it has stored in the inbox (`record`; what it could not store is answered
so that Slack or the user tries again, see bot.slack.app). Deliveries that arrive while a write is under way are
stored together by the next one, which also forgets the items handled meanwhile: one write, and one wait for the
database's lock (SQLite has one for all writers), for many acknowledgements. It hands each stored item to a worker
at once and holds the item's lease while a worker has it or while it waits for another try. Every few seconds a
pass renews those leases, hands the items whose turn could not reach the database to a worker again (5, 10, 20 …
seconds after the last try, at most a minute apart), and takes over the items of other instances whose lease ran
out (they died).
Workers are processes (`COACH_WORKERS`) or threads of this process (`COACH_WORKERS=0`); a process pool that broke
(a worker was killed) is started anew, and what it was running is tried again.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import uuid
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.logs import new_request_id
from bot.runtime import Runtime
from bot.slack import worker

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=30)
PASS_EVERY = 5.0  # seconds between passes
FIRST_RETRY = timedelta(seconds=5)
MAX_RETRY_DELAY = timedelta(minutes=1)
RECORD_TIMEOUT = 2.0  # seconds to store a delivery: Slack wants its answer within three
MAX_CRASHES = 3  # a job that broke the worker pool this often is given up
MAX_HELD = 200  # items this instance takes on; more are left to the others


def job_executor(runtime: Runtime) -> Executor:
    settings = runtime.settings
    if settings.coach_workers == 0:  # threads of this process do the work on its runtime: its engine, its clock
        return ThreadPoolExecutor(max_workers=2, thread_name_prefix="slack-work", initializer=worker.use_runtime,
                                  initargs=(runtime,))
    return ProcessPoolExecutor(max_workers=settings.coach_workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker.start_worker, initargs=(settings,))


@dataclass
class Held:
    """An item whose lease this instance holds: with a worker, or waiting for another try."""

    job: str
    payload: dict[str, Any]
    request: str
    running: bool = False
    tries: int = 0  # runs that could not reach the database
    crashes: int = 0  # runs that broke the worker pool
    retry_at: datetime | None = None


class Intake:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.inbox = runtime.inbox("slack")
        self.token = str(uuid.uuid4())  # this instance's leases
        self.held: dict[int, Held] = {}  # all of this is touched on the event loop only
        self.handled: set[int] = set()  # to be forgotten with the next write
        self._to_store: list[tuple[list[tuple[str, dict[str, Any], str]], asyncio.Future]] = []
        self._writing: asyncio.Task | None = None
        self._jobs: Executor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = asyncio.Event()
        self._passes: asyncio.Task | None = None
        self._pass_lock = asyncio.Lock()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._jobs = job_executor(self.runtime)
        self._stopping = asyncio.Event()
        self._passes = asyncio.create_task(self._every_few_seconds())

    async def stop(self) -> None:
        """Jobs already handed over finish and are forgotten; items waiting for another try are handed back for any
        instance (while the database is away, both stay as they are until their leases run out)."""
        self._stopping.set()
        if self._passes is not None:
            await self._passes
        if self._jobs is not None:
            await asyncio.to_thread(self._jobs.shutdown, wait=True)
        await self._write_soon()
        if self.held:
            try:
                await asyncio.to_thread(self.inbox.hand_back, list(self.held), self.token, self.runtime.clock())
                self.held.clear()
            except Exception as exc:
                log.warning("%d Slack deliveries not handed back (%s); another instance takes them over later",
                            len(self.held), _reason(exc))

    async def record(self, deliveries: list[tuple[str, dict[str, Any], str]]) -> bool:
        """Store (job, payload, request id) deliveries and hand them to the workers; False when they could not be
        stored within RECORD_TIMEOUT (the caller must not acknowledge them). One whose dedupe key (its event id)
        is stored already is not handed over again."""
        stored = asyncio.get_running_loop().create_future()
        self._to_store.append((deliveries, stored))
        try:
            async with asyncio.timeout(RECORD_TIMEOUT):
                await asyncio.shield(self._write_soon(stored))
            return True
        except Exception as exc:
            log.warning("a Slack delivery could not be stored, so it is not acknowledged: %s", _reason(exc))
            return False

    def _write_soon(self, stored: asyncio.Future | None = None) -> asyncio.Future:
        """`stored` (or, without it, all that waits) once written."""
        if self._writing is None or self._writing.done():
            self._writing = asyncio.ensure_future(self._write())
        return stored if stored is not None else self._writing

    async def _write(self) -> None:
        """Write what waits, a transaction at a time: the deliveries that came in and the items handled meanwhile,
        so the database takes one write for all of them (a group commit). What was stored is handed over, also
        when its requester gave up waiting (Slack's retry of it then finds it stored, or handled)."""
        while self._to_store or self.handled:
            batch, self._to_store = self._to_store, []
            handled = set(self.handled)
            deliveries = [delivery for waiting, _stored in batch for delivery in waiting]
            rows = [(job, payload, payload.get("event_id") or uuid.uuid4().hex)  # no id (open_form): a key of its own
                    for job, payload, _request in deliveries]
            now = self.runtime.clock()
            try:
                ids = await asyncio.to_thread(self.inbox.add, rows, now, self.token, now + LEASE, forget=handled)
            except Exception as exc:
                for _waiting, stored in batch:
                    stored.set_exception(exc)
                    stored.exception()  # retrieved: a requester that gave up waiting does not read it
                if not self._to_store:  # the handled ones wait for the next write (or a pass)
                    return
                continue
            self.handled -= handled
            for item, (job, payload, request) in zip(ids, deliveries, strict=True):
                if item is not None:
                    self.held[item] = Held(job, payload, request)
                    self._run(item)
            for _waiting, stored in batch:
                stored.set_result(None)

    async def run_once(self) -> None:
        """One pass: renew the leases held here, try again what is due, take over what another instance left."""
        async with self._pass_lock:
            await self._write_soon()
            now = self.runtime.clock()
            if self.held or self.handled:
                kept = set(await asyncio.to_thread(self.inbox.renew, [*self.held, *self.handled], self.token,
                                                   now + LEASE))
                for item in [i for i, held in self.held.items() if i not in kept and not held.running]:
                    del self.held[item]  # taken over by another instance after its lease ran out here
                for item in [i for i, held in self.held.items() if not held.running and held.retry_at <= now]:
                    self._run(item)
            while len(self.held) < MAX_HELD and not self._stopping.is_set():
                taken = await asyncio.to_thread(self.inbox.claim, now, self.token, now + LEASE)
                if taken is None:
                    break
                log.info("taking over a Slack delivery (attempt %d)", taken.attempts)
                self.held[taken.id] = Held(taken.job, taken.payload, new_request_id())
                self._run(taken.id)

    async def _every_few_seconds(self) -> None:
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), PASS_EVERY)
            except TimeoutError:
                try:
                    await self.run_once()
                except Exception as exc:  # the database is away: the next pass tries again
                    log.warning("the Slack inbox pass failed: %s", _reason(exc))

    def _run(self, item: int) -> None:
        held = self.held[item]
        held.running = True
        work = (worker.run, held.job, held.payload, held.request)
        try:
            future = self._jobs.submit(*work)
        except BrokenProcessPool:  # a worker process died (killed, out of memory): start a new pool
            log.error("the Slack worker process died; starting a new one (the jobs it held are tried again)")
            self._jobs.shutdown(wait=False, cancel_futures=True)
            self._jobs = job_executor(self.runtime)
            future = self._jobs.submit(*work)
        loop = self._loop
        future.add_done_callback(lambda done: loop.call_soon_threadsafe(self._finished, item, done))

    def _finished(self, item: int, future: Future) -> None:
        held = self.held.get(item)
        if held is None:
            return
        held.running = False
        error = future.exception() if not future.cancelled() else asyncio.CancelledError()
        if error is not None:
            log.error("a Slack job could not be run", exc_info=error)
            held.crashes += 1
        if (error is None and future.result() == worker.DONE) or held.crashes >= MAX_CRASHES:
            if held.crashes >= MAX_CRASHES:
                log.error("a Slack %s job was given up after breaking the worker pool %d times", held.job,
                          held.crashes)
            del self.held[item]
            self.handled.add(item)  # forgotten with the next deliveries stored, or by the next pass
            return
        held.tries += 1
        held.retry_at = self.runtime.clock() + min(FIRST_RETRY * 2 ** (held.tries - 1), MAX_RETRY_DELAY)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
