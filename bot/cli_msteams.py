"""`salescoach teams package --app-id ID`: the zip an admin uploads to Teams (manifest and icons)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Annotated, Any

import typer

TEAMS_DIR = Path(__file__).resolve().parent.parent / "teams"
ICONS = ("color.png", "outline.png")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_NAME = 30  # Teams' limit for name.short


def fill(node: Any, values: dict[str, str]) -> Any:
    """`node` with each placeholder (e.g. "{{NAME}}") in its strings replaced by its value."""
    if isinstance(node, dict):
        return {key: fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [fill(item, values) for item in node]
    if isinstance(node, str):
        for placeholder, value in values.items():
            node = node.replace(placeholder, value)
    return node


def build_package(app_id: str, name: str, out: Path, source: Path = TEAMS_DIR) -> dict:
    """Write the app package to `out`; returns the manifest it holds."""
    template = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    manifest = fill(template, {"{{MICROSOFT_APP_ID}}": app_id.lower(), "{{NAME}}": name})
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            package.write(source / icon, icon)
    return manifest


def check(app_id: str, name: str, out: Path) -> None:
    """Raise BadInput, naming the option, for anything that would give a package Teams refuses."""
    from bot.cli import BadInput

    if not GUID.match(app_id):
        raise BadInput(f"--app-id {app_id!r} is not a GUID; use your Azure Bot's Microsoft App ID")
    if not 0 < len(name) <= MAX_NAME:
        raise BadInput(f"--name must be 1 to {MAX_NAME} characters (Teams' limit for a short name)")
    if not out.parent.is_dir():
        raise BadInput(f"--out: there is no folder {out.parent}")
    missing = [f for f in ("manifest.json", *ICONS) if not (TEAMS_DIR / f).exists()]
    if missing:
        raise BadInput(f"{', '.join(missing)} missing in {TEAMS_DIR}: run this from a checkout of salescoach")


def register(app: typer.Typer) -> None:
    teams_app = typer.Typer(help="Microsoft Teams.", no_args_is_help=True)
    app.add_typer(teams_app, name="teams")

    @teams_app.command("package")
    def package(
        app_id: Annotated[str, typer.Option("--app-id", help="The Azure Bot's Microsoft App ID (a GUID).")],
        out: Annotated[Path, typer.Option("--out", help="Where to write the zip.")] = Path("salescoach-teams.zip"),
        name: Annotated[str, typer.Option("--name", help=f"The app's name in Teams (at most {MAX_NAME} characters).")]
        = "Sales coach",
    ) -> None:
        """Build the Teams app package (manifest.json and icons) to upload in Teams."""
        from bot.cli import cli_errors

        with cli_errors():
            check(app_id.strip(), name, out)
            build_package(app_id.strip(), name, out)
            typer.echo(f"{out}: upload it in Teams (Apps → Manage your apps → Upload an app)")
