"""Draw the Teams app icons (teams/color.png 192×192, teams/outline.png 32×32) with the standard library.

    python scripts/teams_icons.py

A speech bubble with a rising line: coaching in chat, a pipeline that grows. The outline icon is white
on transparent, as Teams requires.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GREEN, WHITE, CLEAR = (31, 111, 92, 255), (255, 255, 255, 255), (0, 0, 0, 0)


def png(pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + b"".join(struct.pack("4B", *p) for p in row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _in_bubble(x: float, y: float) -> bool:
    """A rounded rectangle with a tail at the bottom left, in a unit square."""
    left, top, right, bottom, r = 0.12, 0.14, 0.88, 0.70, 0.12
    cx, cy = min(max(x, left + r), right - r), min(max(y, top + r), bottom - r)
    body = left <= x <= right and top <= y <= bottom and (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    tail = 0.70 <= y <= 0.86 and 0.24 <= x <= 0.24 + (0.86 - y) * 1.1
    return body or tail


def _on_line(x: float, y: float, width: float) -> bool:
    """The rising line inside the bubble: (0.25,0.58) → (0.45,0.45) → (0.58,0.52) → (0.76,0.28)."""
    points = [(0.25, 0.58), (0.45, 0.45), (0.58, 0.52), (0.76, 0.28)]
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
        if (x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2 <= width * width:
            return True
    return False


def draw(size: int, background, bubble, line) -> list[list[tuple[int, int, int, int]]]:
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            x, y = (i + 0.5) / size, (j + 0.5) / size
            if _in_bubble(x, y):
                row.append(line if _on_line(x, y, 0.035 if size > 64 else 0.05) else bubble)
            else:
                row.append(background)
        rows.append(row)
    return rows


def main() -> None:
    (ROOT / "teams" / "color.png").write_bytes(png(draw(192, GREEN, WHITE, GREEN)))
    (ROOT / "teams" / "outline.png").write_bytes(png(draw(32, CLEAR, WHITE, CLEAR)))


if __name__ == "__main__":
    main()
