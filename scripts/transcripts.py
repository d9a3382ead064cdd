#!/usr/bin/env python3
"""Regenerate docs/transcripts/: real runs of `salescoach chat` with piped input, English and Dutch.

    .venv/bin/python scripts/transcripts.py [--out DIR] [--at 2026-12-01T10:00:00+01:00]

Each run uses a fresh SQLite database, so the transcript shows a first-time user: a full visit
preparation, the debrief afterwards, the follow-ups and the pipeline; then a second, closing visit to the
same account, whose preparation starts from what the first debrief learned and whose debrief (won)
closes the open follow-ups. The coach's clock starts at `--at`
(default: now), so the dates typed as "tomorrow" or "next tuesday" read the same on every run at that moment.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPTS = {
    "en": """help
prep Acme Logistics
1
done
Website: 240 staff, 3 warehouses, part of the Nordic group
done
Met Eva de Vries (COO) at the trade fair in March
skip the rest
keep
use this
Get the order for the new scanners
At the end of the visit I know who decides and when their contract ends, and we have a follow-up appointment
How many scanners do your pickers use today?
What goes wrong when a scanner fails during a shift?
What does a lost hour of picking cost you?
add
done
tomorrow
debrief Acme Logistics
1
1
Good visit: Eva wants a proposal for 40 scanners before the budget round
Warehouse scanners
quote
18.450,00
40
55
end of the month
yes
Send the proposal
next tuesday
yes
yes
reached
Eva de Vries, COO, eva@acme.example
Eva de Vries, Lars Berg
40 warehouse scanners
Jungheinrich
31-03-2027
next tuesday
followups
pipeline
prep Acme Logistics
3
1
1
same
same
same
skip the rest
keep
use this
Today we agree on price and delivery and I leave with a signed order
Faster picking and no more lost scans on the night shift
€18,450, delivery in January
keep
add
done
today
debrief Acme Logistics
1
2
Signed: 40 scanners, delivered in January
same
same
same
Plan the delivery with Lars
skip
reached
skip
followups
""",
    "nl": """hulp
voorbereiding Bakkerij Jansen
1
klaar
Website: 60 medewerkers, 2 vestigingen, MVO-beleid met eisen aan leveranciers
klaar
overslaan
klaar
Contact: Piet Jansen, eigenaar, houdt van zeilen
overslaan
overslaan
klaar
klaar
zelfde
1
De order binnenhalen
Aan het eind van het bezoek weet ik wie beslist en wanneer hun contract afloopt, en hebben we een vervolgafspraak
Hoeveel ovens hebben jullie nu in gebruik?
Wat gaat er mis als een oven uitvalt tijdens de nachtploeg?
Wat kost het u als een nachtproductie verloren gaat?
Wat zou het u opleveren als storingen binnen een uur verholpen zijn?
klaar
morgen
nabespreking Bakkerij Jansen
1
1
Goed gesprek; Piet wil eerst een demo van de nieuwe oven
Ovens
hot prospect
24.000
2
40
15-03
nee
Demo plannen met Piet en zijn bedrijfsleider
volgende week dinsdag
2
Piet Jansen, Dorpsstraat 4, Utrecht
Piet Jansen en zijn bedrijfsleider
Twee nieuwe ovens
Rademaker
30-06-2027
volgende week dinsdag
opvolging
pijplijn
voorbereiding Bakkerij Jansen
3
1
1
zelfde
zelfde
zelfde
rest overslaan
zelfde
dit gebruiken
Vandaag spreken we prijs en levering af en vertrek ik met een getekende order
Minder uitval in de nachtploeg en sneller bakken
€ 24.000, levering in maart
zelfde
Wat moet er nog gebeuren voordat u kunt tekenen?
ideeën toevoegen
klaar
vandaag
nabespreking Bakkerij Jansen
1
2
Getekend: twee ovens, levering in maart
zelfde
zelfde
zelfde
Levering plannen met de bedrijfsleider
overslaan
1
overslaan
opvolging
""",
}


ENV = {"COLUMNS": "110", "NO_COLOR": "1", "TERM": "dumb"}  # plain text, as wide as the docs show


def command(lang: str) -> list[str]:
    """The `salescoach` arguments of a transcript: a first-time user in that language."""
    return ["chat", "--user", {"en": "sam", "nl": "sanne"}[lang], "--lang", lang]


def run(lang: str, script: str, at: datetime) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/coach.db", "COACH_CLOCK": at.isoformat(), **ENV}
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", *command(lang)],
            input=script, capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"chat failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "transcripts")
    parser.add_argument("--at", type=datetime.fromisoformat, default=None,
                        help="the moment the coach's clock starts, with its offset (default: now)")
    args = parser.parse_args()
    at = args.at or datetime.now(UTC)
    if at.tzinfo is None:
        parser.error("--at needs an offset, like 2026-12-01T10:00:00+01:00")
    args.out.mkdir(parents=True, exist_ok=True)
    titles = {"en": "English", "nl": "Nederlands"}
    for lang, script in SCRIPTS.items():
        body = run(lang, script, at)
        page = (f"# Transcript: {titles[lang]}\n\nA real run of `salescoach chat --lang {lang}` with the messages "
                f"piped in (lines starting with `>`), generated by `scripts/transcripts.py` on "
                f"{at.date().isoformat()}.\n\n```text\n{body.rstrip()}\n```\n")
        (args.out / f"{lang}.md").write_text(page, encoding="utf-8")
        print(f"wrote {args.out / f'{lang}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
