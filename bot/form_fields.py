"""A form field's answers read the way the engine reads them, for every renderer: the initial answer, the
option a typed or stored answer means, a date as YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from coach.replies import FieldKind, FormField

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def initial_values(field: FormField) -> list[str]:
    """The field's initial answer as a list (a multi-select's typed "a, b" is two)."""
    initial = field.initial
    if initial in (None, "", []):
        return []
    if isinstance(initial, list):
        return [str(t) for t in initial]
    if field.kind == FieldKind.MULTI_SELECT:
        return [t for t in re.split(r"[,;\n]+", initial) if t.strip()]
    return [initial]


def resolve_option(field: FormField, token: Any) -> str | None:
    """An option value for a typed or stored answer, matched the way `parse_field` matches it."""
    token = str(token).strip()
    if token.isdecimal() and 1 <= int(token) <= len(field.options):
        return field.options[int(token) - 1].value
    folded = token.casefold()
    for opt in field.options:
        if folded in (opt.value.casefold(), opt.label.casefold(), opt.label.casefold().split(" — ")[0]):
            return opt.value
    return None


def initial_shown(field: FormField) -> list[str]:
    """The initial answer as text shows it: as the user writes it (`shown`), an option by its label (without the
    part after " — ")."""
    if field.shown:
        return [field.shown]
    initial = initial_values(field)
    if not field.options:
        return initial
    names = {o.value: o.label.split(" — ")[0] for o in field.options}
    return [names.get(resolve_option(field, v) or "", v) for v in initial]


def iso_date(value: Any) -> str | None:
    """A YYYY-MM-DD answer as a valid ISO date, else None."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None
