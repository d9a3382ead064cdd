"""The managers' weekly digest for every team, next to the bare SQL aggregate of the same numbers.

    python bench/digest.py [--teams 20] [--reps 200] [--deals 100000] [--rounds 5]
    python bench/digest.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Builds a fresh database (a temporary SQLite file, or a new PostgreSQL database next to the one in
--database-url, dropped afterwards) with the teams, reps and deals asked for, plus follow-ups (about
1.5 per deal, a fifth of them open) and visits (about one per two deals). Then times, per round, two
ways of getting every team's digest:

- digest: `storage.digest_queries.digest_numbers` for every team, plus building the replies;
- bare SQL: hand-written SQL with the same GROUP BYs and windows through `text()`, rows fetched as tuples.

Each round runs both, in alternating order; the table shows the median and the best round. The bare
SQL's figures are checked against the digest's first, so the two really compute the same numbers.
Target: the digest within 2x the bare aggregate (medians).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.fresh_database import fresh_database  # noqa: E402
from coach.digest_policy import (  # noqa: E402
    MAX_LISTED,
    QUOTE_RULE_CHANCE,
    STALLED_AFTER,
    WEEK,
    DigestNumbers,
    RepNumbers,
    digest_replies,
    year_before,
)
from storage.db import make_engine, make_sessionmaker, upgrade  # noqa: E402
from storage.digest_queries import digest_numbers  # noqa: E402
from storage.models import Account, Deal, FollowUp, Team, User, Visit  # noqa: E402

TARGET_RATIO = 2.0
NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
# stage: (share of the deals in %, the chances a rep gives in it)
STAGES = {"suspect": (15, (5, 10, 20)), "prospect": (25, (10, 20, 30, 40)), "hot prospect": (15, (40, 50, 60, 70)),
          "quote": (15, (30, 35, 40, 50, 60, 80)), "won": (18, (100,)), "lost": (12, (0,))}


# the data ---------------------------------------------------------------------------------------

def _moment(rng: random.Random, days_back: float, days_ahead: float = 0) -> datetime:
    return NOW + timedelta(seconds=rng.uniform(-days_back, days_ahead) * 86400)


def _deal(rng: random.Random, n: int, owner: int, account: int) -> dict:
    stage, = rng.choices(list(STAGES), weights=[share for share, _chances in STAGES.values()])
    created = _moment(rng, 730)
    closed = stage in ("won", "lost")
    updated = created + (NOW - created) * rng.random() ** 0.3
    quoted = stage in ("quote", "won", "lost") and rng.random() < 0.8
    return {
        "id": n, "account_id": account, "owner_id": owner, "title": f"Deal {n}", "currency": "EUR",
        "amount": Decimal(rng.randrange(500_00, 250_000_00)) / 100, "stage": stage,
        "units": Decimal(rng.randint(1, 50)) if rng.random() < 0.5 else None,
        "probability": rng.choice(STAGES[stage][1]),
        "decision_date": None if rng.random() < 0.1 else (NOW + timedelta(days=rng.randint(-90, 365))).date(),
        "dmu_known": rng.choice((True, True, True, False, None)),
        "next_step": None if rng.random() < 0.3 else "Call back about the proposal",
        "quote_sent_on": (created + (updated - created) * rng.random()).date() if quoted else None,
        "closed_on": updated.date() if closed else None, "created_at": created, "updated_at": updated,
    }


def _followup(rng: random.Random, n: int, deal: dict) -> dict:
    created = deal["created_at"] + (NOW - deal["created_at"]) * rng.random()
    done = rng.random() < 0.8
    return {"id": n, "owner_id": deal["owner_id"], "account_id": deal["account_id"],
            "deal_id": deal["id"] if rng.random() < 0.8 else None, "action": "Call back", "kind": "action",
            "due_at": created + timedelta(days=rng.randint(1, 30)), "status": "done" if done else "open",
            "done_at": min(NOW, created + timedelta(days=rng.randint(0, 40))) if done else None,
            "created_at": created, "attempts": 0}


def _visit(rng: random.Random, n: int, deal: dict) -> dict:
    created = deal["created_at"] + (NOW - deal["created_at"]) * rng.random()
    debriefed = min(NOW, created + timedelta(days=rng.randint(1, 10))) if rng.random() < 0.7 else None
    return {"id": n, "account_id": deal["account_id"], "owner_id": deal["owner_id"], "deal_id": deal["id"],
            "visit_type": "first", "status": "debriefed" if debriefed else "prepared", "preparation": {},
            "call_plan": {}, "created_at": created, "debriefed_at": debriefed}


def _insert(session: Session, model: type, rows: list[dict]) -> None:
    session.execute(insert(model.__table__), rows)  # Core executemany: one statement per batch, not per row


def build(session: Session, teams: int, reps: int, deals: int, seed: int = 7) -> list[int]:
    """The teams with their reps, accounts, deals, follow-ups and visits; the team ids."""
    rng = random.Random(seed)
    _insert(session, Team, [{"id": t, "name": f"Team {t}", "currency": "EUR", "timezone": "Europe/Amsterdam",
                             "created_at": NOW} for t in range(1, teams + 1)])
    _insert(session, User, [{"id": r, "identity": f"console:rep{r}", "display_name": f"Rep {r}",
                             "team_id": (r - 1) % teams + 1, "role": "rep", "language": "en", "created_at": NOW}
                            for r in range(1, reps + 1)])
    accounts = max(teams, deals // 10)
    _insert(session, Account, [{"id": a, "scope": f"team:{(a - 1) % teams + 1}", "name": f"Account {a}",
                                "name_key": f"account {a}", "team_id": (a - 1) % teams + 1,
                                "created_by_id": (a - 1) % teams + 1, "created_at": NOW}
                               for a in range(1, accounts + 1)])
    rows = []
    for n in range(1, deals + 1):
        owner = rng.randrange(reps) + 1
        account = (owner - 1) % teams + 1 + teams * rng.randrange(accounts // teams)  # of the owner's team
        rows.append(_deal(rng, n, owner, account))
    _insert(session, Deal, rows)
    _insert(session, FollowUp, [_followup(rng, i, d) for i, d in
                                enumerate((d for d in rows for _ in range(rng.choice((1, 2)))), 1)])
    _insert(session, Visit, [_visit(rng, i, d) for i, d in enumerate((d for d in rows if rng.random() < 0.5), 1)])
    return list(range(1, teams + 1))


# the two ways ------------------------------------------------------------------------------------

def digests(session: Session, team_ids: list[int]) -> list[DigestNumbers]:
    out = []
    for team_id in team_ids:
        numbers = digest_numbers(session, team_id, NOW)
        digest_replies(numbers, None, "en")
        out.append(numbers)
    return out


BARE = {
    "members": "SELECT id, coalesce(display_name, identity) AS name, role FROM users WHERE team_id = :team "
               "ORDER BY 2, 1",
    "forecast": """
        SELECT d.owner_id, {month} AS month, d.stage, sum(CAST(round(d.amount * 100) AS BIGINT) * d.probability),
               count(*), sum(CAST(round(coalesce(d.units, 0) * 100) AS BIGINT) * d.probability)
        FROM deals d JOIN users u ON u.id = d.owner_id JOIN accounts a ON a.id = d.account_id
        WHERE u.team_id = :team AND a.team_id = :team AND d.stage NOT IN ('won', 'lost') AND d.probability > 0
          AND d.currency = :currency
        GROUP BY d.owner_id, month, d.stage""",
    "tallies": """
        SELECT owner_id,
          coalesce(sum(CASE WHEN won AND own THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN won AND own THEN cents ELSE 0 END), 0),
          coalesce(sum(CASE WHEN lost AND own THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN lost AND own THEN cents ELSE 0 END), 0),
          coalesce(sum(CASE WHEN new AND own THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN new AND own THEN cents ELSE 0 END), 0),
          coalesce(sum(CASE WHEN quoted_week THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN won AND quoted_ever THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN quoted THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN quoted AND stage = 'won' THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN NOT own AND (forecast OR won OR lost OR new) THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN stage NOT IN ('won', 'lost') THEN 1 ELSE 0 END), 0)
        FROM (SELECT d.owner_id, d.stage, CAST(round(d.amount * 100) AS BIGINT) AS cents,
                     d.currency = :currency AS own,
                     d.stage = 'won' AND d.closed_on > :week_ago AND d.closed_on <= :today AS won,
                     d.stage = 'lost' AND d.closed_on > :week_ago AND d.closed_on <= :today AS lost,
                     d.created_at > :since AND d.created_at <= :now AS new,
                     d.quote_sent_on > :year_ago AND d.quote_sent_on <= :today AS quoted,
                     d.quote_sent_on > :week_ago AND d.quote_sent_on <= :today AS quoted_week,
                     d.quote_sent_on IS NOT NULL AS quoted_ever,
                     d.stage NOT IN ('won', 'lost') AND d.probability > 0 AS forecast
              FROM deals d JOIN users u ON u.id = d.owner_id JOIN accounts a ON a.id = d.account_id
              WHERE u.team_id = :team AND a.team_id = :team) AS t
        GROUP BY owner_id""",
    "overdue": """
        SELECT * FROM (
          SELECT f.owner_id, f.id, a.name, f.action, f.due_at,
                 row_number() OVER (PARTITION BY f.owner_id ORDER BY f.due_at, f.id) AS rn,
                 count(*) OVER (PARTITION BY f.owner_id) AS n
          FROM followups f JOIN users u ON u.id = f.owner_id JOIN accounts a ON a.id = f.account_id
          WHERE u.team_id = :team AND a.team_id = :team AND f.status = 'open' AND f.due_at < :now) AS ranked
        WHERE rn <= :listed ORDER BY rn""",
    "attention": """
        WITH open_ids AS (
          SELECT d.id FROM deals d JOIN users u ON u.id = d.owner_id JOIN accounts a ON a.id = d.account_id
          WHERE u.team_id = :team AND a.team_id = :team AND d.stage NOT IN ('won', 'lost')),
        fu AS (
          SELECT deal_id, max(created_at) AS created, max(done_at) AS done,
                 coalesce(sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) AS open
          FROM followups WHERE deal_id IN (SELECT id FROM open_ids) GROUP BY deal_id),
        vi AS (
          SELECT deal_id, max(created_at) AS created, max(debriefed_at) AS debriefed
          FROM visits WHERE deal_id IN (SELECT id FROM open_ids) GROUP BY deal_id),
        facts AS (
          SELECT d.id, d.owner_id, d.title, a.name AS account, d.amount, d.probability, d.decision_date,
                 d.dmu_known, d.next_step, coalesce(fu.open, 0) AS open_followups,
                 {greatest}(d.updated_at, coalesce(fu.created, d.updated_at), coalesce(fu.done, d.updated_at),
                            coalesce(vi.created, d.updated_at), coalesce(vi.debriefed, d.updated_at)) AS last_activity
          FROM deals d JOIN users u ON u.id = d.owner_id JOIN accounts a ON a.id = d.account_id
          LEFT JOIN fu ON fu.deal_id = d.id LEFT JOIN vi ON vi.deal_id = d.id
          WHERE u.team_id = :team AND a.team_id = :team AND d.stage NOT IN ('won', 'lost')),
        broken AS (
          SELECT 'no_next_step' AS rule, * FROM facts
          WHERE (next_step IS NULL OR trim(next_step) = '') AND open_followups = 0
          UNION ALL
          SELECT 'quote_rule', * FROM facts
          WHERE probability >= :chance AND (dmu_known IS NOT true OR decision_date IS NULL)
          UNION ALL
          SELECT 'stalled', * FROM facts WHERE last_activity <= :quiet_since)
        SELECT * FROM (
          SELECT *, row_number() OVER (PARTITION BY owner_id, rule ORDER BY amount DESC, id) AS rn,
                 count(*) OVER (PARTITION BY owner_id, rule) AS n
          FROM broken) AS ranked
        WHERE rn <= :listed ORDER BY rn""",
}
DIALECT = {"sqlite": {"month": "strftime('%Y-%m', d.decision_date)", "greatest": "max"},
           "postgresql": {"month": "to_char(d.decision_date, 'YYYY-MM')", "greatest": "greatest"}}


def _bare_params(dialect: str, team_id: int) -> dict:
    today = NOW.date()  # the teams' time zone is ahead of UTC; at 07:00 UTC it is the same day
    times = {"now": NOW, "since": NOW - WEEK, "quiet_since": NOW - STALLED_AFTER, "today": today,
             "week_ago": today - WEEK, "year_ago": year_before(today)}
    if dialect == "sqlite":  # stored as text, naive UTC for times (as storage.types.UTCDateTime writes them)
        times = {k: v.replace(tzinfo=None).isoformat(" ", "microseconds") if isinstance(v, datetime) else v.isoformat()
                 for k, v in times.items()}
    return {"team": team_id, "currency": "EUR", "chance": QUOTE_RULE_CHANCE, "listed": MAX_LISTED, **times}


def bare(session: Session, team_ids: list[int]) -> list[dict[str, list]]:
    dialect = session.get_bind().dialect.name
    queries = {name: text(sql.format(**DIALECT[dialect])) for name, sql in BARE.items()}
    out = []
    for team_id in team_ids:
        params = _bare_params(dialect, team_id)
        out.append({name: session.execute(query, params).all() for name, query in queries.items()})
    return out


def _tally(rep: RepNumbers) -> tuple[Decimal, ...]:
    """A rep's week and quote figures as the bare SQL returns them (amounts in cents)."""
    return tuple(Decimal(v) for v in (rep.won.count, rep.won.amount * 100, rep.lost.count, rep.lost.amount * 100,
                                      rep.new.count, rep.new.amount * 100, rep.quotes_sent, rep.quotes_won,
                                      rep.year_quotes_sent, rep.year_quotes_won, rep.other_currency, rep.open_deals))


