"""How fast `salescoach serve` acknowledges a signed `/coach help`, next to a bare Bolt app that only acks.

    python bench/slack_ack.py [--requests 2000] [--concurrency 20]

Both servers run as separate processes on loopback; the coach answers through a local stand-in of
Slack's Web API, so the reply it posts after the ack is real work on the same machine. The load is a
bounded number of requests at a fixed concurrency. Target: p99 < 100 ms and at least half the bare
app's requests per second.

The coach acks in its web process and runs the turn in a worker process; the bench also waits until
every reply has been posted and prints how long that took, so the work after the ack is not hidden.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot.slack_server import SECRET, ServeProcess, free_port, sign  # noqa: E402

TARGET_P99_MS = 100.0
TRIGGERS = itertools.count()  # every request its own trigger id, the warm-up's too


def body(i: int) -> bytes:
    """Request `i`, typed in the user's DM with the coach (the stand-in's DM id for the user), with a trigger id of
    its own as Slack gives every command (the same body signed in the same second would be a replay)."""
    return urlencode({"command": "/coach", "text": "help", "user_id": f"U{i % 50:04d}", "team_id": "T0",
                      "channel_id": f"D{i % 50:04d}", "channel_name": "directmessage", "token": "x",
                      "response_url": "http://127.0.0.1:9/", "trigger_id": f"t{next(TRIGGERS)}"}).encode()


async def load(url: str, requests: int, concurrency: int) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while not queue.empty():
            i = queue.get_nowait()
            payload, ts = body(i), int(time.time())
            headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(ts),
                       "X-Slack-Signature": sign(payload, ts)}
            start = time.perf_counter()
            async with session.post(url, data=payload, headers=headers) as resp:
                await resp.read()
                errors += resp.status != 200
            latencies.append((time.perf_counter() - start) * 1000)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, requests / elapsed, errors


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_for_replies(standin_base: str, expected: int, timeout: float = 300.0) -> int:
    """Poll the stand-in until the coach has posted `expected` replies (or give up and say how many)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(standin_base + "/_count/chat.postMessage") as resp:
            posted = json.loads(resp.read())["count"]
        if posted >= expected or time.monotonic() > deadline:
            return posted
        time.sleep(0.05)


def start_bare(api_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "bare_bolt_app.py"), str(port), SECRET, api_url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            import urllib.request

            urllib.request.urlopen(base + "/healthz", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the bare Bolt app did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--database-url", help="default: a fresh SQLite file; e.g. postgresql://…/db")
    args = parser.parse_args()
    # The Web API stand-in runs in its own process, so it does not slow this load generator down.
    standin = subprocess.Popen([sys.executable, "-m", "tests.bot.slack_standin"], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    standin_base = f"http://127.0.0.1:{int(standin.stdout.readline())}"
    with tempfile.TemporaryDirectory() as tmp:
        coach = ServeProcess(args.database_url or f"sqlite:///{tmp}/bench.db", standin_base + "/api/")
        bare, bare_url = start_bare(standin_base + "/api/")
        try:
            asyncio.run(load(coach.base + "/slack/events", 50, 5))  # warm both up
            asyncio.run(load(bare_url + "/slack/events", 50, 5))
            started = time.perf_counter()
            results = {"salescoach serve": asyncio.run(load(coach.base + "/slack/events", args.requests,
                                                             args.concurrency))}
            posted = wait_for_replies(standin_base, 50 + args.requests)
            all_replied = time.perf_counter() - started
            # Only now the bare app: the coach's workers are idle and take no CPU from it.
            results["bare Bolt app (ack only)"] = asyncio.run(load(bare_url + "/slack/events", args.requests,
                                                                   args.concurrency))
        finally:
            coach.stop()
            bare.terminate()
            standin.terminate()
    database = "PostgreSQL" if args.database_url and "postgres" in args.database_url else "SQLite"
    print(f"{args.requests} signed '/coach help' requests, {args.concurrency} concurrent, on loopback, {database}")
    print(f"{'':26}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}")
    for name, (lat, rps, errors) in results.items():
        print(f"{name:26}{percentile(lat, 50):9.2f}{percentile(lat, 99):9.2f}{rps:9.0f}{errors:8d}")
    ours, ref = results["salescoach serve"], results["bare Bolt app (ack only)"]
    p99, ratio = percentile(ours[0], 99), ours[1] / ref[1]
    print(f"replies posted by the coach after its acks: {posted} of {50 + args.requests} (50 from the warm-up); "
          f"the last one {all_replied:.1f} s after the first request ({args.requests / all_replied:.0f} replies/s)")
    print(f"target p99 < {TARGET_P99_MS:.0f} ms: {p99:.1f} ms {'PASS' if p99 < TARGET_P99_MS else 'FAIL'}; "
          f"throughput >= 50% of bare: {ratio:.0%} {'PASS' if ratio >= 0.5 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
