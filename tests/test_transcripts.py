"""The documented transcripts come from a real run; this re-runs the script and checks each round trip."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("transcripts", ROOT / "scripts" / "transcripts.py")
transcripts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(transcripts)

MILESTONES = {
    "en": ["Sales method: needs-oriented", "That goal is SMART", "Call plan: Acme Logistics",
           "remind you to debrief", "All five quote criteria hold", "Saved: Acme Logistics",
           "#2 Acme Logistics — Send the proposal", "€10,147.50"],
    "nl": ["Verkoopmethode: behoeftegericht", "Dat doel is SMART", "Gespreksplan: Bakkerij Jansen",
           "aan de nabespreking", "Opgeslagen: Bakkerij Jansen", "Demo plannen met Piet",
           "€\xa09.600,00"],
}


def test_round_trip_in_both_languages() -> None:
    for lang, script in transcripts.SCRIPTS.items():
        out = transcripts.run(lang, script)
        missing = [m for m in MILESTONES[lang] if m not in out]
        assert not missing, f"{lang} transcript lacks {missing}:\n{out}"
        assert "something went wrong" not in out and "Traceback" not in out
        committed = (ROOT / "docs" / "transcripts" / f"{lang}.md").read_text(encoding="utf-8")
        assert all(m in committed for m in MILESTONES[lang]), "regenerate docs/transcripts"
