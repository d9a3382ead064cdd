"""The layers keep to their lanes: the engine imports no platform or storage code, adapters and jobs reach
storage only through the composition root, and one platform's folder never imports another's."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("bot", "slack_bolt", "slack_sdk", "botbuilder", "aiohttp", "storage", "sqlalchemy")
COMPOSITION_ROOT = "bot/runtime.py"


def imports(folder: str) -> Iterator[tuple[str, str]]:
    """(file relative to the root, imported module) for every import under `folder`."""
    for path in sorted(ROOT.joinpath(folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            yield from ((path.relative_to(ROOT).as_posix(), n) for n in names)


def test_coach_imports_no_platform_or_storage_code() -> None:
    assert [f"{f}: {n}" for f, n in imports("coach") if n.split(".")[0] in FORBIDDEN] == []


def test_adapters_and_jobs_reach_storage_only_through_the_composition_root() -> None:
    offenders = {f for f, n in imports("bot") if n.split(".")[0] == "storage" and f != COMPOSITION_ROOT}
    assert offenders == set()


def test_the_service_starts_without_the_chart_libraries() -> None:
    """matplotlib and Pillow (about 40 MB) load only when a digest is drawn, not in every serve process."""
    script = ("import sys, bot.server, bot.digest_job, bot.scheduler, bot.senders, bot.slack.worker; "
              "print(sorted(m for m in ('matplotlib', 'PIL', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_platform_adapters_share_only_public_names() -> None:
    """Slack and Teams code imports nothing from the other platform's folder, and no module in bot/ imports
    another's private names: what they share lives in a neutral module with public names."""
    offenders = []
    bot = ROOT / "bot"
    for path in bot.rglob("*.py"):
        platform = path.parent.name if path.parent != bot else None
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("bot"):
                continue
            parts = node.module.split(".")
            other = parts[1] if len(parts) > 1 and parts[1] in ("slack", "msteams") else None
            if platform in ("slack", "msteams") and other not in (None, platform):
                offenders.append(f"{path.relative_to(bot)}: {node.module}")
            offenders += [f"{path.relative_to(bot)}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_")]
    assert offenders == []
