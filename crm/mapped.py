"""CRM records in the coach's terms: what the sync asks storage to write, and why it skips a record.

A deal's stage comes from its label (`coach.crm_stages`: HubSpot's default pipeline, Salesforce's default stages,
our own names); the CRM's closed and won flags decide won and lost whatever the label. An open deal with a label
nobody knows gets a stage from its probability (`guess_stage`), and is counted as guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from coach.crm_stages import stage_info
from coach.domain import Stage
from crm.connector import CrmCompany, CrmDeal, CrmTask

TITLE_MAX = 200  # the coach's column sizes
ACTION_MAX = 2000


@dataclass(frozen=True)
class Owner:
    """A CRM owner as this run sees it: their e-mail and the chat user linked to them, if any."""

    email: str | None
    user_id: int | None


@dataclass(frozen=True)
class Skipped:
    """A record the sync left out, and why (shown by `crm sync` and `crm status`)."""

    id: str
    name: str | None
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class CompanyValues:
    crm_id: str
    name: str
    owner_user_id: int | None  # None: no linked owner yet; the company waits for a deal or task to place it
    modified_at: datetime


@dataclass(frozen=True)
class DealValues:
    crm_id: str
    title: str
    company_id: str
    owner_user_id: int
    amount: Decimal
    currency: str | None  # None: the owner's team currency
    decision_date: date
    probability: int
    stage: Stage
    modified_at: datetime
    guessed_from: str | None = None  # the unknown stage label the stage was guessed for


@dataclass(frozen=True)
class TaskValues:
    crm_id: str
    subject: str
    due_at: datetime
    owner_user_id: int
    deal_id: str | None
    company_id: str | None
    modified_at: datetime


@dataclass(frozen=True)
class TaskDone:
    """A task done in the CRM: it closes the follow-up it became, if any; one never synced is not made."""

    crm_id: str
    modified_at: datetime


@dataclass
class ChunkResult:
    """What storage did with one chunk: counts by outcome, the records it skipped, and the modified times of
    those it skipped because a record they refer to is not here yet (it may arrive with the next sync)."""

    counts: dict[str, int]
    skipped: list[Skipped]
    waiting: list[datetime]


def guess_stage(probability: int | None) -> Stage:
    """An open deal's stage from its chance alone, for a stage label the coach does not know: below 10% a
    suspect, below 50% a prospect, below 75% a hot prospect, from 75% a quote (the bands the default pipelines'
    stages fall in)."""
    chance = probability or 0
    return (Stage.SUSPECT if chance < 10 else Stage.PROSPECT if chance < 50
            else Stage.HOT_PROSPECT if chance < 75 else Stage.QUOTE)


def owner_problem(owner_id: str | None, owners: dict[str, Owner]) -> str | None:
    """Why a record of this owner cannot be given to a chat user; None when it can."""
    if owner_id is None:
        return "has no owner in the CRM"
    owner = owners.get(owner_id)
    if owner is None:
        return f"its owner {owner_id} is not among the CRM's users (deactivated?)"
    if owner.user_id is not None:
        return None
    if owner.email is None:
        return f"its owner {owner_id} has no e-mail in the CRM to match a chat user by"
    return f"owner {owner.email} is not linked: `salescoach user link USER --email {owner.email}`"


def company_values(company: CrmCompany, owners: dict[str, Owner]) -> CompanyValues | Skipped:
    name = " ".join((company.name or "").split())[:TITLE_MAX]
    if not name:
        return Skipped(company.id, None, "has no name")
    owner = owners.get(company.owner_id) if company.owner_id else None
    return CompanyValues(company.id, name, owner.user_id if owner else None, company.modified_at)


def deal_values(deal: CrmDeal, owners: dict[str, Owner]) -> DealValues | Skipped:
    title = " ".join((deal.title or "").split())[:TITLE_MAX]
    missing = [what for what, value in (("amount", deal.amount), ("close date", deal.close_date)) if value is None]
    problem = (f"no {' and no '.join(missing)}" if missing else owner_problem(deal.owner_id, owners)
               or (None if deal.company_id else "is not tied to a company"))
    if problem:
        return Skipped(deal.id, title or None, problem)
    stage, probability, guessed = _stage_and_chance(deal)
    return DealValues(deal.id, title, deal.company_id, owners[deal.owner_id].user_id, deal.amount,
                      deal.currency.upper() if deal.currency else None, deal.close_date, probability, stage,
                      deal.modified_at, guessed)


def _stage_and_chance(deal: CrmDeal) -> tuple[Stage, int, str | None]:
    """Our stage and the deal's probability; the CRM's stage label when our stage was guessed from the chance."""
    info = stage_info(deal.stage)
    guessed = None
    if deal.closed:
        stage = Stage.WON if deal.won else Stage.LOST
    elif info is not None and info.stage.is_open:
        stage = info.stage
    else:  # unknown, or a closing label on a deal the CRM calls open
        stage, guessed = guess_stage(deal.probability), deal.stage
    if stage in (Stage.WON, Stage.LOST):
        return stage, 100 if stage is Stage.WON else 0, guessed
    chance = deal.probability if deal.probability is not None else info.probability if info else None
    return stage, min(max(chance or 0, 0), 100), guessed


def pushed_fields(deal: CrmDeal) -> dict[str, Any]:
    """The fields a debrief writes back, as the CRM has them now, in the terms a deal's `crm_base` keeps."""
    stage, probability, _guessed = _stage_and_chance(deal)
    return {"stage": str(stage), "probability": probability,
            "amount": str(deal.amount.quantize(Decimal("0.01"))) if deal.amount is not None else None,
            "decision_date": deal.close_date.isoformat() if deal.close_date else None}


def task_values(task: CrmTask, owners: dict[str, Owner]) -> TaskValues | TaskDone | Skipped:
    if task.done:
        return TaskDone(task.id, task.modified_at)
    subject = " ".join((task.subject or "").split())[:ACTION_MAX]
    problem = (("has no subject" if not subject else None) or ("has no due date" if task.due_at is None else None)
               or owner_problem(task.owner_id, owners)
               or (None if task.deal_id or task.company_id else "is tied to no deal or company"))
    if problem:
        return Skipped(task.id, subject or None, problem)
    return TaskValues(task.id, subject, task.due_at, owners[task.owner_id].user_id, task.deal_id, task.company_id,
                      task.modified_at)
