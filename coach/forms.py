"""Reading form answers: whole forms (Slack modals, Teams cards) or one field at a time (text chat)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from coach.dates import parse_date
from coach.i18n import Translator
from coach.replies import FieldKind, Form, FormField

SKIP_WORDS = {"skip", "-", "none", "n/a", "overslaan", "geen", "nvt", "n.v.t."}
KEEP_WORDS = {"same", "keep", "=", "unchanged", "zelfde", "hetzelfde", "idem", "houden", "ongewijzigd"}
MAX_TEXT_ANSWER = 2000


class FieldError(ValueError):
    """A field value that cannot be used; the message is translated and says how to fix it."""


def _match_option(f: FormField, token: str) -> str | None:
    token = token.strip()
    if token.isdecimal() and 1 <= int(token) <= len(f.options):
        return f.options[int(token) - 1].value
    folded = token.casefold()
    for opt in f.options:
        if folded in (opt.value.casefold(), opt.label.casefold()):
            return opt.value
    for opt in f.options:  # a label like "DMU — who decides" is matched by its shorthand
        if opt.label.casefold().split(" — ")[0] == folded:
            return opt.value
    return None


def keeps(raw: str) -> bool:
    """Whether a typed answer asks to keep the field's current value: “same”, “zelfde”, “idem” or nothing."""
    s = raw.strip().casefold().rstrip(".!")
    return not s or s in KEEP_WORDS


def parse_field(f: FormField, raw: Any, t: Translator, today: date) -> Any:
    """The typed value of one field, or None for an empty optional one; raises FieldError."""
    _ = t.gettext
    if isinstance(raw, str):
        raw = raw.strip()
    empty = raw is None or raw == "" or raw == [] or (isinstance(raw, str) and raw.casefold() in SKIP_WORDS)
    if empty:
        if f.required:
            raise FieldError(_("“{field}” is needed.").format(field=f.label))
        return None
    if f.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        value = str(raw)
        if len(value) > MAX_TEXT_ANSWER:
            raise FieldError(_("Please keep “{field}” under {n} characters.").format(
                field=f.label, n=MAX_TEXT_ANSWER))
        return value
    if f.kind == FieldKind.NUMBER:
        number = parse_number(str(raw), f, t)
        if (f.min_value is not None and number < f.min_value) or (f.max_value is not None and number > f.max_value):
            raise FieldError(_("“{field}” must be between {low} and {high}.").format(
                field=f.label, low=f.min_value if f.min_value is not None else "…",
                high=f.max_value if f.max_value is not None else "…"))
        return number
    if f.kind == FieldKind.DATE:
        parsed = parse_date(str(raw), today)
        if parsed is None:
            raise FieldError(_("I could not read “{value}” as a date. Try “next tuesday”, “15-03” "
                               "or “in 2 weeks”.").format(value=raw))
        if f.not_in_past and parsed < today:
            raise FieldError(_("“{field}” cannot be in the past ({day}).").format(
                field=f.label, day=t.date(parsed)))
        return parsed
    if f.kind == FieldKind.SELECT:
        value = _match_option(f, str(raw))
        if value is None:
            raise FieldError(_("“{value}” is not one of the options for “{field}”.").format(
                value=raw, field=f.label))
        return value
    tokens = raw if isinstance(raw, list) else [p for p in re.split(r"[,;\n]+|\s{2,}", str(raw)) if p.strip()]
    if not isinstance(raw, list) and len(tokens) == 1 and re.fullmatch(r"[\d\s]+", tokens[0]):
        tokens = tokens[0].split()
    values: list[str] = []
    for token in tokens:
        value = _match_option(f, str(token))
        if value is None:
            raise FieldError(_("“{value}” is not one of the options for “{field}”.").format(
                value=token, field=f.label))
        if value not in values:
            values.append(value)
    return values


def shown_initial(f: FormField, t: Translator) -> str | None:
    """A number or date field's initial value as the user writes it (€420,000.00, 4 mrt 2027); None for the
    rest, or when the initial value is not the engine's own notation (an answer typed earlier)."""
    if not isinstance(f.initial, str):
        return None
    try:
        if f.kind == FieldKind.DATE:
            return t.date(date.fromisoformat(f.initial))
        if f.kind == FieldKind.NUMBER:
            number = Decimal(f.initial)
            return t.money(number, f.currency) if f.currency else t.number(number)
    except (ValueError, InvalidOperation):
        return None
    return None


def parse_number(raw: str, f: FormField, t: Translator) -> Decimal:
    from coach.money import parse_amount  # amounts in Dutch or English notation

    try:
        return parse_amount(raw)
    except (ValueError, InvalidOperation):
        raise FieldError(t.gettext("“{value}” is not a number I can read for “{field}”.").format(
            value=raw, field=f.label)) from None


def parse_form(form: Form, submitted: dict[str, Any], t: Translator, today: date) -> tuple[dict, list[str]]:
    """Parse a whole submitted form: (values, error messages)."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for f in form.fields:
        try:
            values[f.name] = parse_field(f, submitted.get(f.name), t, today)
        except FieldError as exc:
            errors.append(str(exc))
    return values, errors


def to_json(value: Any) -> Any:
    """Form values as they are kept in dialog state (JSON)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
