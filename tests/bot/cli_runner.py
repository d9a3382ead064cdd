"""Run the `salescoach` command line as a user does, but inside the test process (Typer's CliRunner).

Starting a Python process per command cost about a second each, mostly imports; the few things only a
process shows (piped chat continuing in a second process, the exit code of a bad setting, reminders sent
by `reminders run-once`) keep a real process in their own tests. The command's clock is the test's:
COACH_CLOCK is set to the given moment, as for a real process.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from unittest import mock

from typer.testing import CliRunner

from bot.cli import app
from bot.runtime import Runtime
from tests.conftest import TEST_NOW

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Ran:
    """What a shell shows of a finished command (named like subprocess.CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


def run(args: list[str], database_url: str, stdin: str = "", env: dict[str, str] | None = None,
        clock: Callable[[], datetime] | None = None, cwd: Path | None = None) -> Ran:
    """`salescoach ARGS` with DATABASE_URL, 120 columns and COACH_CLOCK at `clock()` (default: TEST_NOW), in the
    folder `cwd` (default: the project's).

    An exception that escapes the command would have printed a traceback in a real process: it is put into
    stderr, so "no traceback" assertions mean the same here."""
    moment = clock() if clock is not None else TEST_NOW
    env = {"DATABASE_URL": database_url, "COLUMNS": "120", "COACH_CLOCK": moment.isoformat(), **(env or {})}
    opened: list[Runtime] = []
    real_open = Runtime.open.__func__

    def open_and_keep(cls, *args, **kwargs) -> Runtime:
        runtime = real_open(cls, *args, **kwargs)
        opened.append(runtime)
        return runtime

    try:
        with mock.patch.object(Runtime, "open", classmethod(open_and_keep)), contextlib.chdir(cwd or ROOT):
            result = CliRunner().invoke(app, args, input=stdin, env=env)
    finally:
        for runtime in opened:  # what the end of the process would do: no connections left open
            runtime.engine.dispose()
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Ran(result.exit_code, result.stdout, stderr)


def run_process(args: list[str], database_url: str | None, stdin: str = "", env: dict[str, str] | None = None,
                clock: Callable[[], datetime] | None = None) -> subprocess.CompletedProcess[str]:
    """`salescoach ARGS` as a real process, for what only a process shows; its clock starts at `clock()`."""
    moment = clock() if clock is not None else TEST_NOW
    env = {**os.environ, "COLUMNS": "120", "COACH_CLOCK": moment.isoformat(),
           **({"DATABASE_URL": database_url} if database_url else {}), **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=False)
