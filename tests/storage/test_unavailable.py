"""A database that cannot be reached is StoreUnavailable to the store's callers, whether it was away from the start
or went away in the middle of a turn; nothing of that turn is kept, and the connections recover once it is back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coach.dialog import Inbound
from coach.engine import Who
from coach.ports import StoreUnavailable
from storage.models import ProcessedEvent
from storage.store import SqlStore
from tests.db_outage import Outage

WHO = Who(identity="slack:UCUT", conversation_key="slack:T1:UCUT")


def test_an_unreachable_database_is_store_unavailable_until_it_is_back(outage: Outage) -> None:
    coach = outage.runtime.coach()
    assert coach.knows(WHO.identity) is False  # a pooled connection exists
    outage.cut()
    with pytest.raises(StoreUnavailable):
        coach.knows(WHO.identity)
    with pytest.raises(StoreUnavailable):
        coach.handle(WHO, Inbound(text="help"), ("slack", "EvAway"))
    outage.restore()
    assert coach.handle(WHO, Inbound(text="help"), ("slack", "EvAway")) is not None  # not recorded while away


def test_a_connection_that_broke_while_idle_is_replaced_without_an_error(outage: Outage) -> None:
    if not outage.url.startswith("postgresql"):
        pytest.skip("an SQLite connection does not break")
    coach = outage.runtime.coach()
    assert coach.knows(WHO.identity) is False
    outage.cut()  # resets the pooled connection
    outage.restore()
    assert coach.knows(WHO.identity) is False  # the pool's ping finds it broken and connects anew


def test_a_turn_that_loses_the_database_midway_keeps_nothing_and_runs_again(outage: Outage,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Not "sorry, something went wrong" (which would end the message): the caller learns the database is away,
    and the same delivery is handled in full once it is back."""
    if not outage.url.startswith("postgresql"):
        pytest.skip("an SQLite connection in use does not break")
    coach = outage.runtime.coach()
    real = SqlStore.open_deals

    def cut_first(self, *args, **kwargs):
        outage.cut()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SqlStore, "open_deals", cut_first)
    with pytest.raises(StoreUnavailable):
        coach.handle(WHO, Inbound(text="pipeline"), ("slack", "EvMidway"))
    monkeypatch.setattr(SqlStore, "open_deals", real)
    outage.restore()
    reply = coach.handle(WHO, Inbound(text="pipeline"), ("slack", "EvMidway"))
    assert reply is not None and "Sorry" not in reply.plain()
    with outage.runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
