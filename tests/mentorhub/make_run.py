"""The environment `make run` / `make dev` give the server, read from the Makefile."""

import os
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_KEY = "make-run-test-key-" + "z" * 40


def recipe_line(target: str, marker: str, env: dict | None = None) -> str:
    """The (expanded) recipe line of `make <target>` that contains `marker`."""
    result = subprocess.run(
        ["make", "-n", target, "PORT=8765"],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return next(line for line in result.stdout.splitlines() if marker in line)


def server_env(target: str = "run", marker: str = "daphne", env: dict | None = None) -> dict:
    """The variables the server command of `make <target>` sets, as the shell sees them."""
    line = recipe_line(target, marker, env)
    assignments = line.split(" exec ", 1)[0]
    shell_env = {**os.environ, "DJANGO_SECRET_KEY": TEST_KEY, **(env or {})}
    result = subprocess.run(
        ["bash", "-c", f"{assignments} env -0"],
        cwd=ROOT,
        env=shell_env,
        capture_output=True,
        text=True,
        check=True,
    )
    names = {shlex.split(a)[0].split("=", 1)[0] for a in shlex.split(assignments)}
    pairs = (item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)
    return {name: value for name, value in pairs if name in names}
