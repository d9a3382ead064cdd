"""A bounded burst of concurrent signed Slack requests against one `salescoach serve` on loopback.

    python bench/load.py [--requests 3000] [--concurrency 50] [--database-url postgresql://…/db]
    python bench/load.py --against REVISION [--rounds 3]   # the same load on an earlier revision, side by side

The mix is what a busy team sends: slash commands (`/coach help`, `/coach pipeline`, `/coach smart …`),
direct messages walking a preparation, and button clicks; 200 distinct users. Prints throughput, p50
and p99 latency, the error count and the peak resident memory of the whole service (the web process
and its worker processes, from /proc), and waits until every reply has been posted. Targets: zero
errors, p99 under 250 ms at 50 concurrent, RSS under 200 MB.

With `--against REVISION` it runs the same load on that revision too (a temporary git worktree, on this
checkout's environment), alternating rounds, and prints the medians side by side: a change is "no worse" when
its figures are not beyond the reference's by more than the rounds' own spread.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fresh_database import fresh_database  # noqa: E402
from bench.slack_ack import percentile, wait_for_replies  # noqa: E402
from tests.bot.slack_server import SECRET, TEAM, ServeProcess, sign  # noqa: E402
from tests.bot.slack_standin import dm_of  # noqa: E402

TARGET_P99_MS, TARGET_RSS_MB = 250.0, 200.0
USERS = 200


def request(i: int) -> tuple[bytes, str]:
    """The i-th request of the mix: a body and its content type."""
    user = f"U{i % USERS:05d}"
    kind = i % 10
    if kind < 4:
        text = ("help", "pipeline", "smart Know who decides by the end of the visit", "followups")[kind]
        return urlencode({"command": "/coach", "text": text, "user_id": user, "team_id": TEAM,
                          "channel_id": dm_of(user), "channel_name": "directmessage",
                          "response_url": "http://127.0.0.1:9/", "trigger_id": f"t{i}", "token": "x"}).encode(), \
            "application/x-www-form-urlencoded"
    if kind < 8:
        text = ("prep Acme", "1", "done", "cancel")[kind - 4]
        event = {"type": "message", "channel_type": "im", "channel": f"D{user}", "user": user, "text": text,
                 "ts": f"{time.time():.6f}"}
        return json.dumps({"type": "event_callback", "team_id": TEAM, "api_app_id": "A0", "event": event,
                           "event_id": f"Ev{i:07d}", "event_time": int(time.time()), "token": "x"}).encode(), \
            "application/json"
    action = {"type": "button", "action_id": "choice:0", "value": "cmd:help", "block_id": "cmd#0", "action_ts": "1"}
    payload = {"type": "block_actions", "user": {"id": user}, "team": {"id": TEAM}, "trigger_id": f"t{i}",
               "container": {"type": "message", "channel_id": f"D{user}", "message_ts": "1"},
               "channel": {"id": f"D{user}"}, "message": {"ts": "1", "text": "", "blocks": []}, "actions": [action]}
    return urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"


async def burst(url: str, requests: int, concurrency: int) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0
    pending = iter(range(requests))

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for i in pending:
            body, content_type = request(i)
            ts = int(time.time())
            headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts),
                       "X-Slack-Signature": sign(body, ts, SECRET)}
            start = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    errors += resp.status != 200
            except aiohttp.ClientError:
                errors += 1
            latencies.append((time.perf_counter() - start) * 1000)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return latencies, requests / (time.perf_counter() - started), errors


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        todo.extend(int(c) for c in children)
    return total


class PeakRss:
    """Samples the service's memory every 50 ms while the load runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class Figures:
    rps: float
    p50: float
    p99: float
    errors: int
    peak_mb: float
    idle_mb: float
    posted: int
    drained: float


