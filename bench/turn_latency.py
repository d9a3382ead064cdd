"""Latency of one coaching turn (engine + SQLite, in process) next to a bare SQLite read-write.

    python bench/turn_latency.py [--rounds 40]

Each round is a whole visit preparation typed as text (account lookup, visit type, the ten checklist
steps, internal and external objective, a SMART-checked goal, SPIN questions, the call plan). Every
message is one timed turn: load the dialog state, run the step, save with a version check, commit.
The reference is the bare minimum any design pays: one SELECT and one conditional UPDATE of the same
JSON state and a commit, with the sqlite3 module on the same kind of database file. Target: p99 < 10 ms.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bot.runtime import Runtime  # noqa: E402
from bot.settings import Settings  # noqa: E402
from coach.dialog import Inbound  # noqa: E402
from coach.engine import Who  # noqa: E402
from storage.models import Visit  # noqa: E402

TARGET_P99_MS = 10.0
ROUND = [
    "prep Acme {n}", "1", "done", "skip", "Website: 120 staff, three sites", "done", "done", "done", "skip",
    "done", "done", "done", "keep", "use this", "Get the order today",
    "At the end of the visit I know who decides and when their contract ends, and we have a follow-up "
    "appointment", "How many sites do you run?", "What goes wrong with deliveries today?",
    "What does a late delivery cost you?", "add", "done", "no reminder",
]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def coach_turns(db: Path, rounds: int) -> list[float]:
    rt = Runtime.open(Settings(database_url=f"sqlite:///{db}"))
    coach = rt.coach()
    who = Who(identity="console:bench", conversation_key="console:bench")
    coach.handle(who, Inbound(text="help"))  # first contact creates the user; not timed
    samples = []
    for n in range(rounds):
        for message in ROUND:
            start = time.perf_counter()
            coach.handle(who, Inbound(text=message.format(n=n)))
            samples.append((time.perf_counter() - start) * 1000)
    with rt.sessions() as session:  # the turns must really have walked the flow to the call plan
        visits = session.scalar(select(func.count()).select_from(Visit))
    rt.engine.dispose()
    if visits != rounds:
        raise SystemExit(f"expected {rounds} prepared visits, found {visits}: the scripted round is off")
    return samples


def bare_turns(db: Path, count: int, state: dict) -> list[float]:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE s (key TEXT PRIMARY KEY, state TEXT, version INTEGER)")
    conn.execute("INSERT INTO s VALUES ('k', ?, 1)", (json.dumps(state),))
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        conn.execute("BEGIN")
        raw, version = conn.execute("SELECT state, version FROM s WHERE key = 'k'").fetchone()
        data = json.loads(raw)
        data["n"] = data.get("n", 0) + 1
        conn.execute("UPDATE s SET state = ?, version = ? WHERE key = 'k' AND version = ?",
                     (json.dumps(data), version + 1, version))
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - start) * 1000)
    conn.close()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        coach = coach_turns(Path(tmp) / "coach.db", args.rounds)
        state = {"active": {"flow": "prep", "step": "questions", "data": {"questions": [{"q": "x" * 60}] * 4}}}
        bare = bare_turns(Path(tmp) / "bare.db", len(coach), state)
    print(f"{'':28}{'turns':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, s in (("coaching turn (engine+SQLite)", coach), ("bare SQLite read-write", bare)):
        print(f"{name:28}{len(s):7d}{statistics.median(s):9.2f}{percentile(s, 99):9.2f}{max(s):9.2f}")
    p99 = percentile(coach, 99)
    verdict = "PASS" if p99 < TARGET_P99_MS else "FAIL"
    print(f"target: coaching turn p99 < {TARGET_P99_MS:.0f} ms -> {p99:.2f} ms {verdict} "
          f"({p99 / percentile(bare, 99):.1f}x the bare read-write)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
