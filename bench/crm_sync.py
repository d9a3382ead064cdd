"""`salescoach crm sync` of a large CRM account: time, API calls next to the minimum, peak memory at two sizes,
and an incremental sync after 10 changes, next to the issue's targets.

    python bench/crm_sync.py [--crm hubspot|salesforce] [--deals 10000 --tasks 20000] [--small 2000]
                             [--database-url postgresql://…]

The CRM's stand-in (`tests/crm/hubspot_standin.py`, or `tests/crm/salesforce_org_process.py` serving
`salesforce_standin.py`) runs as its own process, populated with `--deals` deals (opportunities), twice as many
tasks unless `--tasks` says otherwise, a company (account) per four deals and 20 owners; the reps those owners
are (by e-mail) are in a fresh database (a temporary SQLite file, or a new PostgreSQL database next to the one in
--database-url, dropped afterwards). Each sync runs in a process of its own (this script with `--sync`): the real
settings, factory, SDK connector and `crm_sync`, over HTTP. A full sync is run twice at each size, once untraced
for its time and peak RSS (`ru_maxrss`), once under tracemalloc for the Python heap's peak (tracing slows it).
Then 10 deals are changed in the CRM (PATCH) and an incremental sync runs. API calls are the connector's own count,
next to the fewest the page sizes allow. HubSpot: a search page of 200 per kind, an association batch of 1,000 per
link, the deal pipelines, a page of owners and one list of removed records per kind. Salesforce: the token's check,
the stages, a query batch of 2,000 per kind and a query of each kind's deleted records.
Targets (issue 14): calls ≤ 1.2× the minimum, incremental sync under 1 s, memory flat in the number of records.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
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
SEARCH_PAGE, ASSOCIATION_BATCH, OWNERS_PAGE = 200, 1_000, 500  # HubSpot's page sizes
SOQL_BATCH, SALESFORCE_API = 2_000, "59.0"  # Salesforce's query batch; simple-salesforce's API version
TARGET_RATIO, TARGET_INCREMENTAL_SECONDS = 1.2, 1.0


@dataclass
class Run:
    seconds: float
    calls: int
    heap_mb: float | None
    rss_mb: float
    counts: dict[str, dict[str, int]]


def minimum_calls(crm: str, deals: int, tasks: int, companies: int) -> int:
    """The fewest requests that carry a full pull at the CRM's page sizes."""
    if crm == "salesforce":  # the token's check, the stages, a query per kind and one of each kind's deleted records
        return 2 + sum(ceil(max(n, 1) / SOQL_BATCH) for n in (OWNERS, companies, deals, tasks)) + 3
    searches = sum(ceil(max(n, 1) / SEARCH_PAGE) for n in (companies, deals, tasks))
    associations = ceil(deals / ASSOCIATION_BATCH) + 2 * ceil(tasks / ASSOCIATION_BATCH)
    removed = 4  # one page of archived owners, companies, deals and tasks, each empty
    return 1 + ceil(OWNERS / OWNERS_PAGE) + searches + associations + removed  # 1: the deal pipelines


@dataclass
class Served:
    """A stand-in running: the settings a sync needs to reach it, and how a rep changes 10 deals in it."""

    env: dict[str, str]
    change_deals: Callable[[], None]


@contextmanager
def standin(crm: str, deals: int, tasks: int) -> Iterator[Served]:
    """The CRM's stand-in as its own process, populated."""
    module = "tests.crm.hubspot_standin" if crm == "hubspot" else "tests.crm.salesforce_org_process"
    process = subprocess.Popen([sys.executable, "-m", module, str(deals), str(tasks)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline().strip() for _ in range(2 if crm == "hubspot" else 4)]
        if not all(lines):
            raise SystemExit(f"the {crm} stand-in did not start")
        if crm == "hubspot":
            url, token = lines
            first_deal = 10_000 + OWNERS + max(1, deals // 4) + 1  # the stand-in numbers records from 10,001
            paths = [f"{url}/crm/v3/objects/deals/{first_deal + 100 * n}" for n in range(CHANGES)]
            yield Served({"CRM": "hubspot", "HUBSPOT_ACCESS_TOKEN": token, "HUBSPOT_API_URL": url},
                         partial(patch, paths, token, {"properties": {"amount": "5000"}}, None))
        else:
            url, token, ca_file, ids = lines
            paths = [f"{url}/services/data/v{SALESFORCE_API}/sobjects/Opportunity/{i}" for i in ids.split(",")]
            yield Served({"CRM": "salesforce", "SALESFORCE_INSTANCE_URL": url, "SALESFORCE_ACCESS_TOKEN": token,
                          "REQUESTS_CA_BUNDLE": ca_file},
                         partial(patch, paths, token, {"Amount": 5000}, ssl.create_default_context(cafile=ca_file)))
    finally:
        process.terminate()
        process.wait(10)


def patch(urls: list[str], token: str, body: dict, context: ssl.SSLContext | None) -> None:
    """A rep edits the amount of these deals in the CRM."""
    for url in urls:
        request = urllib.request.Request(url, method="PATCH", data=json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=context) as answer:
            assert answer.status in (200, 204), answer.status


def seed_reps(url: str) -> None:
    """The chat users the stand-in's owners (rep0@example.com …) are."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": 1, "name": "Sales"}])
        conn.execute(insert(User), [{"identity": f"console:rep{r}", "language": "en", "role": "rep", "team_id": 1,
                                     "email": f"rep{r}@example.com"} for r in range(OWNERS)])
    engine.dispose()


def run_sync(database_url: str, served: Served, *, full: bool, traced: bool) -> Run:
    """One sync in a process of its own (this script with --sync)."""
    env = {**os.environ, **served.env, "DATABASE_URL": database_url, "COACH_CLOCK": NOW, "PYTHONPATH": str(ROOT)}
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


def measure(crm: str, deals: int, tasks: int, database_url: str | None, incremental: bool) -> None:
    least = minimum_calls(crm, deals, tasks, max(1, deals // 4))
    with standin(crm, deals, tasks) as served:
        runs = []
        for traced in (False, True):
            with fresh_database(database_url, "crm.db") as db:
                seed_reps(db)
                runs.append(run_sync(db, served, full=True, traced=traced))
                if incremental and not traced:
                    served.change_deals()
                    again = run_sync(db, served, full=False, traced=False)
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
    parser.add_argument("--crm", choices=("hubspot", "salesforce"), default="hubspot")
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
    print(f"{args.crm} stand-in in its own process, {backend}; each sync its own process")
    ratio = (args.tasks or 2 * args.deals) / args.deals
    measure(args.crm, args.small, round(args.small * ratio), args.database_url, incremental=False)
    measure(args.crm, args.deals, args.tasks or 2 * args.deals, args.database_url, incremental=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
