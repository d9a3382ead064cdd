"""Plain records the store hands the engine: no ORM objects cross into `coach`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class UserInfo:
    id: int
    identity: str
    display_name: str | None
    language: str
    timezone: str
    team_id: int | None
    role: str
    currency: str = "EUR"


@dataclass(frozen=True)
class AccountInfo:
    id: int
    name: str


@dataclass(frozen=True)
class DealInfo:
    id: int
    account_id: int
    account_name: str
    owner_id: int
    title: str | None
    amount: Decimal
    currency: str
    units: Decimal | None
    probability: int
    stage: str
    decision_date: date | None
    dmu_known: bool | None
    quote_ref: str | None
    next_step: str | None


@dataclass(frozen=True)
class DealChanges:
    """The fields a debrief sets on a deal (new or existing)."""

    account_id: int
    title: str | None
    amount: Decimal
    units: Decimal | None
    probability: int
    stage: str
    decision_date: date | None
    dmu_known: bool | None
    next_step: str | None
    deal_id: int | None = None


@dataclass(frozen=True)
class VisitInfo:
    id: int
    account_id: int
    account_name: str
    deal_id: int | None
    visit_type: str
    status: str
    goal: str | None
    planned_on: date | None
    created_at: datetime
    call_plan: dict[str, Any] = field(default_factory=dict)
    preparation: dict[str, Any] = field(default_factory=dict)
    debrief: dict[str, Any] | None = None


@dataclass(frozen=True)
class AccountMemory:
    """What is known about an account apart from its deals: relationship status, A/B/C class and the facts
    learned in debriefs (JSON values, keyed as in `coach.account_memory.FACTS`)."""

    id: int
    name: str
    status: str
    abc_class: str | None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FollowUpInfo:
    id: int
    account_id: int
    account_name: str
    deal_id: int | None
    action: str
    due_at: datetime
    status: str
    kind: str = "action"  # action | prep | debrief
    visit_id: int | None = None


# What the scheduled jobs read and report ------------------------------------------------------

@dataclass(frozen=True)
class Produced:
    messages: int = 0  # put in the outbox: one per rep
    deferred: int = 0  # follow-ups held back until the rep may be reminded
    taken: int = 0  # due follow-ups looked at; a full batch means there may be more

    def __add__(self, other: Produced) -> Produced:
        return Produced(self.messages + other.messages, self.deferred + other.deferred, self.taken + other.taken)


@dataclass(frozen=True)
class Recipient:
    """What decides when and how a rep's reminder is delivered."""

    language: str
    timezone: str
    working_hours: str
    country: str | None
    away_until: date | None


@dataclass(frozen=True)
class TeamChannel:
    team_id: int
    name: str
    channel: str
    timezone: str
    working_hours: str
    country: str | None


@dataclass(frozen=True)
class Manager:
    identity: str
    language: str
    away_until: date | None


@dataclass(frozen=True)
class DigestTeam:
    """What sending a team's digest needs to know about the team."""

    team_id: int
    name: str
    timezone: str
    working_hours: str
    country: str | None
    digest_at: str
    managers: tuple[Manager, ...]


@dataclass(frozen=True)
class WriteBack:
    """What a unit of work is about to write back to the team's CRM (named as its users know it)."""

    crm: str
    fields: tuple[str, ...]  # the deal's: stage, amount, probability, decision_date
    note: bool
    task: bool
