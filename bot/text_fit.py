"""Fitting text into a size limit, whatever a platform counts: split over pieces, or shortened with "…".

Each renderer passes its own measure: Slack counts UTF-16 code units of the mrkdwn, Teams the bytes of a
TextRun's JSON, a terminal characters. A measure must count every character as at least one unit. Cuts
never part a character from its combining marks, joiners or modifiers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

Run = tuple[str, bool, bool]  # text, bold, italic

_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def _regional(c: str) -> bool:
    return 0x1F1E6 <= ord(c) <= 0x1F1FF


def safe_cut(text: str, k: int) -> int:
    """Move a cut back so it keeps a character with its combining marks, joiners and modifiers."""
    while 0 < k < len(text):
        c, before = text[k], text[k - 1]
        if (unicodedata.combining(c) or c in _JOINERS or before == "\u200d" or 0x1F3FB <= ord(c) <= 0x1F3FF
                or 0xE0020 <= ord(c) <= 0xE007F or (_regional(c) and _regional(before))):
            k -= 1
            continue
        break
    return k


def _longest(text: str, limit: int, size: Callable[[str], int]) -> int:
    """The length of the longest prefix of `text` that `size` puts at most `limit`."""
    lo, hi = 0, min(len(text), limit)  # every character takes at least one unit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if size(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def head(text: str, limit: int, size: Callable[[str], int]) -> str:
    """The text, or the longest start of it that measures at most `limit` (for a value that must fit)."""
    if size(text) <= limit:
        return text
    return text[:safe_cut(text, _longest(text, limit, size))]


def shorten(text: str, limit: int, size: Callable[[str], int], render: Callable[[str], str] = str) -> str:
    """render(text), shortened with "…" when it would measure more than `limit` (for labels and titles)."""
    out = render(text)
    if size(out) <= limit:
        return out
    k = _longest(text, limit, lambda head: size(render(head) + "…"))
    return render(text[:safe_cut(text, k)].rstrip()) + "…"


def _split_point(run: Run, room: int, size: Callable[[Run], int], fresh: bool) -> int:
    """How much of a run to put in the `room` left: after a line break, else a space, else anywhere.

    0 means: start a new piece first (`fresh` pieces always take something)."""
    text, bold, italic = run
    k = _longest(text, room, lambda head: size((head, bold, italic)))
    if k == 0:
        return 1 if fresh else 0
    prefix = text[:k]
    line = prefix.rfind("\n") + 1
    space = max((i + 1 for i, c in enumerate(prefix) if c.isspace()), default=0)
    if line and (line >= k // 2 or not fresh):
        return line
    if space and space >= k // 2:
        return space
    if not fresh:
        return 0
    return line or space or safe_cut(text, k) or k


def split_runs(runs: Iterable[Run], budget: int, size: Callable[[Run], int]) -> list[list[Run]]:
    """The runs in order, as pieces whose runs `size` puts at `budget` or less together; a run too long for
    the room left is split. Nothing is dropped but pieces that are only whitespace."""
    out: list[list[Run]] = []
    piece: list[Run] = []
    used = 0

    def flush() -> None:
        nonlocal used
        if any(text.strip() for text, _bold, _italic in piece):
            out.append(list(piece))
        piece.clear()
        used = 0

    stack = [r for r in reversed(list(runs)) if r[0]]
    while stack:
        run = stack.pop()
        cost = size(run)
        if used + cost <= budget:
            piece.append(run)
            used += cost
            continue
        k = _split_point(run, budget - used, size, fresh=not piece)
        if k == 0:
            flush()
            stack.append(run)
            continue
        text, bold, italic = run
        piece.append((text[:k], bold, italic))
        flush()
        stack.append((text[k:], bold, italic))
    flush()
    return out
