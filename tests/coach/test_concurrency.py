"""Two messages at once on one conversation: every turn either lands whole or is refused clearly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import select

from bot.runtime import Runtime
from coach.dialog import DialogState, Inbound
from coach.engine import Who
from storage.models import Account
from storage.models import DialogState as DialogRow

BUSY = "You sent several messages at once"


def test_racing_turns_never_corrupt_the_conversation(runtime: Runtime) -> None:
    who = Who(identity="console:racer", conversation_key="race")
    coaches = [runtime.coach() for _ in range(4)]  # like four server instances sharing the database
    coaches[0].handle(who, Inbound(text="prep Acme"))
    coaches[0].handle(who, Inbound(text="1"))  # now at checklist step 1 of 10

    def send(i: int) -> str:
        return coaches[i % 4].handle(who, Inbound(text="done")).plain()

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(send, range(8)))
    advanced = [r for r in replies if BUSY not in r]
    print(f"{len(advanced)} of {len(replies)} turns landed")
    assert all("/10" in r or "Internal objective" in r for r in advanced), replies
    with runtime.sessions() as s:
        row = s.scalars(select(DialogRow).where(DialogRow.conversation_key == "race")).one()
    state = DialogState.model_validate(row.state)
    # each turn that answered moved the checklist exactly one step; refused ones moved nothing
    assert state.active is not None and state.active.data["check_i"] == len(advanced)
    assert row.version == 2 + len(advanced)


def test_colleagues_adding_the_same_new_account_at_once_both_get_it(runtime: Runtime) -> None:
    """Two reps of one team plan a visit to the same new customer at the same moment: both turns land on one
    account; before, the slower one failed on the accounts' unique key."""
    from storage.sales_teams import add_member, create_team

    with runtime.sessions() as s:
        create_team(s, "Field")
        for rep in range(6):
            add_member(s, "Field", f"console:rep{rep}")
        s.commit()
    coaches = [runtime.coach() for _ in range(6)]
    barrier = Barrier(6)

    def plan(i: int) -> str:
        who = Who(identity=f"console:rep{i}", conversation_key=f"rep{i}")
        barrier.wait()
        return coaches[i].handle(who, Inbound(text="plan Globex Industries tomorrow")).plain()

    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(plan, range(6)))
    assert all("Globex Industries" in r and "went wrong" not in r for r in replies), replies
    with runtime.sessions() as s:
        assert s.scalars(select(Account.name)).all() == ["Globex Industries"]
