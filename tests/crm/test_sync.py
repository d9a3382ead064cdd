"""The CRM sync against an in-memory CRM, on SQLite and PostgreSQL: owners matched to chat users, companies to
accounts, deals and tasks pulled, changes and removals followed, and a second sync that writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from bot.crm_job import crm_sync
from bot.runtime import Runtime
from coach.clock import SetClock
from coach.records import DealChanges
from crm.connector import CrmAuthError, CrmUnavailable
from storage.digest_queries import digest_numbers
from storage.models import Account, CrmPendingCompany, Deal, FollowUp, User
from storage.sales_teams import add_member, create_team
from storage.store import SqlStore, user_info
from tests.crm.memory_crm import MemoryCrm

MINUTE = timedelta(minutes=1)


@pytest.fixture
def crm(clock: SetClock) -> MemoryCrm:
    """Anna and Bram are chat users whose e-mails their CRM owners share (in another case); Carla is not."""
    made = MemoryCrm(clock)
    made.owner("o1", "Anna@Acme.test", "Anna")
    made.owner("o2", "bram@acme.test", "Bram")
    made.owner("o3", "carla@acme.test", "Carla")
    made.company("c1", "Jansen Logistics", "o1")
    made.company("c2", "Vos Bouw", None)
    made.deal("d1", title="Forklifts", amount=Decimal("42000"), stage="Presentation scheduled", probability=None)
    made.deal("d2", company_id="c2", owner_id="o2", title="Racking", stage="Contract sent", probability=70,
              currency=None)
    made.deal("d3", title="Service contract", stage="Closed won", closed=True, won=True, probability=100,
              close_date=date(2026, 11, 20))
    made.task("t1", deal_id="d1", subject="Send the reference list")
    made.task("t2", deal_id=None, company_id="c2", owner_id="o2", subject="Call Vos about the site visit")
    return made


@pytest.fixture
def team(runtime: Runtime) -> int:
    with runtime.sessions.begin() as s:
        made = create_team(s, "Sales")
        for identity, email in (("console:anna", "anna@acme.test"), ("console:bram", "bram@acme.test")):
            add_member(s, "Sales", identity).email = email
        add_member(s, "Sales", "console:max", role="manager")
        return made.id


def users(rt: Runtime) -> dict[str, User]:
    with rt.sessions() as s:
        return {u.identity: u for u in s.scalars(select(User))}


def deals(rt: Runtime) -> dict[str, Deal]:
    with rt.sessions() as s:
        return {d.crm_id: d for d in s.scalars(select(Deal).where(Deal.crm_id.is_not(None)))}


def followups(rt: Runtime) -> dict[str, FollowUp]:
    with rt.sessions() as s:
        return {f.crm_id: f for f in s.scalars(select(FollowUp).where(FollowUp.crm_id.is_not(None)))}


def counts(report) -> dict[str, dict[str, int]]:
    return {kind: {k: n for k, n in run.counts.items() if n} for kind, run in report.runs.items()}


def test_a_first_sync_links_owners_and_brings_in_companies_deals_and_tasks(runtime: Runtime, crm: MemoryCrm,
                                                                          team: int) -> None:
    report = crm_sync(runtime, crm).run()

    assert report.full  # every owner was linked anew
    assert counts(report) == {"owners": {"created": 2, "skipped": 1}, "companies": {"created": 1, "pending": 1},
                              "deals": {"created": 3}, "tasks": {"created": 2}}
    assert [(s.id, s.reason) for s in report.runs["owners"].skipped] == [
        ("o3", "no chat user has the e-mail carla@acme.test: `salescoach user link USER --email carla@acme.test`")]
    who = users(runtime)
    assert (who["console:anna"].crm, who["console:anna"].crm_owner_id) == ("hubspot", "o1")  # e-mail case ignored
    pulled = deals(runtime)
    forklifts, racking, service = pulled["d1"], pulled["d2"], pulled["d3"]
    assert (forklifts.owner_id, forklifts.title, forklifts.amount, forklifts.currency, forklifts.decision_date,
            forklifts.stage, forklifts.probability) == (who["console:anna"].id, "Forklifts", Decimal("42000.00"),
                                                        "EUR", date(2027, 1, 31), "hot prospect", 60)
    assert (racking.owner_id, racking.stage, racking.probability, racking.quote_sent_on) == (
        who["console:bram"].id, "quote", 70, date(2026, 11, 24))  # the deal's own chance wins over the stage's
    assert (service.stage, service.probability, service.closed_on) == ("won", 100, date(2026, 11, 20))
    with runtime.sessions() as s:
        accounts = {a.crm_id: a for a in s.scalars(select(Account))}
        assert s.scalars(select(CrmPendingCompany)).all() == []
    assert {a.name for a in accounts.values()} == {"Jansen Logistics", "Vos Bouw"}
    assert {a.scope for a in accounts.values()} == {f"team:{team}"}
    # Vos Bouw has no owner in the CRM: Bram's deal placed it in his team
    assert racking.account_id == accounts["c2"].id
    tasks = followups(runtime)
    assert (tasks["t1"].action, tasks["t1"].deal_id, tasks["t1"].account_id, tasks["t1"].status) == (
        "Send the reference list", forklifts.id, accounts["c1"].id, "open")
    assert (tasks["t2"].owner_id, tasks["t2"].deal_id, tasks["t2"].account_id) == (
        who["console:bram"].id, None, accounts["c2"].id)
    assert tasks["t1"].due_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_second_sync_changes_nothing(runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock) -> None:
    crm_sync(runtime, crm).run()
    before = (deals(runtime), followups(runtime))
    clock.advance(10 * MINUTE)
    written: list[str] = []

    def note(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            written.append(statement.split("(")[0].split(" SET")[0])

    event.listen(runtime.engine, "before_cursor_execute", note)
    try:
        again = crm_sync(runtime, crm).run()
        full = crm_sync(runtime, crm).run(full=True)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", note)

    assert not again.full and full.full
    for report in (again, full):
        assert counts(report) == {"owners": {"unchanged": 2, "skipped": 1}, "companies": {"unchanged": 2},
                                  "deals": {"unchanged": 3}, "tasks": {"unchanged": 2}}
    tables = {w.split()[-1].strip('"') for w in written}
    assert tables == {"crm_sync", "crm_sync_claims"}, written  # the sync's own state, nothing of the coach's

    def stamps(rows):
        return {k: (row.updated_at if hasattr(row, "updated_at") else row.due_at, row.crm_base)
                for k, row in rows.items()}

    assert (stamps(deals(runtime)), stamps(followups(runtime))) == (stamps(before[0]), stamps(before[1]))


def test_a_deal_changed_in_the_crm_is_updated_and_a_local_edit_of_another_field_stands(
        runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock) -> None:
    crm_sync(runtime, crm).run()
    anna = users(runtime)["console:anna"]
    forklifts = deals(runtime)["d1"]
    with runtime.sessions() as s:  # a debrief raises the chance here; the CRM does not know it yet
        store = SqlStore(s)
        store.save_deal(user_info(s.get(User, anna.id)), DealChanges(
            forklifts.account_id, forklifts.title, forklifts.amount, None, 75, "hot prospect",
            forklifts.decision_date, True, "Demo on site", deal_id=forklifts.id), date(2026, 11, 24))
        s.commit()
    clock.advance(MINUTE)
    crm.change("deals", "d1", amount=Decimal("45500.50"), close_date=date(2027, 2, 28))

    report = crm_sync(runtime, crm).run()

    assert counts(report)["deals"] == {"updated": 1, "unchanged": 2}
    changed = deals(runtime)["d1"]
    assert (changed.amount, changed.decision_date, changed.probability, changed.next_step) == (
        Decimal("45500.50"), date(2027, 2, 28), 75, "Demo on site")
    assert changed.crm_modified_at == clock()

    clock.advance(MINUTE)
    crm.change("deals", "d1", stage="Closed lost", closed=True, won=False, probability=0)
    assert counts(crm_sync(runtime, crm).run())["deals"] == {"updated": 1}  # only what changed since the cursor
    lost = deals(runtime)["d1"]
    assert (lost.stage, lost.probability, lost.closed_on) == ("lost", 0, date(2027, 2, 28))


def test_a_deal_removed_in_the_crm_leaves_the_pipeline_forecast_and_digest(
        runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock) -> None:
    crm_sync(runtime, crm).run()
    anna = users(runtime)["console:anna"]

    def seen() -> tuple[list[str], list[str], list[str], int]:
        with runtime.unit_of_work() as uow:
            me = uow.store.user(anna.identity)
            own = [d.title for d in uow.store.open_deals(me)]
            forecast = [d.title for d in uow.deals.open_deals(None, "Sales")[0]]
            shown = [d["title"] for d in uow.accounts.report("Jansen Logistics")["deals"]]
        with runtime.sessions() as s:
            rep = next(r for r in digest_numbers(s, team, clock()).reps if r.name == "console:anna")
        return own, forecast, shown, rep.open_deals

    assert seen() == (["Forklifts"], ["Forklifts", "Racking"], ["Forklifts", "Service contract"], 1)
    clock.advance(MINUTE)
    crm.remove("deals", "d1")

    report = crm_sync(runtime, crm).run()

    assert counts(report)["deals"] == {"unchanged": 2, "closed": 1}
    assert seen() == ([], ["Racking"], ["Service contract"], 0)
    assert deals(runtime)["d1"].crm_removed_at == clock()
    assert counts(crm_sync(runtime, crm).run())["deals"] == {"unchanged": 2}  # closed once

    clock.advance(MINUTE)
    crm.deal("d1", title="Forklifts", amount=Decimal("42000"), stage="Presentation scheduled", probability=None)
    crm.removals["deals"].clear()
    assert counts(crm_sync(runtime, crm).run())["deals"] == {"updated": 1, "unchanged": 2}  # restored in the CRM
    assert seen()[0] == ["Forklifts"]


def test_a_task_done_in_the_crm_closes_its_follow_up_and_a_removed_one_is_closed(
        runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock) -> None:
    crm_sync(runtime, crm).run()
    clock.advance(MINUTE)
    crm.change("tasks", "t1", done=True)
    crm.remove("tasks", "t2")
    crm.task("t3", deal_id="d1", done=True, subject="Done before it was ever synced")

    report = crm_sync(runtime, crm).run()

    assert counts(report)["tasks"] == {"closed": 2, "ignored": 1}
    tasks = followups(runtime)
    assert (tasks["t1"].status, tasks["t1"].done_at) == ("done", clock())
    assert tasks["t2"].status == "removed"
    assert "t3" not in tasks
    with runtime.unit_of_work() as uow:
        assert uow.store.open_followups(uow.store.user("console:bram")) == []

    clock.advance(MINUTE)
    crm.change("tasks", "t1", done=False, due_at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    assert counts(crm_sync(runtime, crm).run())["tasks"] == {"updated": 1, "ignored": 1}
    reopened = followups(runtime)["t1"]
    assert (reopened.status, reopened.done_at, reopened.due_at) == ("open", None, datetime(2026, 12, 8, 9, 0,
                                                                                           tzinfo=UTC))


def test_a_task_done_in_chat_stays_done_while_the_crm_has_not_changed_it(
        runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock) -> None:
    crm_sync(runtime, crm).run()
    with runtime.unit_of_work() as uow:
        anna = uow.store.user("console:anna")
        assert uow.store.complete_followup(anna, followups(runtime)["t1"].id, clock())
        uow.commit()

    assert counts(crm_sync(runtime, crm).run(full=True))["tasks"] == {"unchanged": 2}
    assert followups(runtime)["t1"].status == "done"


def test_an_owner_linked_later_brings_in_what_was_skipped_for_them(
        runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock) -> None:
    crm.company("c3", "Carla's Customer", "o3")
    crm.deal("d4", company_id="c3", owner_id="o3", title="Conveyor")
    first = crm_sync(runtime, crm).run()
    assert [(s.id, s.name, s.reason) for s in first.runs["deals"].skipped] == [
        ("d4", "Conveyor", "owner carla@acme.test is not linked: `salescoach user link USER --email "
                           "carla@acme.test`")]
    assert counts(first)["companies"] == {"created": 1, "pending": 2}
    with runtime.unit_of_work() as uow:
        uow.users.link_email("console:carla", "CARLA@acme.test")
        uow.commit()
    clock.advance(MINUTE)

    report = crm_sync(runtime, crm).run()  # nothing changed in the CRM: the new link makes it a full sync

    assert report.full
    assert counts(report)["owners"] == {"created": 1, "unchanged": 2}
    assert counts(report)["deals"] == {"created": 1, "unchanged": 3}
    conveyor = deals(runtime)["d4"]
    with runtime.sessions() as s:
        assert s.get(Account, conveyor.account_id).name == "Carla's Customer"
        assert s.get(User, conveyor.owner_id).identity == "console:carla"


def test_skipped_records_are_counted_and_listed_with_their_reason(
        runtime: Runtime, crm: MemoryCrm, team: int) -> None:
    crm.deal("d5", amount=None, title="No amount")
    crm.deal("d6", close_date=None, amount=None, title="Nothing")
    crm.deal("d7", company_id=None, title="Loose deal")
    crm.deal("d8", owner_id=None, title="Nobody's")
    crm.deal("d9", title="Custom", stage="Demo booked", probability=55)
    crm.deal("d10", company_id="c404", title="Unknown company")
    crm.task("t4", due_at=None, subject="Someday")
    crm.task("t5", deal_id=None, subject="Loose task")

    report = crm_sync(runtime, crm).run()

    assert {(s.id, s.reason) for s in report.runs["deals"].skipped} == {
        ("d5", "no amount"), ("d6", "no amount and no close date"), ("d7", "is not tied to a company"),
        ("d8", "has no owner in the CRM"), ("d10", "its company c404 is not synced yet")}
    assert {(s.id, s.reason) for s in report.runs["tasks"].skipped} == {
        ("t4", "has no due date"), ("t5", "is tied to no deal or company")}
    assert counts(report)["deals"] == {"created": 4, "skipped": 5, "stage_guessed": 1}
    assert report.runs["deals"].unknown_stages == ["Demo booked"]
    assert (deals(runtime)["d9"].stage, deals(runtime)["d9"].probability) == ("hot prospect", 55)
    stored = runtime.crm_store("hubspot").runs()
    assert stored["deals"].counts == report.runs["deals"].counts
    assert {s.id for s in stored["deals"].skipped} == {"d5", "d6", "d7", "d8", "d10"}


def test_a_refused_token_stops_the_sync_before_anything_local_changes(
        runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock) -> None:
    crm_sync(runtime, crm).run()

    def coach_data():
        with runtime.sessions() as s:
            return [sorted(tuple(getattr(row, c.key) for c in model.__table__.columns)
                           for row in s.scalars(select(model))) for model in (User, Account, Deal, FollowUp)]

    before = coach_data()
    clock.advance(MINUTE)
    crm.change("deals", "d1", amount=Decimal("1"))
    crm.remove("deals", "d2")
    crm.refused = True

    with pytest.raises(CrmAuthError):
        crm_sync(runtime, crm).run()

    assert coach_data() == before
    stored = runtime.crm_store("hubspot").runs()
    assert stored["owners"].error.startswith("HubSpot refused the access token (401)")
    assert stored["deals"].error == "not run: the owners sync failed"
    assert stored["deals"].succeeded_at < clock()
    assert runtime.crm_store("hubspot").claim_state().running is False  # released for the next run


def test_a_failure_midway_keeps_what_was_committed_and_the_cursor_says_how_far(
        runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("crm.sync.CHUNK", 2)
    crm_sync(runtime, crm).run()
    stamps = []
    for n in range(5):
        clock.advance(MINUTE)
        crm.deal(f"n{n}", title=f"New {n}")
        stamps.append(clock())
    # d1, d2, d3 (at the cursor), n0 and n1 are pulled, and the CRM fails on the sixth deal: the chunks d1-d2 and
    # d3-n0 were written, n1 was not
    crm.fail_deals_after = 5

    with pytest.raises(CrmUnavailable):
        crm_sync(runtime, crm).run()

    assert sorted(k for k in deals(runtime) if k.startswith("n")) == ["n0"]
    stored = runtime.crm_store("hubspot").runs()
    assert (stored["deals"].cursor, stored["deals"].counts["created"], stored["deals"].error) == (
        stamps[0], 1, "HubSpot answered 503: try again later")
    assert stored["deals"].finished_at == clock() and stored["deals"].succeeded_at < stamps[0]
    assert stored["tasks"].error == "not run: the deals sync failed"

    crm.fail_deals_after = None
    report = crm_sync(runtime, crm).run()

    assert counts(report)["deals"] == {"created": 4, "unchanged": 1}  # from n0 on: n0 was the cursor's own
    assert sorted(k for k in deals(runtime) if k.startswith("n")) == [f"n{n}" for n in range(5)]
    assert runtime.crm_store("hubspot").runs()["deals"].cursor == stamps[-1]


def test_the_sync_streams_a_chunk_at_a_time(runtime: Runtime, crm: MemoryCrm, team: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Never more than a chunk of records is held between the CRM and the database: memory is flat in their
    number."""
    monkeypatch.setattr("crm.sync.CHUNK", 25)
    for n in range(120):
        crm.deal(f"s{n}", title=f"Deal {n}")
    pulled = crm.pull_deals
    held = []

    def watched(since):
        for n, record in enumerate(pulled(since)):
            with runtime.sessions() as s:
                held.append(n - len(s.scalars(select(Deal.id)).all()))
            yield record

    monkeypatch.setattr(crm, "pull_deals", watched)
    crm_sync(runtime, crm).run()
    assert len(held) == 123 and max(held) < 25


