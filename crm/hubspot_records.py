"""HubSpot's records as the connector's: property strings to Decimals, dates, percentages and aware datetimes,
and back to the strings HubSpot's properties take."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from crm.connector import CrmCompany, CrmDeal, CrmTask

CLOSE_HOUR = time(12)
"""A close date is written at noon in the account's time zone: whether HubSpot's date picker reads the moment in
UTC or in that zone, noon falls on the same day for every offset within eleven hours."""


@dataclass(frozen=True)
class Stage:
    """A deal stage of one of the account's pipelines, with what its metadata says."""

    id: str
    label: str
    pipeline_id: str
    probability: int | None
    closed: bool
    won: bool


def stage_of(stage, pipeline_id: str) -> Stage:
    """`stage` as the SDK reads it from `GET /crm/v3/pipelines/deals`: metadata values are strings."""
    metadata = stage.metadata or {}
    probability = percent(metadata.get("probability"))
    closed = metadata.get("isClosed") == "true"
    return Stage(stage.id, stage.label, pipeline_id, probability, closed, closed and probability == 100)


def same_label(a: str, b: str) -> bool:
    """Stage labels match ignoring case, spaces and punctuation ("Decision maker bought-in")."""
    return _letters(a) == _letters(b)


def company(record, modified_at: datetime) -> CrmCompany:
    props = record.properties
    return CrmCompany(id=record.id, name=props.get("name") or props.get("domain") or "",
                      owner_id=props.get("hubspot_owner_id") or None, modified_at=modified_at)


def deal(record, modified_at: datetime, stage: Stage | None, company_id: str | None, zone: tzinfo) -> CrmDeal:
    """The deal's own probability is the rep's forecast (`hs_forecast_probability`, what the coach writes), then
    HubSpot's `hs_deal_stage_probability`, then its stage's; closed and won as HubSpot flags them, else the stage's."""
    props = record.properties
    closed_at = moment(props.get("closedate"))
    own = percent(props.get("hs_forecast_probability"))
    staged = percent(props.get("hs_deal_stage_probability"))
    return CrmDeal(
        id=record.id,
        title=props.get("dealname") or "",
        company_id=company_id,
        owner_id=props.get("hubspot_owner_id") or None,
        amount=decimal(props.get("amount")),
        currency=props.get("deal_currency_code") or None,
        close_date=closed_at.astimezone(zone).date() if closed_at else None,
        stage=stage.label if stage else props.get("dealstage") or "",
        probability=own if own is not None else staged if staged is not None else stage and stage.probability,
        closed=flag(props.get("hs_is_closed"), bool(stage and stage.closed)),
        won=flag(props.get("hs_is_closed_won"), bool(stage and stage.won)),
        modified_at=modified_at,
    )


def task(record, modified_at: datetime, deal_id: str | None, company_id: str | None) -> CrmTask:
    props = record.properties
    return CrmTask(id=record.id, subject=props.get("hs_task_subject") or "", due_at=moment(props.get("hs_timestamp")),
                   owner_id=props.get("hubspot_owner_id") or None, deal_id=deal_id, company_id=company_id,
                   done=props.get("hs_task_status") == "COMPLETED", modified_at=modified_at)


def modified(record) -> datetime:
    """When HubSpot last changed `record`: `hs_lastmodifieddate`, the property searches sort and filter on."""
    return moment(record.properties.get("hs_lastmodifieddate")) or record.updated_at.astimezone(UTC)


def decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except InvalidOperation:
        return None


def percent(fraction: str | None) -> int | None:
    """HubSpot's probabilities are fractions ("0.35"); ours are whole percentages 0–100."""
    share = decimal(fraction)
    if share is None or not share.is_finite():
        return None
    return min(100, max(0, int((share * 100).quantize(Decimal(1), ROUND_HALF_UP))))


def fraction(percentage: int) -> str:
    return str(Decimal(percentage) / 100)


def flag(value: str | None, otherwise: bool) -> bool:
    return value == "true" if value in ("true", "false") else otherwise


def moment(value: str | None) -> datetime | None:
    """A HubSpot date-time property (ISO 8601, or milliseconds since 1970 in older records) as aware UTC."""
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def stamp(at: datetime) -> str:
    """`at` as HubSpot writes date-times: ISO 8601 in UTC to the millisecond."""
    if at.tzinfo is None:
        raise ValueError(f"a time for HubSpot must carry its time zone: {at.isoformat()}")
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def millis(at: datetime) -> str:
    """`at` as a search filter value, milliseconds since 1970 (rounded down: never past a change)."""
    if at.tzinfo is None:
        raise ValueError(f"a time for HubSpot must carry its time zone: {at.isoformat()}")
    return str(int(at.timestamp() * 1000))


def close_moment(day: date, zone: tzinfo) -> str:
    return stamp(datetime.combine(day, CLOSE_HOUR, zone))


def rich_text(text: str) -> str:
    """Note and task bodies are rich text in HubSpot: plain text escaped, its line breaks kept."""
    return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()
