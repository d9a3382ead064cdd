"""Reading amounts and percentages as people type and CRMs export them. Pure: no I/O.

Both notations are accepted: ``4630.50``, ``4,630.50``, ``4.630,50``, ``4630,50``, ``4 630,50``,
``€ 4.630,-``, with an optional currency sign or ISO code before or after. When only one separator
occurs once and exactly three digits follow it after a short non-zero integer part (``1.000``,
``12,500``), it is read as a thousands separator; otherwise it is the decimal mark (``1.5``,
``0,125``). Negative amounts are refused. Results are rounded to cents (half up).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000")  # the database keeps 12 digits before the decimal mark
CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}

_SIGN = r"€|\$|£|¥|[A-Za-z]{3}"
_PREFIX = re.compile(rf"^({_SIGN})\s*")
_SUFFIX = re.compile(rf"\s*({_SIGN})$")
_WHOLE = re.compile(r"[.,]-{1,2}(?!\d)")  # Dutch "4.630,-" for whole amounts
_GROUP_MARK = re.compile(r"(?<=\d)[ '’](?=\d)")  # 4 630 or 4'630
_SHORT_INT = re.compile(r"[1-9]\d{0,2}")


def _fail(text: str, what: str) -> ValueError:
    return ValueError(f"{text.strip()!r} is not a valid {what}; write it like 4630.50 or 4.630,50")


def _check_groups(int_part: str, marks: str, text: str, what: str) -> str:
    """Digits of the integer part after checking that thousands marks group by three."""
    groups = re.split(f"[{re.escape(marks)}]", int_part) if marks else [int_part]
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise _fail(text, what)
    digits = "".join(groups)
    if not digits.isdecimal():
        raise _fail(text, what)
    return digits


def _number(s: str, text: str, what: str) -> Decimal:
    s = _GROUP_MARK.sub("_", s)
    if not re.fullmatch(r"[\d.,_]+", s) or not any(c.isdecimal() for c in s):
        raise _fail(text, what)
    if "." in s and "," in s:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        int_part, frac = s.rsplit(dec, 1)
        marks = "_" + ("," if dec == "." else ".")
    else:
        sep = "." if "." in s else "," if "," in s else ""
        if not sep:
            int_part, frac, marks = s, "", "_"
        elif s.count(sep) > 1:
            int_part, frac, marks = s, "", "_" + sep
        else:
            int_part, frac = s.split(sep)
            if len(frac) == 3 and _SHORT_INT.fullmatch(int_part):
                int_part, frac = int_part + frac, ""
            marks = "_"
        if sep and not frac and s.endswith(sep):
            raise _fail(text, what)
    if frac and not frac.isdecimal():
        raise _fail(text, what)
    digits = _check_groups(int_part, marks, text, what) if int_part else "0"
    return Decimal(f"{digits}.{frac or '0'}")


def parse_money(text: str, what: str = "amount") -> tuple[Decimal, str | None]:
    """An amount and the currency written with it (ISO code, or None when none was written)."""
    s = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    if not s:
        raise ValueError(f"the {what} is empty")
    s = _WHOLE.sub("", s).strip()
    if "-" in s or "−" in s or (s.startswith("(") and s.endswith(")")):
        raise ValueError(f"{text.strip()!r}: a negative {what} is not accepted")
    currency = None
    for pattern in (_PREFIX, _SUFFIX):
        match = pattern.search(s)
        if match:
            if currency:
                raise _fail(text, what)
            sign = match.group(1)
            currency = CURRENCY_SIGNS.get(sign, sign.upper())
            s = (s[match.end():] if pattern is _PREFIX else s[:match.start()]).strip()
    value = _number(s, text, what)
    if value >= MAX_AMOUNT:  # checked before rounding: a 30-digit number is past what rounding can hold
        raise ValueError(f"{text.strip()!r}: the {what} is too large")
    return value.quantize(CENT, rounding=ROUND_HALF_UP), currency


def parse_amount(text: str) -> Decimal:
    """A non-negative amount in either notation, rounded to cents; raises ValueError."""
    return parse_money(text)[0]


def parse_decimal(text: str, what: str = "number") -> Decimal:
    """A non-negative plain number (units, quantities) in either notation, rounded to 2 places."""
    value, currency = parse_money(text, what)
    if currency:
        raise _fail(text, what)
    return value


def parse_percent(text: str) -> int:
    """A percentage 0–100 (``35``, ``35%``, ``35,0 %``), rounded to a whole percent; raises ValueError."""
    s = text.strip().removesuffix("%").strip().replace(",", ".")
    if not s:
        raise ValueError("the percentage is empty")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", s):
        raise ValueError(f"{text.strip()!r} is not a percentage; write it like 35 or 35%")
    if Decimal(s) > 100:
        raise ValueError(f"{text.strip()!r}: a percentage is between 0 and 100")
    return int(Decimal(s).quantize(Decimal(1), rounding=ROUND_HALF_UP))
