"""How long one reminder sweep takes to find the due follow-ups among 100,000 pending ones and put them in the
outbox.

    python bench/sweep.py [--followups 100000] [--due 200] [--database-url postgresql://…/db]

Seeds 200 reps with open follow-ups spread over the coming year, `--due` of them already due, then
times `produce_reminders` (what every sweep runs, in one transaction: find the due, unreminded rows and
stamp them in one statement, then one outbox message per rep) next to the bare indexed SELECT of the same
rows. Each figure is the median of several runs, each on the same due rows. Target: under 50 ms to find
the due ones, plus 1 ms for each message written (the reply in the rep's language, with its buttons).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, insert, text, update  # noqa: E402

from storage.db import make_engine, make_sessionmaker, upgrade  # noqa: E402
from storage.models import Account, FollowUp, OutboxMessage, User  # noqa: E402
from storage.reminder_queries import produce_reminders  # noqa: E402

TARGET_MS, PER_MESSAGE_MS = 50.0, 1.0
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
REPS = 200
RUNS = 7


def seed(sessions, followups: int, due: int) -> None:
    rng = random.Random(7)
    with sessions.begin() as s:
        s.execute(insert(User), [{"identity": f"slack:U{r:05d}", "language": "en", "role": "rep"} for r in range(REPS)])
        s.execute(insert(Account), [{"scope": f"user:{r + 1}", "name": f"Account {r}", "name_key": f"account {r}",
                                     "created_by_id": r + 1} for r in range(REPS)])
        rows = []
        for i in range(followups):
            rep = i % REPS + 1
            when = NOW - timedelta(minutes=rng.randint(1, 600)) if i < due else \
                NOW + timedelta(minutes=rng.randint(10, 60 * 24 * 365))
            rows.append({"owner_id": rep, "account_id": rep, "action": f"Call {i}", "due_at": when,
                         "status": "open", "created_at": NOW})
        s.execute(insert(FollowUp), rows)


BARE = """SELECT id FROM followups WHERE status = 'open' AND reminded_at IS NULL AND due_at <= :now
          AND (deferred_until IS NULL OR deferred_until <= :now)"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followups", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=200)
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.database_url or f"sqlite:///{tmp}/sweep.db")
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        seed(sessions, args.followups, args.due)
        with engine.begin() as conn:  # planner statistics, as a live database has them
            conn.execute(text("ANALYZE"))
        sweep_ms, bare_ms, found, messages = [], [], 0, 0
        for _ in range(RUNS):
            with engine.connect() as conn:
                start = time.perf_counter()
                ids = conn.execute(text(BARE), {"now": NOW}).scalars().all()
                bare_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            produced = produce_reminders(sessions, NOW, ("slack:", "teams:"), "Europe/Amsterdam", limit=args.due * 2)
            sweep_ms.append((time.perf_counter() - start) * 1000)
            found, messages = produced.taken, produced.messages
            assert found == len(ids) == args.due and produced.messages, (found, len(ids))
            with sessions.begin() as s:  # due again for the next run
                s.execute(update(FollowUp).values(reminded_at=None))
                s.execute(delete(OutboxMessage))
        database = engine.dialect.name
        engine.dispose()
    sweep, bare = statistics.median(sweep_ms), statistics.median(bare_ms)
    print(f"{args.followups} pending follow-ups, {args.due} due, {REPS} reps, {database}; median of {RUNS} runs")
    print(f"{'':34}{'ms':>9}")
    print(f"{'produce_reminders (1 txn)':34}{sweep:9.2f}")
    print(f"{'bare indexed SELECT of the due ids':34}{bare:9.2f}")
    target = TARGET_MS + PER_MESSAGE_MS * messages
    print(f"target < {target:.0f} ms to find the due ones and write {messages} messages: {sweep:.1f} ms "
          f"{'PASS' if sweep < target else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
