"""The CRM behind the HubSpot stand-in: records, owners, deal pipelines and associations in memory, with
HubSpot's rules for writes (known properties, read-only ones, enumerations, owners, stages) and its search.

Records keep HubSpot's property strings; every write stamps `hs_lastmodifieddate` from the stand-in's clock.
Nothing here speaks HTTP: `hubspot_standin.py` renders what this answers.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

TYPES = ("companies", "deals", "tasks", "notes")
DEFAULT = {"hs_object_id", "createdate", "hs_lastmodifieddate"}  # on every record, always answered
SHOWN = {  # what a read without `properties` answers, as HubSpot does
    "companies": {"name", "domain"},
    "deals": {"dealname", "amount", "closedate", "dealstage", "pipeline"},
    "tasks": {"hs_task_subject", "hs_task_status", "hs_timestamp"},
    "notes": {"hs_note_body", "hs_timestamp"},
}
WRITABLE = {
    "companies": {"name", "domain", "industry", "hubspot_owner_id"},
    "deals": {"dealname", "amount", "deal_currency_code", "closedate", "dealstage", "pipeline", "dealtype",
              "hs_forecast_probability", "hubspot_owner_id"},
    "tasks": {"hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority", "hs_task_type",
              "hs_timestamp", "hubspot_owner_id"},
    "notes": {"hs_note_body", "hs_timestamp", "hubspot_owner_id"},
}
CALCULATED = {"deals": {"hs_deal_stage_probability", "hs_is_closed", "hs_is_closed_won"}}  # set from the stage
MOMENTS = {"createdate", "hs_lastmodifieddate", "closedate", "hs_timestamp"}
NUMBERS = {"amount", "hs_forecast_probability", "hs_deal_stage_probability"}
COMPARISONS = {"EQ": operator.eq, "NEQ": operator.ne, "LT": operator.lt, "LTE": operator.le, "GT": operator.gt,
               "GTE": operator.ge}
TASK_STATUSES = ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
REQUIRED = {"tasks": {"hs_timestamp"}, "notes": {"hs_timestamp"}}

# HubSpot-defined association type ids: (from, to) -> [(type id, label)], and the opposite direction's
ASSOCIATION_TYPES = {
    ("deals", "companies"): [(5, "Primary"), (341, None)], ("companies", "deals"): [(6, "Primary"), (342, None)],
    ("tasks", "deals"): [(216, None)], ("deals", "tasks"): [(215, None)],
    ("tasks", "companies"): [(192, None)], ("companies", "tasks"): [(191, None)],
    ("notes", "deals"): [(214, None)], ("deals", "notes"): [(213, None)],
}
TYPE_IDS = {type_id: pair for pair, kinds in ASSOCIATION_TYPES.items() for type_id, _ in kinds}

DEFAULT_PIPELINE = ("default", "Sales Pipeline", [
    ("appointmentscheduled", "Appointment Scheduled", "0.2", False),
    ("qualifiedtobuy", "Qualified To Buy", "0.4", False),
    ("presentationscheduled", "Presentation Scheduled", "0.6", False),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", False),
    ("contractsent", "Contract Sent", "0.9", False),
    ("closedwon", "Closed Won", "1.0", True),
    ("closedlost", "Closed Lost", "0.0", True),
])


class Invalid(Exception):
    """A write HubSpot refuses with 400 VALIDATION_ERROR: `problems` are (property, error code, message)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        super().__init__("; ".join(message for _, _, message in problems))
        self.problems = problems


class Missing(Exception):
    """A record that does not exist or is archived (HubSpot: 404 OBJECT_NOT_FOUND)."""


@dataclass
class Record:
    id: str
    type: str
    properties: dict[str, str | None]
    created: datetime
    updated: datetime = field(init=False)
    archived_at: datetime | None = None

    def touch(self, at: datetime) -> None:
        self.updated = at
        self.properties["hs_lastmodifieddate"] = iso(at)

    @property
    def order(self) -> tuple[datetime, int]:
        return self.updated, int(self.id)


@dataclass
class Owner:
    id: str
    email: str
    first_name: str | None
    last_name: str | None
    created: datetime
    updated: datetime
    archived: bool = False


@dataclass
class Stage:
    id: str
    label: str
    probability: str
    closed: bool


