"""The OpenAPI schema validates; schemathesis finds no 5xx and no schema violation.

`make test` runs a short pass (FUZZ_EXAMPLES=5 per operation); `make fuzz`
runs a long one (more examples, every phase, stateful links).
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from tests.security.builders import build_world

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "5")
PHASES = os.environ.get("FUZZ_PHASES", "examples,coverage,fuzzing")
# A time budget makes fuzzing repeat until it is spent (make fuzz); CI runs one pass.
MAX_TIME = os.environ.get("FUZZ_MAX_TIME", "")
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def _env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}


def test_openapi_schema_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yml"),
        ],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, "drf-spectacular warnings:\n" + result.stderr[-6000:]


def _long_lived_access(user) -> str:
    access = RefreshToken.for_user(user).access_token
    access.set_exp(lifetime=timedelta(hours=3))  # outlives the longest `make fuzz` run
    return str(access)


@pytest.fixture
def fuzz_server(transactional_db):
    from tests.e2e.conftest import start_server, stop_server

    server = start_server({"LOG_LEVEL": "ERROR"})
    yield server
    stop_server(server)


def _schemathesis(server, token: str, report: Path) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{server.url}/api/schema/",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--phases",
        PHASES,
        "--max-examples",
        EXAMPLES,
        "--seed",
        os.environ.get("FUZZ_SEED", "1234"),
        "--workers",
        "2",
        "--no-shrink",
        "--request-timeout",
        "20",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        "--warnings",
        "off",
    ]
    if MAX_TIME:
        command += ["--max-time", MAX_TIME]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=int(MAX_TIME or 300) * 3 + 120,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"},
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", ["owner", "learner"])
def test_schemathesis_finds_no_server_errors_or_schema_violations(fuzz_server, persona, tmp_path):
    world = build_world()
    token = _long_lived_access(getattr(world, persona))
    result = _schemathesis(fuzz_server, token, tmp_path / "junit.xml")
    log = fuzz_server.log_path.read_text(errors="replace")
    assert result.returncode == 0, (
        f"schemathesis as {persona} found problems:\n{_summary(result.stdout)}\n"
        f"{result.stdout[-8000:]}\n{result.stderr[-2000:]}\nserver log (tail):\n{log[-2000:]}"
    )


def _summary(output: str) -> str:
    """One line per failing operation + check, from schemathesis' report."""
    lines, operation = [], ""
    for line in output.splitlines():
        stripped = line.strip()
        if stripped.startswith("___") and stripped.endswith("___"):
            operation = stripped.strip("_ ")
        elif stripped.startswith("- ST") or stripped.startswith("- Server error"):
            lines.append(f"  {operation}: {stripped[2:]}")
    return "\n".join(dict.fromkeys(lines)) or "(no failure headers found)"
