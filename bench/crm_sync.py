"""`salescoach crm sync` of a large HubSpot account: time, API calls next to the minimum, peak memory at two sizes,
and an incremental sync after 10 changes, next to the issue's targets.

    python bench/crm_sync.py [--deals 10000 --tasks 20000] [--small 2000] [--database-url postgresql://…]

The HubSpot stand-in (`tests/crm/hubspot_standin.py`) runs as its own process, populated with `--deals` deals,
twice as many tasks unless `--tasks` says otherwise, a company per four deals and 20 owners; the reps those owners
are (by e-mail) are in a fresh database (a temporary SQLite file, or a new PostgreSQL database next to the one in
--database-url, dropped afterwards). Each sync runs in a process of its own (this script with `--sync`): the real
settings, factory, SDK connector and `crm_sync`, over HTTP. A full sync is run twice at each size, once untraced
for its time and peak RSS (`ru_maxrss`), once under tracemalloc for the Python heap's peak (tracing slows it).
Then 10 deals are changed in HubSpot (PATCH) and an incremental sync runs. API calls are the connector's own count,
next to the fewest the page sizes allow: a search page of 200 per kind, an association batch of 1,000 per link,
the deal pipelines, a page of owners and one list of removed records per kind.
Targets (issue 14): calls ≤ 1.2× the minimum, incremental sync under 1 s, memory flat in the number of records.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from math import ceil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.fresh_database import fresh_database  # noqa: E402
from storage.db import make_engine, upgrade  # noqa: E402
from storage.models import Team, User  # noqa: E402

OWNERS, CHANGES = 20, 10
NOW = "2026-11-24T09:00:00+00:00"  # the stand-in's clock: its records were modified up to this moment
SEARCH_PAGE, ASSOCIATION_BATCH, OWNERS_PAGE = 200, 1_000, 500
TARGET_RATIO, TARGET_INCREMENTAL_SECONDS = 1.2, 1.0


@dataclass
class Run:
    seconds: float
    calls: int
    heap_mb: float | None
    rss_mb: float
    counts: dict[str, dict[str, int]]


def minimum_calls(deals: int, tasks: int, companies: int) -> int:
    """The fewest requests that carry a full pull at HubSpot's page sizes."""
    searches = sum(ceil(max(n, 1) / SEARCH_PAGE) for n in (companies, deals, tasks))
    associations = ceil(deals / ASSOCIATION_BATCH) + 2 * ceil(tasks / ASSOCIATION_BATCH)
    removed = 4  # one page of archived owners, companies, deals and tasks, each empty
    return 1 + ceil(OWNERS / OWNERS_PAGE) + searches + associations + removed  # 1: the deal pipelines


@contextmanager
def standin(deals: int, tasks: int):
    """The stand-in as its own process: (its URL, its token)."""
    process = subprocess.Popen([sys.executable, "-m", "tests.crm.hubspot_standin", str(deals), str(tasks)],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        url, token = process.stdout.readline().strip(), process.stdout.readline().strip()
        if not url:
            raise SystemExit("the HubSpot stand-in did not start")
        yield url, token
    finally:
        process.terminate()
        process.wait(10)


def seed_reps(url: str) -> None:
    """The chat users the stand-in's owners (rep0@example.com …) are."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": 1, "name": "Sales"}])
        conn.execute(insert(User), [{"identity": f"console:rep{r}", "language": "en", "role": "rep", "team_id": 1,
                                     "email": f"rep{r}@example.com"} for r in range(OWNERS)])
    engine.dispose()


def change_deals(url: str, token: str, first_id: int) -> None:
    """A rep edits `CHANGES` deals in HubSpot: the amount of every hundredth."""
    for n in range(CHANGES):
        request = urllib.request.Request(
            f"{url}/crm/v3/objects/deals/{first_id + 100 * n}", method="PATCH",
            data=json.dumps({"properties": {"amount": f"{5000 + n}"}}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200


def run_sync(database_url: str, url: str, token: str, *, full: bool, traced: bool) -> Run:
    """One sync in a process of its own (this script with --sync)."""
    env = {**os.environ, "DATABASE_URL": database_url, "CRM": "hubspot", "HUBSPOT_ACCESS_TOKEN": token,
           "HUBSPOT_API_URL": url, "COACH_CLOCK": NOW, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, __file__, "--sync"] + (["--full"] if full else []) + (["--traced"] if traced else [])
    process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the sync failed:\n{output}")
    figures = json.loads(output)
    return Run(figures["seconds"], figures["calls"], figures["heap_mb"], usage.ru_maxrss / 1024, figures["counts"])


def sync_here(full: bool, traced: bool) -> None:
    """The child: one sync as `salescoach crm sync` runs it; its figures as JSON on stdout."""
    from bot.crm_job import crm_sync
    from bot.runtime import Runtime
    from crm.factory import connector_from

    runtime = Runtime.open()
    connector = connector_from(runtime.settings)
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    report = crm_sync(runtime, connector).run(full=full)
    seconds = time.perf_counter() - started
    heap = tracemalloc.get_traced_memory()[1] / 1e6 if traced else None
    counts = {kind: {k: n for k, n in run.counts.items() if n} for kind, run in report.runs.items()}
    print(json.dumps({"seconds": seconds, "calls": connector.calls, "heap_mb": heap, "counts": counts}))


def measure(deals: int, tasks: int, database_url: str | None, incremental: bool) -> None:
    companies = max(1, deals // 4)
    least = minimum_calls(deals, tasks, companies)
    with standin(deals, tasks) as (url, token):
        runs = []
        for traced in (False, True):
            with fresh_database(database_url, "crm.db") as db:
                seed_reps(db)
                runs.append(run_sync(db, url, token, full=True, traced=traced))
                if incremental and not traced:
                    first_deal = 10_000 + OWNERS + companies + 1  # the stand-in numbers records from 10,001
                    change_deals(url, token, first_deal)
                    again = run_sync(db, url, token, full=False, traced=False)
        plain, traced_run = runs
        print(f"{deals:>7,} deals {tasks:>7,} tasks  full sync{plain.seconds:>8.1f} s{plain.calls:>7,} calls "
              f"(minimum {least:,}: {plain.calls / least:.2f}×, target ≤ {TARGET_RATIO}×){plain.rss_mb:>8.0f} MB RSS"
              f"{traced_run.heap_mb:>8.1f} MB heap peak")
        print(f"{'':30}created {sum(k.get('created', 0) for k in plain.counts.values()):,}, "
              f"skipped {sum(k.get('skipped', 0) for k in plain.counts.values()):,}")
        if incremental:
            print(f"{'':16}after {CHANGES} changes: incremental{again.seconds:>8.2f} s{again.calls:>7,} calls "
                  f"(target < {TARGET_INCREMENTAL_SECONDS:.0f} s){again.rss_mb:>8.0f} MB RSS   deals "
                  f"{again.counts['deals']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, help="default: twice the deals")
    parser.add_argument("--small", type=int, default=2_000, help="deals at the smaller size (memory flat?)")
    parser.add_argument("--database-url", help="postgresql://… (default: a temporary SQLite file)")
    parser.add_argument("--sync", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sync:
        sync_here(args.full, args.traced)
        return 0
    backend = (args.database_url or "sqlite").split(":", 1)[0]
    print(f"HubSpot stand-in in its own process, {backend}; each sync its own process")
    ratio = (args.tasks or 2 * args.deals) / args.deals
    measure(args.small, round(args.small * ratio), args.database_url, incremental=False)
    measure(args.deals, args.tasks or 2 * args.deals, args.database_url, incremental=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
