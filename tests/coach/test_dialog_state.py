"""Stored dialog state: form progress has a field of its own, and state saved by older versions still reads."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.runtime import Runtime
from coach.dialog import SCHEMA_VERSION, DialogState
from storage.models import Deal
from storage.models import DialogState as DialogRow
from tests.coach.chat_helper import Chat, Clock

OLD_PREP = {"flow": "prep", "step": "internal", "data": {"account": "Acme", "_form": {"items": ["dmu"]}},
            "history": ["visit_type", "checklist"]}


def test_version_1_form_progress_moves_out_of_the_flow_data() -> None:
    state = DialogState.model_validate({
        "schema_version": 1, "active": {"flow": "debrief", "step": "details",
                                        "data": {"account": "Acme", "_form": {"outcome": "ok"}}},
        "paused": OLD_PREP, "last_seen": "2026-11-24T09:00:00+00:00"})
    assert state.schema_version == SCHEMA_VERSION
    assert state.active is not None and state.paused is not None
    assert (state.active.data, state.active.form) == ({"account": "Acme"}, {"outcome": "ok"})
    assert (state.paused.data, state.paused.form) == ({"account": "Acme"}, {"items": ["dmu"]})
    assert state.paused.history == ["visit_type", "checklist"]
    assert OLD_PREP["data"]["_form"] == {"items": ["dmu"]}, "the raw state is left as it was"


def test_current_state_is_read_as_it_is() -> None:
    raw = {"schema_version": SCHEMA_VERSION,
           "active": {"flow": "debrief", "step": "details", "data": {"_form": "a flow's own key"}, "form": {}}}
    state = DialogState.model_validate(raw)
    assert state.active is not None and state.active.data == {"_form": "a flow's own key"}


def test_a_form_half_answered_before_the_upgrade_goes_on_where_it_was(runtime: Runtime) -> None:
    chat = Chat(runtime.coach(clock=Clock()))
    chat.send("debrief Acme")
    chat.send("1")
    chat.send("1")  # still open
    chat.send("Good talk")
    assert chat.send("Packaging line") == "Stage"
    with runtime.sessions.begin() as s:  # store it as version 1 did
        row = s.scalars(select(DialogRow).where(DialogRow.conversation_key == chat.who.conversation_key)).one()
        state = dict(row.state)
        active = state["active"]
        assert active["form"] == {"outcome": "Good talk", "title": "Packaging line"}
        old = {**state, "schema_version": 1,
               "active": {k: v for k, v in active.items() if k != "form"} | {
                   "data": {**active["data"], "_form": active["form"]}}}
        s.execute(update(DialogRow).where(DialogRow.id == row.id).values(state=old))
    assert chat.send("back") == "Deal or product"  # the answers kept: two, less one
    assert chat.send("Conveyor belts") == "Stage"  # not "How did it go?": that answer was kept
    for answer in ["prospect", "1000", "skip", "25", "15-12", "no", "skip", "skip"]:
        out = chat.send(answer)
    assert "Saved: Acme" in out
    with runtime.sessions() as s:
        assert s.scalars(select(Deal.title)).one() == "Conveyor belts"
        stored = s.scalars(select(DialogRow.state)).one()
        assert stored["schema_version"] == SCHEMA_VERSION and stored["active"] is None