def run_once(root: Path, database_url: str | None, requests: int, concurrency: int) -> Figures:
    """One burst against `salescoach serve` run from the checkout at `root`, on a fresh database."""
    standin = subprocess.Popen([sys.executable, "-m", "tests.bot.slack_standin"], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    standin_base = f"http://127.0.0.1:{int(standin.stdout.readline())}"
    with fresh_database(database_url, "load.db") as url:
        server = ServeProcess(url, standin_base + "/api/", scheduler=True,  # as deployed: the jobs run in it too
                              root=root)
        try:
            idle_kb = tree_rss_kb(server.proc.pid)
            with PeakRss(server.proc.pid) as rss:
                started = time.perf_counter()
                latencies, rps, errors = asyncio.run(burst(server.base + "/slack/events", requests, concurrency))
                posted = wait_for_replies(standin_base, int(requests * 0.95))
                drained = time.perf_counter() - started
        finally:
            server.stop()
            standin.terminate()
    return Figures(rps, percentile(latencies, 50), percentile(latencies, 99), errors, rss.peak_kb / 1024,
                   idle_kb / 1024, posted, drained)


def line(f: Figures) -> str:
    return (f"throughput {f.rps:.0f} req/s · p50 {f.p50:.1f} ms · p99 {f.p99:.1f} ms · errors {f.errors} · "
            f"peak RSS {f.peak_mb:.0f} MB (idle {f.idle_mb:.0f} MB) · replies {f.posted}, the last {f.drained:.1f} s "
            "after the first request")


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """The project at `revision`, in a temporary git worktree."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reference"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(path), revision], cwd=ROOT, check=True)
        try:
            yield path
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)


def compare(args: argparse.Namespace) -> None:
    """Rounds alternating this checkout and the reference, then their medians side by side. The machine's noise
    from run to run is large (±25% on two cores); the medians of several rounds are what to compare."""
    ours: list[Figures] = []
    theirs: list[Figures] = []
    with checkout(args.against) as reference:
        for n in range(args.rounds):
            for name, root, into in (("this checkout", ROOT, ours), (args.against, reference, theirs)):
                into.append(run_once(root, args.database_url, args.requests, args.concurrency))
                print(f"round {n + 1} {name:>14}: {line(into[-1])}")
    print()
    print(f"{'median of ' + str(args.rounds):<22}{'this checkout':>16}{args.against:>16}{'ratio':>9}")
    for label, pick, unit in (("throughput (req/s)", lambda f: f.rps, ".0f"), ("p50 (ms)", lambda f: f.p50, ".1f"),
                              ("p99 (ms)", lambda f: f.p99, ".1f"), ("peak RSS (MB)", lambda f: f.peak_mb, ".0f"),
                              ("errors", lambda f: f.errors, ".0f")):
        a, b = statistics.median(map(pick, ours)), statistics.median(map(pick, theirs))
        ratio = f"{a / b:.2f}" if b else "-"
        print(f"{label:<22}{a:>16{unit}}{b:>16{unit}}{ratio:>9}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database-url", help="a PostgreSQL server to create a fresh database on; default: a fresh "
                                               "SQLite file")
    parser.add_argument("--against", metavar="REVISION", help="also run the same load against this git revision "
                                                              "and print both side by side")
    parser.add_argument("--rounds", type=int, default=3, help="with --against: rounds of each (default 3)")
    args = parser.parse_args()
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.requests} signed Slack requests (slash commands, DMs, clicks; {USERS} users), "
          f"{args.concurrency} concurrent, one instance on loopback, {database}")
    if args.against:
        compare(args)
        return 0
    figures = run_once(ROOT, args.database_url, args.requests, args.concurrency)
    print(line(figures))
    verdict = figures.errors == 0 and figures.p99 < TARGET_P99_MS and figures.peak_mb < TARGET_RSS_MB
    print(f"target: 0 errors, p99 < {TARGET_P99_MS:.0f} ms, RSS < {TARGET_RSS_MB:.0f} MB: "
          f"{'PASS' if verdict else 'FAIL'}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
