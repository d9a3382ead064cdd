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


@dataclass(frozen=True)
class FollowUpInfo:
    id: int
    account_id: int
    account_name: str
    deal_id: int | None
    action: str
    due_at: datetime
    status: str
