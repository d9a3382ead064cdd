#!/usr/bin/env python3
"""Set everything up and run the coach or the tests, with nothing but Python 3.11+.

    python3 dev.py chat [ARGS…]   create .venv, install salescoach, open the console coach
    python3 dev.py test [ARGS…]   create .venv, install salescoach with test tools, run ruff and pytest
    python3 dev.py run ARGS…      any salescoach command inside the environment

The virtual environment is made once in .venv and refreshed when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def ensure_env() -> None:
    if sys.version_info < (3, 11):
        sys.exit("salescoach needs Python 3.11 or newer; this is " + sys.version.split()[0])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv …", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing salescoach and its dependencies …", file=sys.stderr)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for step in ([*pip, "--upgrade", "pip"], [*pip, "-e", f"{ROOT}[dev]"]):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:  # show pip's own words only when it failed
            sys.exit(f"installing failed ({' '.join(step[3:])}):\n{done.stdout}{done.stderr}")
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("chat", [])
    ensure_env()
    if command == "chat":
        return subprocess.call([str(BIN / "salescoach"), "chat", *args])
    if command == "run":
        return subprocess.call([str(BIN / "salescoach"), *args])
    if command == "test":
        lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", str(ROOT)], cwd=ROOT)
        tests = subprocess.call([str(PYTHON), "-m", "pytest", *args], cwd=ROOT)
        return tests or lint
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
