#!/usr/bin/env python3
"""Extract the messages of the coach (coach/), its adapters (bot/) and the CRM notes (crm/) into messages.pot
and merge them into the Dutch catalog, one for all.

    python scripts/i18n.py            extract + update coach/locale/nl/LC_MESSAGES/messages.po
    python scripts/i18n.py --check    exit 1 if any message lacks a Dutch translation

New messages arrive in the .po file with an empty msgstr; translate them there.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("coach", "bot", "crm")
POT = ROOT / "coach" / "locale" / "messages.pot"
PO = ROOT / "coach" / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NP_": ((1, "c"), 2)}


def extract() -> Catalog:
    catalog = Catalog(project="salescoach", charset="utf-8")
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
                str(ROOT / source), method_map=[("**.py", "python")], keywords=KEYWORDS):
            catalog.add(message, None, [(f"{source}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def missing(po: Catalog) -> list[str]:
    out = []
    for m in po:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            out.append(m.id if isinstance(m.id, str) else m.id[0])
    return out


def main(argv: list[str]) -> int:
    template = extract()
    if "--check" in argv:
        with PO.open("rb") as fh:
            po = read_po(fh, locale="nl")
        po.update(template, no_fuzzy_matching=True)
        gaps = missing(po)
        for msg in gaps:
            print(f"untranslated: {msg!r}")
        return 1 if gaps else 0
    POT.parent.mkdir(parents=True, exist_ok=True)
    with POT.open("wb") as fh:
        write_po(fh, template, omit_header=False, sort_output=True, width=100)
    if PO.exists():
        with PO.open("rb") as fh:
            po = read_po(fh, locale="nl")
        po.update(template, no_fuzzy_matching=True)
    else:
        PO.parent.mkdir(parents=True, exist_ok=True)
        po = Catalog(locale="nl", project="salescoach", charset="utf-8")
        po.update(template, no_fuzzy_matching=True)
    with PO.open("wb") as fh:
        write_po(fh, po, sort_output=True, width=100, ignore_obsolete=True, include_lineno=False)
    print(f"{len(template)} messages; {len(missing(po))} without a Dutch translation in {PO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