class Store:
    """`now` is the clock every write is stamped with: the test sets it."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.records: dict[str, dict[str, Record]] = {t: {} for t in TYPES}
        self.owners: dict[str, Owner] = {}
        self.pipelines: dict[str, tuple[str, list[Stage]]] = {}
        self.links: dict[tuple[str, str], dict[str, dict[str, list[int]]]] = {p: {} for p in ASSOCIATION_TYPES}
        self._next_id = 10_000
        self._by_change: dict[str, list[Record] | None] = {t: None for t in TYPES}
        self.add_pipeline(*DEFAULT_PIPELINE)

    # the account

    def new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def add_pipeline(self, pipeline_id: str, label: str, stages: list[tuple[str, str, str, bool]]) -> None:
        self.pipelines[pipeline_id] = (label, [Stage(*stage) for stage in stages])

    def stage(self, pipeline_id: str, stage_id: str) -> Stage | None:
        _, stages = self.pipelines.get(pipeline_id, ("", []))
        return next((s for s in stages if s.id == stage_id), None)

    def add_owner(self, email: str, first_name: str | None, last_name: str | None, archived: bool) -> str:
        owner_id = self.new_id()
        self.owners[owner_id] = Owner(owner_id, email, first_name, last_name, self.now, self.now, archived)
        return owner_id

    # records

    def get(self, object_type: str, record_id: str) -> Record:
        record = self.records[object_type].get(record_id)
        if record is None or record.archived_at is not None:
            raise Missing(record_id)
        return record

    def create(self, object_type: str, properties: dict[str, str | None], *, at: datetime | None = None,
               checked: bool = True) -> Record:
        if checked:
            absent = REQUIRED.get(object_type, set()) - {k for k, v in properties.items() if v}
            if absent:
                raise Invalid([(p, "REQUIRED", f'"{p}" is required to create {object_type}') for p in sorted(absent)])
        record_id = self.new_id()
        record = Record(record_id, object_type, {"hs_object_id": record_id}, created=at or self.now)
        if object_type == "deals":
            record.properties["pipeline"] = "default"
        self._apply(record, properties, checked)
        record.properties["createdate"] = iso(record.created)
        record.touch(at or self.now)
        self.records[object_type][record_id] = record
        self.forget_order(object_type)
        return record

    def update(self, object_type: str, record_id: str, properties: dict[str, str | None]) -> Record:
        record = self.get(object_type, record_id)
        self._apply(record, properties, checked=True)
        record.touch(self.now)
        self.forget_order(object_type)
        return record

    def archive(self, object_type: str, record_id: str, at: datetime) -> None:
        record = self.get(object_type, record_id)
        record.archived_at = at
        self.forget_order(object_type)

    def forget_order(self, object_type: str) -> None:
        self._by_change[object_type] = None

    def by_change(self, object_type: str) -> list[Record]:
        """The live records of `object_type`, least recently changed first (kept until the next write)."""
        if self._by_change[object_type] is None:
            live = (r for r in self.records[object_type].values() if r.archived_at is None)
            self._by_change[object_type] = sorted(live, key=lambda r: r.order)
        return self._by_change[object_type]

    # associations

    def associate(self, from_type: str, from_id: str, to_type: str, to_id: str, type_id: int | None = None) -> None:
        """Links both ways; without `type_id` the pair's HubSpot-defined types (a deal's company: primary)."""
        kinds = [k for k, _ in ASSOCIATION_TYPES[(from_type, to_type)]]
        chosen = kinds if type_id is None else [type_id]
        back = ASSOCIATION_TYPES[(to_type, from_type)]
        self._link(from_type, from_id, to_type, to_id, chosen)
        self._link(to_type, to_id, from_type, from_id, [back[kinds.index(k)][0] for k in chosen])

    def associated(self, from_type: str, from_id: str, to_type: str) -> dict[str, list[int]]:
        return self.links.get((from_type, to_type), {}).get(from_id, {})

    def _link(self, from_type: str, from_id: str, to_type: str, to_id: str, type_ids: list[int]) -> None:
        kinds = self.links[(from_type, to_type)].setdefault(from_id, {}).setdefault(to_id, [])
        kinds += [k for k in type_ids if k not in kinds]

    # HubSpot's rules for a write

    def _apply(self, record: Record, properties: dict[str, str | None], checked: bool) -> None:
        if checked:
            self.check(record, properties)
        for name, value in properties.items():
            record.properties[name] = normal(name, value)
        if record.type == "deals" and ("dealstage" in properties or "pipeline" in properties):
            stage = self.stage(record.properties.get("pipeline") or "", record.properties.get("dealstage") or "")
            derived = {"hs_deal_stage_probability": stage.probability, "hs_is_closed": str(stage.closed).lower(),
                       "hs_is_closed_won": str(stage.closed and float(stage.probability) == 1).lower()} if stage else {}
            record.properties.update({k: v for k, v in derived.items() if k not in properties})

    def check(self, record: Record, properties: dict[str, str | None]) -> None:
        """Raises Invalid when HubSpot would refuse writing `properties` to `record`."""
        problems = []
        for name, value in properties.items():
            if name in DEFAULT or name in CALCULATED.get(record.type, set()):
                problems.append((name, "READ_ONLY_VALUE",
                                 f'"{name}" is a read only property; its value cannot be set.'))
            elif name not in WRITABLE[record.type]:
                problems.append((name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'))
            elif value in (None, ""):
                continue
            elif name in MOMENTS and moment(value) is None:
                problems.append((name, "INVALID_DATETIME", f"{value!r} is not a valid datetime for {name}"))
            elif name in NUMBERS and not _number(value):
                problems.append((name, "INVALID_DECIMAL", f"{value!r} is not a valid number for {name}"))
            elif name == "hs_task_status" and value not in TASK_STATUSES:
                problems.append((name, "INVALID_OPTION", f"{value!r} was not one of the allowed options: "
                                 f"{', '.join(TASK_STATUSES)}"))
            elif name == "hubspot_owner_id" and (value not in self.owners or self.owners[value].archived):
                problems.append((name, "INVALID_OWNER_ID", f"{value!r} is not a valid owner id"))
        if record.type == "deals" and properties.get("dealstage"):
            pipeline = properties.get("pipeline") or record.properties.get("pipeline") or ""
            if self.stage(pipeline, properties["dealstage"]) is None:
                problems.append(("dealstage", "INVALID_OPTION", f"{properties['dealstage']!r} was not one of the "
                                 f"allowed options of pipeline {pipeline!r}"))
        if problems:
            raise Invalid(problems)

    # search

    def search(self, object_type: str, groups: list[dict], sorts: list) -> list[Record]:
        """Records matching any filter group (all filters of one), in the order asked; HubSpot's default order
        is by id. The usual search (by last change, ascending) reads the kept order, not a fresh sort."""
        tests = [[_test(f) for f in group.get("filters") or []] for group in groups]
        found = [r for r in self.by_change(object_type) if not tests or any(all(t(r) for t in g) for g in tests)]
        sort = sorts[0] if sorts else None
        name = sort if isinstance(sort, str) else (sort or {}).get("propertyName")
        descending = isinstance(sort, dict) and sort.get("direction") == "DESCENDING"
        if name != "hs_lastmodifieddate":
            found.sort(key=lambda r: (_typed(name, r.properties.get(name)) if name else (0, 0), int(r.id)))
        return found[::-1] if descending else found


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def moment(value: str | None) -> datetime | None:
    """A written date-time: ISO 8601 (a bare date is midnight UTC) or milliseconds since 1970."""
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def normal(name: str, value: str | None) -> str | None:
    """HubSpot answers date-times as ISO 8601 in UTC to the millisecond, however they were written."""
    if name in MOMENTS and value:
        return iso(moment(value))
    return value if value != "" else None


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _typed(name: str, value: str | None):
    if value is None:
        return (0, 0)
    if name in MOMENTS:
        return (1, moment(value).timestamp())
    if name in NUMBERS:
        return (1, float(value))
    return (1, value)


def _test(condition: dict) -> Callable[[Record], bool]:
    """One search filter as a test of a record (the last change compares the record's time, no parsing)."""
    name, kind = condition.get("propertyName") or "", condition.get("operator", "EQ")
    if kind in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return lambda r: (r.properties.get(name) is not None) == (kind == "HAS_PROPERTY")
    if kind == "CONTAINS_TOKEN":  # HubSpot matches tokens of the text; a substring is near enough here
        token = str(condition.get("value") or "").casefold()
        return lambda r: token in (r.properties.get(name) or "").casefold()
    if kind in ("IN", "NOT_IN"):
        values = set(condition.get("values") or [])
        return lambda r: (r.properties.get(name) in values) == (kind == "IN")
    compare = COMPARISONS[kind]
    given = condition.get("value")
    if name == "hs_lastmodifieddate":
        threshold = moment(str(given))
        return lambda r: compare(r.updated, threshold)
    wanted = _typed(name, normal(name, str(given)) if given is not None else None)
    return lambda r: (r.properties.get(name) is not None or kind == "NEQ") and compare(
        _typed(name, r.properties.get(name)), wanted)
