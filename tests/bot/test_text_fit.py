"""Fitting text into a limit with any measure: splitting, shortening, cutting where characters stay whole."""

from __future__ import annotations

from bot.slack.render import render_modal, text_size
from bot.text_fit import Run, head, safe_cut, shorten, split_runs
from coach.replies import FieldKind, Form, FormField


def _size(run: Run) -> int:
    return len(run[0]) + (4 if run[1] else 0)  # a bold run costs its two pairs of asterisks too


def test_split_prefers_line_breaks_then_spaces_and_keeps_every_character() -> None:
    runs: list[Run] = [("first line\nsecond line goes on", False, False), (" and bold", True, False)]
    pieces = split_runs(runs, 16, _size)
    assert all(sum(_size(r) for r in piece) <= 16 for piece in pieces)
    assert "".join(r[0] for piece in pieces for r in piece) == "first line\nsecond line goes on and bold"
    assert pieces[0] == [("first line\n", False, False)]
    assert pieces[-1][-1] == ("bold", True, False)


def test_split_drops_only_pieces_of_whitespace() -> None:
    assert split_runs([("   ", False, False)], 10, _size) == []
    assert split_runs([("x" * 25, False, False)], 10, _size) == [[("x" * 10, False, False)]] * 2 + [
        [("x" * 5, False, False)]]


def test_cuts_keep_emoji_and_accents_whole() -> None:
    family = "👨\u200d👩\u200d👧"
    assert safe_cut("ab" + family, 4) == 2
    assert head("e\u0301e\u0301e\u0301", 3, len) == "e\u0301"
    assert shorten("Bakkerij Jansen", 10, len) == "Bakkerij…"
    assert shorten("kort", 10, len) == "kort"


def test_a_slack_input_value_stays_within_its_limit_in_utf16_units() -> None:
    form = Form(scope="s", title="Notes", submit_label="Save", fields=[
        FormField(name="notes", label="Notes", kind=FieldKind.LONG_TEXT, initial="🤝" * 2000)])
    element = render_modal(form, "meta")["blocks"][0]["element"]
    assert text_size(element["initial_value"]) <= element["max_length"]
    assert element["initial_value"] == "🤝" * (element["max_length"] // 2)
