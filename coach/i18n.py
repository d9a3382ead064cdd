"""Translations from gettext catalogs.

Source strings are English and marked with ``_()`` (or ``N_()`` for module-level constants that are
translated later). The Dutch catalog is ``coach/locale/nl/LC_MESSAGES/messages.po``; Babel compiles it
in memory on first use, so no binary ``.mo`` file is kept in the repository or built at install time.
Refresh the catalog with ``python scripts/i18n.py`` (extract + update).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"
# Babel locales used for number and date formatting.
_FORMAT_LOCALE = {"en": "en_GB", "nl": "nl_NL"}


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for extraction without translating it yet."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string with a context (for pgettext) for extraction without translating it yet."""
    return message


def normalize_language(value: str | None) -> str | None:
    """Map 'nl', 'nl-NL', 'nl_BE', 'Dutch', 'nederlands', 'EN-us' … to a supported code, else None."""
    if not value:
        return None
    v = value.strip().lower().replace("_", "-")
    aliases = {"dutch": "nl", "nederlands": "nl", "vlaams": "nl", "english": "en", "engels": "en"}
    v = aliases.get(v, v)
    code = v.split("-", 1)[0]
    return code if code in LANGUAGES else None


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)  # fuzzy entries are left out, as gettext would
    buf.seek(0)
    return Translations(fp=buf)


@dataclass(frozen=True)
class Translator:
    """Translates and formats for one language. Use as ``_ = t.gettext`` so Babel extracts the strings."""

    lang: str = DEFAULT_LANGUAGE

    @property
    def locale(self) -> str:
        return _FORMAT_LOCALE[self.lang]

    def gettext(self, message: str) -> str:
        return _catalog(self.lang).gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        return _catalog(self.lang).pgettext(context, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _catalog(self.lang).ngettext(singular, plural, n)

    def money(self, amount: Decimal, currency: str = "EUR") -> str:
        return format_currency(amount, currency, locale=self.locale)

    def number(self, value: Decimal | float | int) -> str:
        return format_decimal(value, locale=self.locale)

    def date(self, value: date, fmt: str = "medium") -> str:
        return format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: datetime, fmt: str = "medium", tz: str | None = None) -> str:
        return format_datetime(value, format=fmt, tzinfo=tz, locale=self.locale)

    def names(self, items: list[str]) -> str:
        """"A, B and C" / "A, B en C"."""
        return format_list(items, locale=self.locale)

    def month(self, year: int, month: int) -> str:
        return format_date(date(year, month, 1), format="MMMM yyyy", locale=self.locale)


def translator(lang: str | None) -> Translator:
    return Translator(normalize_language(lang) or DEFAULT_LANGUAGE)
