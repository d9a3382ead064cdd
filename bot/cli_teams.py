"""`salescoach teams package --app-id ID`: the zip an admin uploads to Teams (manifest and icons)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Annotated

import typer

TEAMS_DIR = Path(__file__).resolve().parent.parent / "teams"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def build_package(app_id: str, name: str, out: Path, source: Path = TEAMS_DIR) -> dict:
    """Write the app package to `out`; returns the manifest it holds."""
    text = (source / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text.replace("{{MICROSOFT_APP_ID}}", app_id.lower()).replace("{{NAME}}", name))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ("color.png", "outline.png"):
            package.write(source / icon, icon)
    return manifest


def register(app: typer.Typer) -> None:
    teams_app = typer.Typer(help="Microsoft Teams.", no_args_is_help=True)
    app.add_typer(teams_app, name="teams")

    @teams_app.command("package")
    def package(
        app_id: Annotated[str, typer.Option("--app-id", help="The Azure Bot's Microsoft App ID (a GUID).")],
        out: Annotated[Path, typer.Option("--out", help="Where to write the zip.")] = Path("salescoach-teams.zip"),
        name: Annotated[str, typer.Option("--name", help="The app's name in Teams (at most 30 characters).")]
        = "Sales coach",
    ) -> None:
        """Build the Teams app package (manifest.json and icons) to upload in Teams."""
        from bot.cli import BadInput, cli_errors

        with cli_errors():
            if not GUID.match(app_id.strip()):
                raise BadInput(f"--app-id {app_id!r} is not a GUID; copy the Microsoft App ID of your Azure Bot, "
                               "like 0f6f6b1c-2c3d-4e5f-8a9b-0c1d2e3f4a5b")
            if not 0 < len(name) <= 30:
                raise BadInput("--name must be 1 to 30 characters (Teams' limit for a short name)")
            if not (TEAMS_DIR / "manifest.json").exists():
                raise BadInput(f"no Teams manifest at {TEAMS_DIR}: run this from a checkout of salescoach")
            build_package(app_id.strip(), name, out)
            typer.echo(f"{out}: upload it in Teams (Apps → Manage your apps → Upload an app)")