def test_companies_find_their_account_by_name_in_the_owners_team_and_keep_two_of_one_name_apart(
        runtime: Runtime, crm: MemoryCrm, team: int, clock: SetClock) -> None:
    with runtime.unit_of_work() as uow:
        anna = uow.store.user("console:anna")
        known = uow.store.get_or_create_account(anna, "jansen  LOGISTICS")
        uow.commit()
    crm.company("c9", "Jansen Logistics", "o2")  # a second company of that name, in the same team

    crm_sync(runtime, crm).run()

    with runtime.sessions() as s:
        accounts = {a.crm_id: a for a in s.scalars(select(Account).where(Account.crm_id.is_not(None)))}
    assert accounts["c1"].id == known.id and accounts["c1"].name == "Jansen Logistics"
    assert accounts["c9"].name == "Jansen Logistics (c9)"

    clock.advance(MINUTE)
    crm.change("companies", "c1", name="Jansen Logistics B.V.")
    crm.remove("companies", "c9")
    assert counts(crm_sync(runtime, crm).run())["companies"] == {"updated": 1, "unchanged": 1, "closed": 1}
    with runtime.sessions() as s:
        assert s.get(Account, known.id).name == "Jansen Logistics B.V."
        assert s.scalar(select(Account.crm_removed_at).where(Account.crm_id == "c9")) == clock()


def test_a_deal_imported_from_a_csv_with_its_record_id_is_taken_over(
        runtime: Runtime, crm: MemoryCrm, team: int) -> None:
    with runtime.unit_of_work() as uow:
        anna = uow.store.user("console:anna")
        account = uow.store.get_or_create_account(anna, "Jansen Logistics")
        uow.session.add(Deal(account_id=account.id, owner_id=anna.id, title="Forklifts (import)", quote_ref="d1",
                             amount=Decimal("40000")))
        uow.commit()

    crm_sync(runtime, crm).run()

    with runtime.sessions() as s:
        forklifts = s.scalars(select(Deal).where(Deal.quote_ref == "d1")).all()
    assert [(d.crm_id, d.title, d.amount) for d in forklifts] == [("d1", "Forklifts", Decimal("42000.00"))]
