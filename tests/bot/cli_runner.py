"""Run the `salescoach` command line as a user does, but inside the test process (Typer's CliRunner).

Starting a Python process per command cost about a second each, mostly imports; the few things only a
process shows (piped chat continuing in a second process, the exit code of a bad setting, reminders sent
by `reminders run-once`) use `run_process`. Either way the command sees only the settings the test gives
(none of the developer's environment or .env file) and its clock starts at the test's moment (COACH_CLOCK).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from unittest import mock

from rich.console import Console
from typer.testing import CliRunner

import bot.cli
from bot.cli import app
from bot.runtime import Runtime
from bot.settings import Settings
from tests.conftest import TEST_NOW

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = [name for field in Settings.model_fields.values() for name in field.validation_alias.choices]


@dataclass
class Ran:
    """What a shell shows of a finished command (named like subprocess.CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


def _environment(database_url: str | None, env: dict[str, str | None] | None,
                 clock: Callable[[], datetime] | None) -> dict[str, str | None]:
    """The settings of one command: unset (None) unless the test gives them."""
    moment = clock() if clock is not None else TEST_NOW
    return {**dict.fromkeys(SETTINGS), "DATABASE_URL": database_url, "COACH_CLOCK": moment.isoformat(),
            "COLUMNS": "120", **(env or {})}


def run(args: list[str], database_url: str, stdin: str = "", env: dict[str, str | None] | None = None,
        clock: Callable[[], datetime] | None = None, cwd: Path | None = None) -> Ran:
    """`salescoach ARGS` with DATABASE_URL, `env` and COACH_CLOCK at `clock()` (default: TEST_NOW), in the folder
    `cwd` (default: an empty one).

    An exception that escapes the command would have printed a traceback in a real process: it is put into
    stderr, so "no traceback" assertions mean the same here."""
    opened: list[Runtime] = []
    real_open = Runtime.open.__func__

    def open_and_keep(cls, *args, **kwargs) -> Runtime:
        runtime = real_open(cls, *args, **kwargs)
        opened.append(runtime)
        return runtime

    with tempfile.TemporaryDirectory() as empty, mock.patch.dict(os.environ):
        for name, value in _environment(database_url, env, clock).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        # bot.cli's error console takes its width from COLUMNS when the module loads: here, as in a process
        # started with this environment (pytest-xdist workers have COLUMNS=80 of their own)
        fresh = Console(stderr=True)
        try:
            with mock.patch.object(Runtime, "open", classmethod(open_and_keep)), \
                    mock.patch.object(bot.cli, "err", fresh), contextlib.chdir(cwd or empty):
                result = CliRunner().invoke(app, args, input=stdin)
        finally:
            for runtime in opened:  # what the end of the process would do: no connections left open
                runtime.engine.dispose()
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Ran(result.exit_code, result.stdout, stderr)


def run_process(args: list[str], database_url: str | None, stdin: str = "",
                env: dict[str, str | None] | None = None,
                clock: Callable[[], datetime] | None = None) -> subprocess.CompletedProcess[str]:
    """`salescoach ARGS` as a real process, for what only a process shows; settings as for `run`."""
    settings = _environment(database_url, env, clock)
    environ = {k: v for k, v in {**os.environ, **settings}.items() if v is not None}
    with tempfile.TemporaryDirectory() as empty:
        return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True,
                              text=True, env=environ, cwd=empty, timeout=120, check=False)
