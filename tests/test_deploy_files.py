"""Deployment files: the Dockerfile passes hadolint (warnings fail); compose runs two instances on one PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_dockerfile_passes_hadolint_at_warning_level() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    done = subprocess.run([hadolint, "--failure-threshold", "warning", str(ROOT / "Dockerfile")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_runs_serve_as_non_root_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "\nUSER 10001\n" in text and "HEALTHCHECK" in text and "/healthz" in text
    assert 'ENTRYPOINT ["salescoach"]' in text and 'CMD ["serve"]' in text
    assert all(":latest" not in line for line in text.splitlines() if line.startswith("FROM"))


def test_compose_runs_two_instances_on_one_healthy_postgres() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    coaches = [s for name, s in services.items() if name.startswith("coach")]
    assert len(coaches) == 2
    for coach in coaches:
        assert coach["environment"]["DATABASE_URL"].startswith("postgresql://") and "@db:5432/" in \
            coach["environment"]["DATABASE_URL"]
        assert coach["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in services["db"]
