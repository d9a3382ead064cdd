"""The digest's aggregate queries on SQLite and PostgreSQL, against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from coach.contact_norm import VisitDue
from coach.digest_json import restored, stored
from coach.digest_policy import DigestNumbers, Listed, RepNumbers, Snapshot, Tally, digest_replies, week_change
from storage.digest_queries import digest_numbers, last_snapshot, save_snapshot, stored_digest, stored_weeks
from storage.models import Account, Deal, FollowUp, Team, User, Visit

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday; in Amsterdam the week began on 23 November
TODAY = date(2026, 11, 24)
OLD = NOW - timedelta(days=90)
RECENT = NOW - timedelta(days=1)


class Seed:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.north, self.south = Team(name="North", currency="EUR"), Team(name="South", currency="EUR")
        session.add_all([self.north, self.south])
        session.flush()
        self.alice = self.user("alice", "Alice", self.north)
        self.bob = self.user("bob", "Bob", self.north)
        self.mia = self.user("mia", "Mia", self.north, role="manager")
        self.carol = self.user("carol", "Carol", self.south)
        self.acme, self.globex = self.account("Acme", self.north), self.account("Globex", self.north)
        self.initech = self.account("Initech", self.south)

    def user(self, handle: str, name: str, team: Team, role: str = "rep") -> User:
        user = User(identity=f"console:{handle}", display_name=name, team_id=team.id, role=role)
        self.s.add(user)
        self.s.flush()
        return user

    def account(self, name: str, team: Team) -> Account:
        account = Account(scope=f"team:{team.id}", name=name, name_key=name.lower(), team_id=team.id,
                          created_by_id=self.alice.id)
        self.s.add(account)
        self.s.flush()
        return account

    def deal(self, owner: User, account: Account, title: str, amount: str, probability: int, stage: str,
             **kw) -> Deal:
        values = dict(decision_date=None, dmu_known=True, next_step="Call them", created_at=OLD, updated_at=RECENT)
        deal = Deal(owner_id=owner.id, account_id=account.id, title=title, amount=Decimal(amount),
                    probability=probability, stage=stage, **{**values, **kw})
        self.s.add(deal)
        self.s.flush()
        return deal

    def followup(self, owner: User, account: Account, due_at: datetime, deal: Deal | None = None,
                 status: str = "open", **kw) -> FollowUp:
        followup = FollowUp(owner_id=owner.id, account_id=account.id, deal_id=deal.id if deal else None,
                            action="Call back", due_at=due_at, status=status, created_at=OLD, **kw)
        self.s.add(followup)
        self.s.flush()
        return followup


def seed(session: Session) -> Seed:
    """Alice and Bob (reps) and Mia (manager) in North; Carol in South, whose data must never count."""
    s = seed = Seed(session)
    a, b = s.alice, s.bob
    s.scanners = s.deal(a, s.acme, "Scanners", "10000", 40, "quote", decision_date=date(2026, 12, 15),
                        quote_sent_on=date(2026, 11, 1), units=Decimal("5"))  # 5 × 40% + 5 × 50% below
    s.printers = s.deal(a, s.acme, "Printers", "4630.50", 35, "hot prospect", decision_date=date(2026, 12, 31),
                        dmu_known=None, next_step=None)  # exactly 35% with an unknown DMU: the quote rule
    s.labels = s.deal(a, s.globex, "Labels", "2000", 34, "prospect", dmu_known=None, next_step="  ",
                      updated_at=NOW - timedelta(days=30))  # 34%: no quote rule; exactly 30 days quiet: stalled
    s.deal(a, s.globex, "Toner", "1000", 50, "won", closed_on=date(2026, 11, 20), quote_sent_on=date(2026, 10, 1),
           dmu_known=None, next_step=None, updated_at=NOW - timedelta(days=40))  # won: in no attention point
    s.deal(a, s.acme, "Cables", "3000", 0, "lost", closed_on=TODAY, quote_sent_on=date(2025, 11, 24),
           dmu_known=None, next_step=None, updated_at=OLD)  # the quote is exactly a year old: not counted
    s.deal(a, s.globex, "Racks", "500", 60, "prospect", decision_date=date(2027, 1, 10),
           created_at=NOW - timedelta(days=6), updated_at=NOW - timedelta(days=6))  # new this week
    shelving = s.deal(a, s.acme, "Shelving", "800", 20, "suspect", decision_date=date(2027, 1, 20), dmu_known=False,
                      updated_at=NOW - timedelta(days=45))
    session.add(Visit(account_id=s.acme.id, owner_id=a.id, deal_id=shelving.id, visit_type="first", created_at=OLD,
                      debriefed_at=NOW - timedelta(days=29)))  # a debrief 29 days ago: not stalled
    s.deal(a, s.acme, "Export", "9999", 50, "quote", currency="USD", decision_date=date(2026, 12, 1))
    s.followup(a, s.acme, NOW - timedelta(days=1), s.scanners)  # overdue
    s.followup(a, s.acme, NOW + timedelta(days=2), s.printers)  # open: Printers has a next step
    s.followup(a, s.acme, NOW)  # due exactly now: not yet overdue
    s.followup(a, s.acme, NOW - timedelta(days=5), status="done", done_at=NOW - timedelta(days=4))

    s.forklift = s.deal(b, s.globex, "Forklift", "20000", 50, "quote", decision_date=date(2026, 12, 5), next_step=None,
                        updated_at=NOW - timedelta(days=10), units=Decimal("5"),
                        quote_sent_on=TODAY - timedelta(days=2))
    s.pallets = s.deal(b, s.globex, "Pallets", "1500", 70, "hot prospect", updated_at=NOW - timedelta(days=31))
    s.followup(b, s.globex, NOW - timedelta(days=40), s.pallets, status="done",
               done_at=NOW - timedelta(days=29))  # done 29 days ago: Pallets is not stalled
    s.deal(b, s.acme, "Old deal", "700", 10, "prospect", decision_date=date(2026, 10, 15), dmu_known=None,
           updated_at=NOW - timedelta(days=30) + timedelta(seconds=1))  # a second short of 30 days
    s.deal(b, s.acme, "Forklift service", "5000", 100, "won", closed_on=date(2026, 11, 17),
           quote_sent_on=date(2026, 6, 1), created_at=NOW - timedelta(days=7))  # closed 7 days ago: last week
    s.followup(b, s.acme, NOW - timedelta(days=10))
    s.followup(b, s.acme, NOW - timedelta(days=3))

    c, i = s.carol, s.initech
    s.deal(c, i, "Secret", "1000000", 90, "quote", decision_date=date(2026, 12, 1), dmu_known=None, next_step=None,
           updated_at=OLD, quote_sent_on=date(2026, 11, 2))
    s.deal(c, i, "Secret won", "50000", 100, "won", closed_on=TODAY, created_at=NOW - timedelta(days=1))
    s.followup(c, i, NOW - timedelta(days=2))
    session.flush()
    return seed


@pytest.fixture
def numbers(runtime: Runtime) -> DigestNumbers:
    with runtime.sessions.begin() as session:
        s = seed(session)
        team_id = s.north.id
    with runtime.sessions() as session:
        return digest_numbers(session, team_id, NOW)


def by_name(numbers: DigestNumbers) -> dict[str, RepNumbers]:
    return {rep.name: rep for rep in numbers.reps}


def test_forecast_per_decision_month_and_stage(numbers: DigestNumbers) -> None:
    assert numbers.months() == {"2026-10": Decimal("70.00"), "2026-12": Decimal("15620.68"),
                                "2027-01": Decimal("460.00")}  # 4000 + 1620.675 + 10000; 300 + 160
    assert numbers.total == Decimal("16150.68")
    assert numbers.undated == Tally(2, Decimal("1730.00"))  # Labels 680, Pallets 1050
    reps = by_name(numbers)
    assert (reps["Alice"].weighted, reps["Bob"].weighted, reps["Mia"].weighted) == (
        Decimal("6080.68"), Decimal("10070.00"), Decimal("0.00"))
    december = {(c.stage, c.weighted, c.deals) for c in numbers.cells if c.month == "2026-12"}
    assert december == {("quote", Decimal("4000"), 1), ("hot prospect", Decimal("1620.675"), 1),
                        ("quote", Decimal("10000"), 1)}
    assert numbers.other_currency == 1  # the USD quote: counted, not added to euros
    assert [reps[n].open_deals for n in ("Alice", "Bob", "Mia")] == [6, 3, 0]  # the USD quote is open too
    assert numbers.forecast().to_json()["months"][1] == {"month": "2026-12", "weighted_amount": "15620.68",
                                                         "weighted_units": 4.5, "deals": 3}
    assert (numbers.team, numbers.today, numbers.week_start) == ("North", TODAY, date(2026, 11, 23))


def test_week_results_and_quote_ratio(numbers: DigestNumbers) -> None:
    assert numbers.won == Tally(1, Decimal("1000.00"))  # Forklift service closed 17 Nov: last week
    assert numbers.lost == Tally(1, Decimal("3000.00"))
    assert numbers.new == Tally(1, Decimal("500.00"))  # created exactly 7 days ago is last week
    reps = by_name(numbers)
    assert (reps["Alice"].year_quotes_sent, reps["Alice"].year_quotes_won) == (2, 1)
    assert (reps["Bob"].year_quotes_sent, reps["Bob"].year_quotes_won) == (2, 1)
    assert (numbers.year_quotes_sent, numbers.year_quotes_won) == (4, 2)
    assert (reps["Alice"].quotes_sent, reps["Alice"].quotes_won) == (0, 1)  # Toner: won this week, quoted before
    assert (reps["Bob"].quotes_sent, reps["Bob"].quotes_won) == (1, 0)  # Forklift: quoted two days ago
    assert reps["Carol" if "Carol" in reps else "Mia"].quotes_sent == 0


def test_attention_points_and_their_edges(numbers: DigestNumbers) -> None:
    reps = by_name(numbers)
    alice, bob = reps["Alice"], reps["Bob"]
    assert alice.overdue.count == 1 and [f.due_at for f in alice.overdue.first] == [NOW - timedelta(days=1)]
    assert bob.overdue.count == 2 and [f.due_at for f in bob.overdue.first] == [NOW - timedelta(days=10),
                                                                                 NOW - timedelta(days=3)]
    assert [d.title for d in alice.no_next_step.first] == ["Labels"]  # Printers has an open follow-up
    assert [d.title for d in bob.no_next_step.first] == ["Forklift"]
    assert [d.title for d in alice.quote_rule.first] == ["Printers"]  # exactly 35%; Labels at 34% is not
    assert [d.title for d in bob.quote_rule.first] == ["Pallets"]  # no decision date
    assert [(d.title, d.last_activity) for d in alice.stalled.first] == [("Labels", NOW - timedelta(days=30))]
    assert bob.stalled == type(bob.stalled)()  # Pallets' follow-up was done 29 days ago, Old deal is a second short
    assert reps["Mia"].attention == 0
    assert [numbers.attention(n) for n in ("overdue", "no_next_step", "quote_rule", "stalled")] == [3, 2, 2, 1]
    printers = alice.quote_rule.first[0]
    assert (printers.account, printers.amount, printers.probability, printers.dmu_known) == (
        "Acme", Decimal("4630.5"), 35, None)


def test_no_other_team_data(numbers: DigestNumbers) -> None:
    assert [rep.name for rep in numbers.reps] == ["Alice", "Bob", "Mia"]
    assert "Secret" not in str(numbers) and "Initech" not in str(numbers)


def test_a_member_who_moved_teams_brings_no_customers_along(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        s = seed(session)
        s.bob.team_id = s.south.id  # Bob moved to South; his deals are on North's accounts
        north, south = s.north.id, s.south.id
    with runtime.sessions() as session:
        south_digest, north_digest = digest_numbers(session, south, NOW), digest_numbers(session, north, NOW)
    assert "Forklift" not in str(south_digest) and "Globex" not in str(south_digest)
    bob = by_name(south_digest)["Bob"]
    assert (bob.forecast, bob.overdue.count, bob.open_deals) == ((), 0, 0)
    assert "Bob" not in by_name(north_digest)


def test_listing_is_capped_but_counts_are_not(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        s = Seed(session)
        for n in range(8):
            s.deal(s.alice, s.acme, f"Deal {n}", str(100 * (n + 1)), 50, "prospect", next_step=None)
        team_id = s.north.id
    with runtime.sessions() as session:
        alice = digest_numbers(session, team_id, NOW, listed=3).reps[0]
    assert alice.no_next_step.count == 8
    assert [d.title for d in alice.no_next_step.first] == ["Deal 7", "Deal 6", "Deal 5"]  # largest first


def classed_with_visits(session: Session) -> Seed:
    """The seed with North's contact norms (A six, B twelve a year) and classes on some accounts: Alice owns Acme,
    visited 29 days ago, and Globex, an A-prospect for 90 days never visited; Bob owns Hooli (B), last visited 50
    days ago and Umbrella (A), last visited 70 days ago with a visit planned for Friday; South's Initech is an
    A-customer never visited."""
    s = seed(session)
    s.north.contact_norms = {"A": 6, "B": 12}
    for account, cls, status in ((s.acme, "A", "customer"), (s.globex, "A", "prospect"), (s.initech, "A", "customer")):
        account.abc_class, account.status, account.class_since = cls, status, OLD
    hooli, umbrella = s.account("Hooli", s.north), s.account("Umbrella", s.north)
    for account, cls, last_visit in ((hooli, "B", 50), (umbrella, "A", 70)):
        account.created_by_id, account.abc_class, account.status, account.class_since = s.bob.id, cls, "customer", OLD
        session.add(Visit(account_id=account.id, owner_id=s.bob.id, visit_type="aftersales", status="debriefed",
                          planned_on=TODAY - timedelta(days=last_visit)))
    session.add(Visit(account_id=umbrella.id, owner_id=s.bob.id, visit_type="aftersales", status="planned",
                      planned_on=TODAY + timedelta(days=3)))
    session.flush()
    return s


def test_accounts_overdue_a_visit_per_owner_by_the_teams_norm(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        s = classed_with_visits(session)
        ids = {a.name: a.id for a in session.scalars(select(Account))}
        team_id, alice_id, bob_id = s.north.id, s.alice.id, s.bob.id
    with runtime.sessions() as session:
        numbers, capped = digest_numbers(session, team_id, NOW), digest_numbers(session, team_id, NOW, listed=1)
    reps = by_name(numbers)
    assert reps["Alice"].overdue_visits == Listed(1, (VisitDue(
        ids["Globex"], "Globex", alice_id, "A", 6, None, TODAY - timedelta(days=30), 30),))
    assert reps["Bob"].overdue_visits == Listed(2, (
        VisitDue(ids["Hooli"], "Hooli", bob_id, "B", 12, TODAY - timedelta(days=50), TODAY - timedelta(days=20), 20),
        VisitDue(ids["Umbrella"], "Umbrella", bob_id, "A", 6, TODAY - timedelta(days=70), TODAY - timedelta(days=10),
                 10, TODAY + timedelta(days=3))))
    assert (reps["Alice"].attention, reps["Bob"].attention, numbers.attention("overdue_visits")) == (5, 6, 3)
    assert "Initech" not in str(numbers)  # South's
    bob = by_name(capped)["Bob"].overdue_visits
    assert (bob.count, [v.account for v in bob.first]) == (2, ["Hooli"])


def test_a_stored_digest_keeps_its_accounts_overdue_a_visit_and_one_stored_before_them_reads(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        s = classed_with_visits(session)
        team_id = s.north.id
        numbers = digest_numbers(session, team_id, NOW)
        save_snapshot(session, team_id, numbers)
    with runtime.sessions() as session:
        assert stored_digest(session, team_id, numbers.week_start) == numbers
    older = stored(numbers)
    for rep in older["numbers"]["reps"]:
        del rep["overdue_visits"]
    assert {rep.overdue_visits for rep in restored(older).reps} == {Listed()}


def test_snapshots_overwrite_per_week_and_give_the_change(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        s = seed(session)
        team_id, other_id = s.north.id, s.south.id
    with runtime.sessions.begin() as session:
        numbers = digest_numbers(session, team_id, NOW)
        assert last_snapshot(session, team_id, numbers.week_start) is None
        last_week = DigestNumbers("North", "Europe/Amsterdam", NOW - timedelta(days=8), TODAY - timedelta(days=8), ())
        save_snapshot(session, team_id, last_week)
        save_snapshot(session, other_id, last_week)  # another team's: never read here
        save_snapshot(session, team_id, DigestNumbers("North", "Europe/Amsterdam", NOW, TODAY, ()))
        save_snapshot(session, team_id, numbers)  # the same week again: overwrites
    with runtime.sessions() as session:
        assert last_snapshot(session, team_id, date(2026, 11, 16)) is None
        this_week = last_snapshot(session, team_id, date(2026, 11, 30))
        previous = last_snapshot(session, team_id, numbers.week_start)
        assert stored_digest(session, team_id, numbers.week_start) == numbers  # the whole digest, back from JSON
        assert stored_digest(session, team_id, date(2026, 11, 9)) is None
        assert stored_weeks(session, team_id) == [date(2026, 11, 23), date(2026, 11, 16)]
    assert this_week == Snapshot(date(2026, 11, 23), numbers.months())
    assert previous == Snapshot(date(2026, 11, 16), {})
    change = week_change(numbers, previous)
    assert (change.since, change.total_change) == (date(2026, 11, 16), Decimal("16150.68"))
    assert week_change(numbers, this_week).total_change == Decimal("0.00")


def test_replies_from_the_database(numbers: DigestNumbers) -> None:
    summary, details = digest_replies(numbers, None, "nl")
    assert "Wekelijks pijplijnoverzicht: North" in summary.plain()
    assert "€\xa016.150,68" in summary.plain()
    assert [r.blocks[0].plain() for r in details] == ["Alice: aandachtspunten", "Bob: aandachtspunten"]


def test_empty_team(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        team = Team(name="Empty")
        session.add(team)
        session.flush()
        numbers = digest_numbers(session, team.id, NOW)
    assert (numbers.reps, numbers.total, numbers.months()) == ((), Decimal("0.00"), {})
    with runtime.sessions() as session, pytest.raises(LookupError):
        digest_numbers(session, 999, NOW)
