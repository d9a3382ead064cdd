"""The engine stays platform-neutral: nothing under coach/ imports adapters or chat SDKs."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = ("bot", "slack_bolt", "slack_sdk", "botbuilder", "aiohttp", "storage", "sqlalchemy")


def test_coach_imports_no_platform_or_storage_code() -> None:
    offenders = []
    for path in Path(__file__).resolve().parent.parent.joinpath("coach").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
