"""Salesforce's SOQL and rows, and the connector's records: what the Salesforce connector selects and how it reads it.

Rows are the records of a SOQL query result as simple-salesforce decodes them (numbers as Decimal). Salesforce
tells record types apart by the id's first three characters: 001 Account, 006 Opportunity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from crm.connector import CrmCompany, CrmDeal, CrmOwner, CrmTask

ACCOUNT_PREFIX = "001"
OPPORTUNITY_PREFIX = "006"

USER_FIELDS = ("Id", "Email", "Name", "IsActive")
ACCOUNT_FIELDS = ("Id", "Name", "OwnerId", "SystemModstamp")
OPPORTUNITY_FIELDS = ("Id", "Name", "AccountId", "OwnerId", "Amount", "CloseDate", "StageName", "Probability",
                      "IsClosed", "IsWon", "SystemModstamp")
CURRENCY_FIELD = "CurrencyIsoCode"  # exists only when the org has multiple currencies on
TASK_FIELDS = ("Id", "Subject", "ActivityDate", "OwnerId", "WhatId", "AccountId", "IsClosed", "SystemModstamp")
STAGE_FIELDS = ("ApiName", "MasterLabel", "DefaultProbability", "IsClosed", "IsWon")

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Stage:
    """One opportunity stage: its API name is what StageName holds, its master label what Salesforce shows."""

    api_name: str
    label: str
    probability: int | None


def soql_datetime(moment: datetime) -> str:
    """A SOQL datetime literal in UTC, cut to the second (SOQL takes no fractions; cutting keeps `>=` inclusive)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def select_modified(fields: tuple[str, ...], sobject: str, since: datetime | None) -> str:
    """The records of `sobject` modified at or after `since`, oldest change first."""
    where = f" WHERE SystemModstamp >= {soql_datetime(since)}" if since else ""
    return f"SELECT {', '.join(fields)} FROM {sobject}{where} ORDER BY SystemModstamp"


def select_removed(sobject: str, since: datetime | None) -> str:
    """Deleted records of `sobject` (for queryAll, which also reads the Recycle Bin); users are deactivated instead."""
    flag = "IsActive = false" if sobject == "User" else "IsDeleted = true"
    after = f" AND SystemModstamp >= {soql_datetime(since)}" if since else ""
    return f"SELECT Id FROM {sobject} WHERE {flag}{after}"


def parse_datetime(value: str) -> datetime:
    """Salesforce's `2026-11-24T09:00:00.000+0000` as an aware UTC datetime."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _percent(value: Decimal | int | None) -> int | None:
    return None if value is None else int(round(Decimal(value)))


def owner_from_row(row: Row) -> CrmOwner:
    return CrmOwner(id=row["Id"], email=row.get("Email"), name=row.get("Name"))


def company_from_row(row: Row) -> CrmCompany:
    return CrmCompany(id=row["Id"], name=row["Name"], owner_id=row.get("OwnerId"),
                      modified_at=parse_datetime(row["SystemModstamp"]))


def stage_from_row(row: Row) -> Stage:
    return Stage(api_name=row["ApiName"], label=row["MasterLabel"], probability=_percent(row["DefaultProbability"]))


def deal_from_row(row: Row, stages: Mapping[str, Stage]) -> CrmDeal:
    """An opportunity; its stage shown by label, and its probability its own or else its stage's default."""
    stage = stages.get(row["StageName"])
    probability = row.get("Probability")
    amount = row.get("Amount")
    return CrmDeal(
        id=row["Id"], title=row["Name"], company_id=row.get("AccountId"), owner_id=row.get("OwnerId"),
        amount=None if amount is None else Decimal(amount), currency=row.get(CURRENCY_FIELD),
        close_date=_date(row.get("CloseDate")), stage=stage.label if stage else row["StageName"],
        probability=_percent(probability) if probability is not None else (stage.probability if stage else None),
        closed=bool(row["IsClosed"]), won=bool(row["IsWon"]), modified_at=parse_datetime(row["SystemModstamp"]))


def task_from_row(row: Row) -> CrmTask:
    """A task. Salesforce's due date has no time: it is read as midnight UTC of that date.

    WhatId is an opportunity (006…) or an account (001…); AccountId is the account Salesforce derives from it."""
    what = row.get("WhatId") or ""
    due = _date(row.get("ActivityDate"))
    return CrmTask(
        id=row["Id"], subject=row.get("Subject") or "", due_at=datetime.combine(due, time(), UTC) if due else None,
        owner_id=row.get("OwnerId"), deal_id=what if what.startswith(OPPORTUNITY_PREFIX) else None,
        company_id=row.get("AccountId") or (what if what.startswith(ACCOUNT_PREFIX) else None),
        done=bool(row["IsClosed"]), modified_at=parse_datetime(row["SystemModstamp"]))