def check_same(numbers: list[DigestNumbers], rows: list[dict[str, list]]) -> None:
    """The bare SQL's figures equal the digest's: members, forecast, tallies and every attention count."""
    for digest, raw in zip(numbers, rows, strict=True):
        weighted = Decimal(sum(int(r[3]) for r in raw["forecast"])).scaleb(-4)
        units = Decimal(sum(int(r[5]) for r in raw["forecast"])).scaleb(-4)
        tallies = {r[0]: tuple(Decimal(v) for v in r[1:]) for r in raw["tallies"]}
        overdue = {r.owner_id: r.n for r in raw["overdue"]}
        counts = {(r.owner_id, r.rule): r.n for r in raw["attention"]}
        expected = {
            "members": [(r.name, r.role) for r in raw["members"]] == [(rep.name, rep.role) for rep in digest.reps],
            "forecast": weighted == sum((c.weighted for c in digest.cells), Decimal(0))
            and units == sum((c.weighted_units for c in digest.cells), Decimal(0)),
            "tallies": all(tallies.get(rep.user_id, _tally(RepNumbers(0, ""))) == _tally(rep) for rep in digest.reps),
            "overdue": all(overdue.get(rep.user_id, 0) == rep.overdue.count for rep in digest.reps),
            "attention": all(counts.get((rep.user_id, rule), 0) == getattr(rep, rule).count
                             for rep in digest.reps for rule in ("no_next_step", "quote_rule", "stalled")),
        }
        wrong = [name for name, same in expected.items() if not same]
        if wrong:
            raise SystemExit(f"team {digest.team}: the bare SQL disagrees with the digest on {', '.join(wrong)}")


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", help="default: a fresh SQLite file; e.g. postgresql://…/postgres")
    args = parser.parse_args()
    with fresh_database(args.database_url, "digest.db") as url:
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        started = time.perf_counter()
        with sessions.begin() as session:
            team_ids = build(session, args.teams, args.reps, args.deals)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        with sessions() as session:
            counts = {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                      for m in (Deal, FollowUp, Visit)}
        built = time.perf_counter() - started
        with sessions() as session:
            check_same(digests(session, team_ids), bare(session, team_ids))  # also the warm-up
            samples: dict[str, list[float]] = {"digest (numbers + replies)": [], "bare SQL aggregate": []}
            for n in range(args.rounds):
                ways = [("digest (numbers + replies)", lambda: digests(session, team_ids)),
                        ("bare SQL aggregate", lambda: bare(session, team_ids))]
                for name, run in ways if n % 2 == 0 else ways[::-1]:
                    samples[name].append(timed(run))
        engine.dispose()
    db = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{db}: {args.teams} teams, {args.reps} reps, {counts['deals']:,} deals, {counts['followups']:,} follow-ups, "
          f"{counts['visits']:,} visits (built in {built:.1f} s); {args.rounds} rounds of all {args.teams} teams")
    print(f"{'':28}{'median ms':>11}{'best ms':>10}{'per team ms':>13}")
    for name, s in samples.items():
        print(f"{name:28}{statistics.median(s):11.1f}{min(s):10.1f}{statistics.median(s) / args.teams:13.1f}")
    ratio = statistics.median(samples["digest (numbers + replies)"]) / statistics.median(samples["bare SQL aggregate"])
    print(f"target: digest within {TARGET_RATIO:.0f}x the bare aggregate -> {ratio:.2f}x "
          f"{'PASS' if ratio <= TARGET_RATIO else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
