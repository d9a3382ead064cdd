"""`salescoach import deals` of a 50 MB CRM export: time and peak memory, next to the issue's figures.

    python bench/import_csv.py [--rows 511086] [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

Writes a deals CSV of `--rows` rows (about 100 bytes each: 511,086 rows make 50 MB) for 200 reps in
two teams over 51,000 accounts: every fifth row a quote with a quote number, a third with a follow-up
date, a tenth won or lost. Then runs the real command, `python -m bot.cli import deals FILE`, as its own
process against a fresh database (a temporary SQLite file, or a new PostgreSQL database next to the one
in --database-url, dropped afterwards) with the reps already in it, and once more (every row unchanged).
Each run's wall time, the process's CPU time (wall time also counts waiting for a busy machine) and its
peak RSS (its own `ru_maxrss`) are printed next to the issue's reference: 275 s and 1.33 GB for a file
this size before the import streamed; target under 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.fresh_database import fresh_database  # noqa: E402
from storage.db import make_engine, upgrade  # noqa: E402
from storage.models import Deal, FollowUp, Team, User  # noqa: E402

REFERENCE_SECONDS, REFERENCE_MB, TARGET_MB = 275.0, 1330.0, 300.0
REPS, TEAMS, ACCOUNTS = 200, 2, 51_000
TODAY = date(2026, 11, 24)
STAGES = ("suspect", "prospect", "hot prospect", "quote", "won", "lost")


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["account", "title", "owner", "amount", "probability", "stage", "decision_date", "quote_ref",
                      "next_step", "follow_up_date"])
        for n in range(rows):
            stage = "quote" if n % 5 == 0 else "won" if n % 20 == 1 else "lost" if n % 20 == 3 else \
                rng.choice(STAGES[:3])
            chance = {"won": 100, "lost": 0}.get(stage, rng.choice((10, 20, 35, 50, 60, 80)))
            follow_up = (TODAY + timedelta(days=rng.randint(1, 90))).isoformat() if n % 3 == 0 else ""
            out.writerow([f"Account {n % ACCOUNTS:05d} B.V.", f"Deal {n:06d}", f"console:rep{n % REPS}",
                          f"{rng.randrange(500_00, 250_000_00) / 100:.2f}", chance, stage,
                          (TODAY + timedelta(days=rng.randint(-60, 365))).isoformat(),
                          f"Q-2026-{n:07d}" if stage == "quote" else "",
                          "Call back about the proposal" if follow_up else "", follow_up])


def seed_reps(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": t + 1, "name": f"Team {t + 1}"} for t in range(TEAMS)])
        conn.execute(insert(User), [{"identity": f"console:rep{r}", "language": "en", "role": "rep",
                                     "team_id": r % TEAMS + 1} for r in range(REPS)])
    engine.dispose()


def counted(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        deals, followups = (conn.scalar(select(func.count()).select_from(m)) for m in (Deal, FollowUp))
    engine.dispose()
    return deals, followups


def run_import(url: str, path: Path) -> tuple[float, float, float, str]:
    """Wall and CPU seconds, peak RSS in MB and the output of one `salescoach import deals` process."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "import", "deals", str(path)], env=env,
                               cwd=path.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the import failed:\n{output}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=511_086)
    parser.add_argument("--database-url", help="postgresql://… (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, fresh_database(args.database_url, "import.db") as url:
        path = Path(folder) / "deals.csv"
        write_csv(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        seed_reps(url)
        backend = url.split(":", 1)[0]
        print(f"{args.rows:,} rows, {size_mb:.1f} MB, {backend}")
        print(f"{'':24}{'time':>10}{'CPU':>10}{'peak RSS':>12}")
        print(f"{'reference (issue 12)':24}{REFERENCE_SECONDS:>9.0f}s{'':>10}{REFERENCE_MB:>9.0f} MB   target < "
              f"{TARGET_MB:.0f} MB")
        for label in ("first import", "again (unchanged)"):
            seconds, cpu, peak, output = run_import(url, path)
            print(f"{label:24}{seconds:>9.1f}s{cpu:>9.1f}s{peak:>9.0f} MB   {output.splitlines()[0]}")
        deals, followups = counted(url)
        print(f"stored: {deals:,} deals, {followups:,} follow-ups")
        return 0 if deals == args.rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
