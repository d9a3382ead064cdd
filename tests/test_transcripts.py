"""The documented transcripts come from a real run of the chat; this runs the same script and checks each round trip
(in-process, at the test's clock; scripts/transcripts.py runs it as a process to regenerate them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.bot.cli_runner import run

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("transcripts", ROOT / "scripts" / "transcripts.py")
transcripts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(transcripts)

MILESTONES = {
    "en": ["Sales method: needs-oriented", "That goal is SMART", "Call plan: Acme Logistics",
           "remind you to debrief", "All five quote criteria hold", "Saved: Acme Logistics",
           "#2 Acme Logistics — Send the proposal", "€10,147.50",
           "Current supplier: Jungheinrich", "Is Jungheinrich still your supplier until March 2027?",
           "1 earlier follow-up is closed: this debrief replaces it.", "You have no open follow-ups."],
    "nl": ["Verkoopmethode: behoeftegericht", "Dat doel is SMART", "Gespreksplan: Bakkerij Jansen",
           "aan de nabespreking", "Opgeslagen: Bakkerij Jansen", "Demo plannen met Piet",
           "€\xa09.600,00", "Huidige leverancier: Rademaker", "Is Rademaker tot juni 2027 nog uw leverancier?",
           "1 eerdere opvolging is afgesloten: deze nabespreking vervangt hem.",
           "Je hebt geen openstaande opvolgacties."],
}


@pytest.mark.parametrize("lang", sorted(transcripts.SCRIPTS))
def test_round_trip(lang: str, tmp_path: Path) -> None:
    result = run(transcripts.command(lang), f"sqlite:///{tmp_path}/coach.db", stdin=transcripts.SCRIPTS[lang],
                 env=transcripts.ENV)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    missing = [m for m in MILESTONES[lang] if m not in out]
    assert not missing, f"{lang} transcript lacks {missing}:\n{out}"
    assert "something went wrong" not in out and "Traceback" not in out
    committed = (ROOT / "docs" / "transcripts" / f"{lang}.md").read_text(encoding="utf-8")
    assert all(m in committed for m in MILESTONES[lang]), "regenerate docs/transcripts"
