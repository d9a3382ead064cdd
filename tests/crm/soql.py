"""The part of SOQL the Salesforce stand-in answers: SELECT fields FROM object [WHERE a op b [AND …]]
[ORDER BY field [ASC|DESC]] [LIMIT n], with Salesforce's error codes for what it cannot read."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

QUERY = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<sobject>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+ORDER\s+BY\s+(?P<order>\w+)(?:\s+(?P<direction>ASC|DESC))?)?"
    r"(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$", re.IGNORECASE | re.DOTALL)
CONDITION = re.compile(r"^\s*(?P<field>\w+)\s*(?P<op>=|!=|>=|<=|>|<)\s*(?P<value>.+?)\s*$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


class SoqlError(Exception):
    """What Salesforce answers a query it cannot run with (400 and [{"message", "errorCode"}])."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Condition:
    field: str
    compare: Callable[[Any, Any], bool]
    value: Any

    def holds(self, record: Mapping[str, Any]) -> bool:
        actual = record.get(self.field)
        if actual is None or self.value is None:
            return self.compare(actual, self.value) if self.compare in (operator.eq, operator.ne) else False
        return self.compare(actual, self.value)


@dataclass(frozen=True)
class Query:
    fields: tuple[str, ...]
    sobject: str
    conditions: tuple[Condition, ...]
    order_by: str | None
    descending: bool
    limit: int | None

    def matches(self, record: Mapping[str, Any]) -> bool:
        return all(condition.holds(record) for condition in self.conditions)


def parse(soql: str, schema: Mapping[str, Mapping[str, Any]]) -> Query:
    """The query, its field names as the schema spells them; `schema` maps each sObject to its fields."""
    match = QUERY.match(soql)
    if not match:
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{soql.split()[-1] if soql.split() else ''}'")
    sobject = _name(match["sobject"], schema, soql, lambda n: (
        f"sObject type '{n}' is not supported. If you are attempting to use a custom object, be sure to append "
        "the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."),
        "INVALID_TYPE")
    fields = schema[sobject]

    def field(name: str) -> str:
        return _name(name, fields, soql, lambda n: (
            f"No such column '{n}' on entity '{sobject}'. If you are attempting to use a custom field, be sure to "
            "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
            "appropriate names."), "INVALID_FIELD")

    selected = tuple(field(name.strip()) for name in match["fields"].split(","))
    conditions = tuple(_condition(part, field) for part in re.split(r"\s+AND\s+", match["where"], flags=re.I)
                       ) if match["where"] else ()
    return Query(selected, sobject, conditions, field(match["order"]) if match["order"] else None,
                 (match["direction"] or "").upper() == "DESC", int(match["limit"]) if match["limit"] else None)


def _name(name: str, known: Mapping[str, Any], soql: str, message: Callable[[str], str], code: str) -> str:
    for candidate in known:
        if candidate.lower() == name.lower():
            return candidate
    column = soql.find(name) + 1
    raise SoqlError(code, f"\n{soql}\n{' ' * (column - 1)}^\nERROR at Row:1:Column:{column}\n{message(name)}")


def _condition(text: str, field: Callable[[str], str]) -> Condition:
    match = CONDITION.match(text)
    if not match:
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{text.strip()}'")
    return Condition(field(match["field"]), OPERATORS[match["op"]], _literal(match["value"]))


def _literal(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if DATETIME.match(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    if DATE.match(text):
        return text
    if NUMBER.match(text):
        return Decimal(text)
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("\\'", "'")
    raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{text}'")
