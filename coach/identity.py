"""Who someone is on which platform: `slack:U0123`, `teams:<aad-object-id>`, `console:alice` (users), or a
channel such as `slack:C0123`. Stored and shown in that spelling; code reads the parts, never splits it."""

from __future__ import annotations

import re
from dataclasses import dataclass

PLATFORMS = ("slack", "teams", "console")
SPELLING = re.compile(r"^(slack|teams|console):([^\s:]\S{0,190})$")  # fits the 200-character column


@dataclass(frozen=True)
class Identity:
    platform: str
    id: str

    @classmethod
    def parse(cls, text: str) -> Identity:
        """Raises ValueError, saying how to write it, for anything but a platform-qualified name."""
        match = SPELLING.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a platform-qualified user; "
                             "write it as slack:U0123, teams:<aad-object-id> or console:alice")
        return cls(match.group(1), match.group(2))

    def __str__(self) -> str:
        return f"{self.platform}:{self.id}"
