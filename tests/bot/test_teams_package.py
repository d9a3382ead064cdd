"""The Teams app package: a manifest valid against Microsoft's schema, the app id filled in, the right icons."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from tests.bot.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "bot" / "cards_js" / "node_modules" / "@microsoft" / "app-manifest" / "build" / \
    "json-schemas" / "teams" / "v1.17" / "MicrosoftTeams.schema.json"
APP_ID = "0F6F6B1C-2C3D-4E5F-8A9B-0C1D2E3F4A5B"


@pytest.fixture
def no_database(tmp_path: Path) -> Iterator[str]:
    """A database URL for the CLI that packaging must leave alone: it needs none, so one run, not one per backend."""
    path = tmp_path / "untouched.db"
    yield f"sqlite:///{path}"
    assert not path.exists()


def need_schema() -> None:
    """Microsoft's schema comes with the npm packages `python3 dev.py test` installs; in CI it must be there."""
    if not SCHEMA.exists():
        message = "Microsoft's manifest schema is missing: npm ci in tests/bot/cards_js (python3 dev.py test does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def png_size_and_pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6)  # 8-bit RGBA, as scripts/teams_icons.py writes
    idat, pos = b"", 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    return (width, height), b"".join(raw[r * stride + 1:(r + 1) * stride] for r in range(height))


def test_package_holds_a_valid_manifest_with_the_app_id_and_both_icons(no_database: str, tmp_path: Path) -> None:
    out = tmp_path / "coach.zip"
    result = run(["teams", "package", "--app-id", APP_ID, "--out", str(out)], no_database)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color, outline = package.read("color.png"), package.read("outline.png")
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID.lower()
    assert "{{" not in json.dumps(manifest)
    commands = {c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]}
    assert commands == {"prep", "smart", "spin", "debrief", "followups", "pipeline", "lang", "help"}
    assert png_size_and_pixels(color)[0] == (192, 192)
    size, pixels = png_size_and_pixels(outline)
    assert size == (32, 32)
    rgba = [pixels[i:i + 4] for i in range(0, len(pixels), 4)]
    assert all(p[3] == 0 or p[:3] == b"\xff\xff\xff" for p in rgba)  # white on transparent only
    assert any(p[3] == 0 for p in rgba) and any(p[3] == 255 for p in rgba)
    need_schema()
    errors = [e.message for e in Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(manifest)]
    assert errors == []


def test_the_name_is_taken_as_written(no_database: str, tmp_path: Path) -> None:
    out = tmp_path / "coach.zip"
    name = 'Coach "Noord" \\ Zuid'
    result = run(["teams", "package", "--app-id", APP_ID, "--name", name, "--out", str(out)], no_database)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as package:
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["name"]["short"] == name and manifest["name"]["full"].startswith(name + ": ")


def test_the_schema_check_can_fail() -> None:
    need_schema()
    validator = Draft4Validator(json.loads(SCHEMA.read_text()))
    manifest = json.loads((ROOT / "teams" / "manifest.json").read_text())
    manifest["bots"][0]["scopes"] = ["everywhere"]
    assert list(validator.iter_errors(manifest))


@pytest.mark.parametrize("args, out, says", [
    (["--app-id", "not-a-guid"], "coach.zip", "is not a GUID"),
    (["--app-id", APP_ID, "--name", "A name far longer than thirty characters"], "coach.zip", "1 to 30 characters"),
    (["--app-id", APP_ID], "missing-folder/coach.zip", "there is no folder"),
])
def test_bad_input_writes_no_zip(no_database: str, tmp_path: Path, args: list[str], out: str, says: str) -> None:
    result = run(["teams", "package", *args, "--out", str(tmp_path / out)], no_database)
    assert result.returncode == 2 and says in " ".join(result.stderr.split())
    assert not (tmp_path / out).exists() and result.stderr.startswith("error: ")
