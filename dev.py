#!/usr/bin/env python3
"""Set everything up and run the coach or the tests, with nothing but Python 3.11+.

    python3 dev.py chat [ARGS…]   create .venv, install salescoach, open the console coach
    python3 dev.py test [ARGS…]   create .venv, install salescoach with test tools, run ruff and pytest
                                  on every core (-n 0: in one process); also Chromium, as root on Debian,
                                  and the npm packages of the Teams card check
    python3 dev.py run ARGS…      any salescoach command inside the environment

The virtual environment is made once in .venv and refreshed when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
CARDS_JS = ROOT / "tests" / "bot" / "cards_js"  # the Teams card check in a real browser
CHROMIUM = Path("/usr/bin/chromium")


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


def _quietly(step: list[str], **kwargs) -> bool:
    """Run an install step, showing its output only when it fails."""
    done = subprocess.run(step, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        print(f"{' '.join(step[:3])} … failed:\n{done.stdout}{done.stderr}", file=sys.stderr)
    return done.returncode == 0


def ensure_browser_check() -> None:
    """Chromium and the npm packages that test the Teams cards in the official renderer. Not fatal: without
    them that test is skipped, or in CI fails saying what is missing."""
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not CHROMIUM.exists() and root and Path("/etc/debian_version").exists() and shutil.which("apt-get"):
        print("installing chromium …", file=sys.stderr)
        apt = {"env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
        if _quietly(["apt-get", "update", "-qq"], **apt):
            _quietly(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], **apt)
    npm = shutil.which("npm")
    if not (npm and shutil.which("node")):
        return
    stamp = CARDS_JS / "node_modules" / ".installed"
    wanted = hashlib.sha256((CARDS_JS / "package-lock.json").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print("installing the npm packages of the Teams card check …", file=sys.stderr)
    if _quietly([npm, "ci", "--no-audit", "--no-fund"], cwd=CARDS_JS):
        stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("chat", [])
    ensure_env()
    if command == "chat":
        return subprocess.call([str(BIN / "salescoach"), "chat", *args])
    if command == "run":
        return subprocess.call([str(BIN / "salescoach"), *args])
    if command == "test":
        ensure_browser_check()
        lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", str(ROOT)], cwd=ROOT)
        # pytest-xdist: one worker per core; each test has its own database, port and files. A later -n wins.
        tests = subprocess.call([str(PYTHON), "-m", "pytest", "-n", "auto", *args], cwd=ROOT)
        return tests or lint
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
