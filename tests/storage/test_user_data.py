"""Data rights: the export holds everything about a user; after delete nothing identifying is left anywhere."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import MetaData, func, select, text

from bot.runtime import Runtime
from coach.digest_policy import digest_message
from coach.engine import Who
from coach.reminder_policy import nudge_message
from coach.replies import Reply
from storage.digest_queries import digest_numbers, save_snapshot, stored_digest
from storage.models import Deal, FollowUp, InboxItem, User, Visit
from storage.outbox import enqueue
from storage.sales_teams import TeamError, add_member, create_team
from storage.store import SqlStore
from storage.user_data import delete_user, export_user
from tests.bot.cli_runner import run
from tests.coach.chat_helper import Chat, Clock
from tests.coach.test_engine import prepare

ZEB = "slack:UZEBGREP"
MARKERS = ("UZEBGREP", "Zebulon", "Grepme")


@pytest.fixture
def zeb(runtime: Runtime) -> None:
    """Zebulon, a rep in team North with Alice (manager): a prepared visit, a debrief, follow-ups, a nudge."""
    with runtime.sessions() as s:
        create_team(s, "North")
        add_member(s, "North", "slack:UALICE", "manager")
        add_member(s, "North", ZEB)
        s.commit()
    chat = Chat(runtime.coach(clock=Clock()), user="x")
    chat.who = Who(identity=ZEB, conversation_key=f"slack:T0:{ZEB}", display_name="Zebulon Grepme")
    prepare(chat, "Acme")
    chat.send("tomorrow")
    with runtime.sessions() as s:
        store = SqlStore(s)
        user = store.ensure_user(ZEB, "Zebulon Grepme", None, None)
        account = store.get_or_create_account(user, "Acme")
        store.add_followup(user, account.id, "Send the proposal", datetime(2026, 12, 1, 9, tzinfo=UTC))
        store.commit()
    with runtime.sessions.begin() as s:  # a weekly digest was sent: Zebulon's line is in its snapshot
        team_id = s.scalar(select(User.team_id).where(User.identity == ZEB))
        save_snapshot(s, team_id, digest_numbers(s, team_id, datetime(2026, 11, 30, 7, tzinfo=UTC)))
        now = datetime(2026, 11, 30, 7, tzinfo=UTC)
        enqueue(s, [nudge_message(ZEB, 0, [], "en", "Europe/Amsterdam", now),  # a nudge, and a digest as if Zeb
                    digest_message(ZEB, team_id, "2026-W49", Reply(), [], now)], now)  # were a manager
        s.add(InboxItem(source="slack", dedupe_key="slack:Ev0ZEB", job="message", state="pending", not_before=now,
                        payload={"event_id": "Ev0ZEB", "team": "T0", "user": "UZEBGREP", "channel": "DZEBGREP",
                                 "text": "Grepme: my pipeline please"}))  # a DM not handled yet


def database_text(runtime: Runtime) -> str:
    """Every value of every row of every table, as text."""
    meta = MetaData()
    meta.reflect(runtime.engine)
    with runtime.engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for table in meta.sorted_tables
                         for row in conn.execute(select(table)))


def test_the_export_holds_everything_about_the_user(runtime: Runtime, zeb: None) -> None:
    with runtime.sessions() as s:
        data = export_user(s, ZEB)
        assert data["user"]["identity"] == ZEB and data["user"]["display_name"] == "Zebulon Grepme"
        assert len(data["visits"]) == s.scalar(select(func.count()).select_from(Visit)) == 1
        assert len(data["follow_ups"]) == 2 and data["visits"][0]["call_plan"]
        assert data["conversations"] and len(data["scheduled_messages"]) == 2
        assert [m["payload"]["text"] for m in data["unhandled_messages"]] == ["Grepme: my pipeline please"]
        [line] = data["weekly_digests"]
        assert line["week_start"] == "2026-11-30" and line["line"]["name"] == "Zebulon Grepme"
        json.dumps(data)  # plain JSON
        dump = database_text(runtime)
    for table, rows in data.items():  # every row of the database that names the user is in the export
        assert rows is not None or table == "conversation_reference"
    assert dump.count(ZEB) == json.dumps(data).count(ZEB)


def test_after_delete_nothing_identifying_remains_and_team_work_stays_anonymous(runtime: Runtime, zeb: None) -> None:
    assert any(m in database_text(runtime) for m in MARKERS)
    with runtime.sessions.begin() as s:
        counts = delete_user(s, ZEB)
    assert counts["deals_moved"] == 0 and counts["follow_ups_moved"] == 2 and counts["visits_moved"] == 1
    assert counts["digests_anonymised"] == 1 and counts["unhandled_messages_deleted"] == 1
    dump = database_text(runtime)
    assert not [m for m in MARKERS if m in dump], "identifying data left behind"
    with runtime.sessions() as s:  # the stored digest still reads, with the line under the placeholder's name
        team_id = s.scalar(select(User.team_id).where(User.identity == "slack:UALICE"))
        kept = stored_digest(s, team_id, date(2026, 11, 30))
    assert kept is not None and sorted((rep.name, rep.user_id > 0) for rep in kept.reps) == [
        ("Former rep", False), ("slack:UALICE", True)]  # no id a later user could be given
    with runtime.sessions() as s:
        former = s.scalar(select(User).where(User.display_name == "Former rep"))
        assert former is not None and former.team_id is not None
        assert s.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.owner_id == former.id)) == 2


def test_team_work_can_be_reassigned_to_a_colleague_only(runtime: Runtime, zeb: None) -> None:
    with runtime.sessions() as s:
        create_team(s, "South")
        add_member(s, "South", "slack:UCAROL")
        s.commit()
    with runtime.sessions.begin() as s, pytest.raises(TeamError, match="not another member of the same team"):
        delete_user(s, ZEB, "slack:UCAROL")
    with runtime.sessions.begin() as s:
        delete_user(s, ZEB, "slack:UALICE")
    with runtime.sessions() as s:
        alice = s.scalar(select(User).where(User.identity == "slack:UALICE"))
        assert s.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.owner_id == alice.id)) == 2
        assert s.scalar(select(func.count()).select_from(Deal)) == 0


def test_a_user_without_team_is_deleted_with_all_their_work(runtime: Runtime) -> None:
    chat = Chat(runtime.coach(clock=Clock()), user="solo")
    prepare(chat, "Acme")
    with runtime.sessions.begin() as s:
        counts = delete_user(s, "console:solo")
    assert counts["visits_deleted"] == 1 and counts["accounts_deleted"] == 1
    assert "solo" not in database_text(runtime).lower()


def test_the_cli_exports_and_deletes_with_confirmation(database_url: str, runtime: Runtime, zeb: None,
                                                       tmp_path) -> None:
    out = tmp_path / "zeb.json"
    exported = run(["user", "export", ZEB, "--out", str(out)], database_url)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text())["user"]["identity"] == ZEB
    refused = run(["user", "delete", ZEB], database_url)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    deleted = run(["user", "delete", ZEB, "--yes"], database_url)
    assert deleted.returncode == 0 and "deleted" in deleted.stdout
    unknown = run(["user", "export", ZEB], database_url)
    assert unknown.returncode == 2 and "no user" in unknown.stderr
    with runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users WHERE identity = :i"), {"i": ZEB}).scalar() == 0


def test_the_admin_chat_command_exports_and_deletes_after_a_confirmation(runtime: Runtime, zeb: None) -> None:
    settings = runtime.settings.model_copy(update={"coach_admins": "console:root"})
    coach = Runtime(settings, runtime.engine, runtime.sessions).coach(clock=Clock())
    root, alice = Chat(coach, user="root"), Chat(coach, user="alice")
    assert "Only the coach's administrators" in alice.send(f"admin export {ZEB}")
    assert "Only the coach's administrators" in alice.send(f"admin delete confirmed {ZEB}")  # a forged click too
    exported = root.send(f"admin export {ZEB}")
    assert f"Stored about {ZEB}" in exported and "Zebulon Grepme" in exported and "Visits: 1" in exported
    assert "no user 'slack:UNOBODY'" in root.send("admin export slack:UNOBODY")
    asked = root.send(f"admin delete {ZEB} to slack:UALICE")
    assert "cannot be undone" in asked and "slack:UALICE" in asked
    with runtime.sessions() as s:
        assert s.scalar(select(User).where(User.identity == ZEB)) is not None  # nothing happens before the click
    done = root.click("Delete")
    assert f"{ZEB} is deleted" in done
    assert not [m for m in MARKERS if m in database_text(runtime)]
    assert "cannot delete yourself" in root.send("admin delete confirmed console:root")
