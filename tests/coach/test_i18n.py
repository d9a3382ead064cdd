"""Every message the coach and its chat adapters can say has a Dutch translation with the same placeholders."""

from __future__ import annotations

import importlib.util
import re
from decimal import Decimal
from pathlib import Path

from babel.messages.pofile import read_po

from coach.i18n import Translator, normalize_language

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
i18n_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n_script)


def _catalog():
    with i18n_script.PO.open("rb") as fh:
        po = read_po(fh, locale="nl")
    po.update(i18n_script.extract(), no_fuzzy_matching=True)
    return po


def test_every_message_is_translated_to_dutch() -> None:
    assert i18n_script.missing(_catalog()) == []


def test_the_catalog_holds_the_adapters_and_crm_notes_messages_too() -> None:
    sources = {path.split("/")[0] for m in i18n_script.extract() for path, _line in m.locations}
    assert sources == {"coach", "bot", "crm"}


def test_translations_keep_their_placeholders() -> None:
    wrong = []
    for m in _catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = set(re.findall(r"\{\w*\}", ids[-1]))
        for i, s in enumerate(strings):
            got = set(re.findall(r"\{\w*\}", s))
            # a singular may spell out the number ("één"), so it may drop {n}
            if got != want and not (len(ids) > 1 and i == 0 and got <= want):
                wrong.append((ids[0], s))
    assert wrong == []


def test_translator_speaks_dutch_and_formats_numbers_the_dutch_way() -> None:
    nl = Translator("nl")
    assert nl.gettext("I will speak English from now on.") == "Ik spreek vanaf nu Nederlands."
    assert nl.money(Decimal("4630.5")) == "€\xa04.630,50"
    assert Translator("en").money(Decimal("4630.5")) == "€4,630.50"


def test_language_names_are_normalised() -> None:
    assert normalize_language("nl-NL") == "nl" and normalize_language("Dutch") == "nl"
    assert normalize_language("en_GB") == "en" and normalize_language("fr") is None
