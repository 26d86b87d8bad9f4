"""Settings read from the environment; production checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = run_manage("check", env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_it_rejects_a_malformed_boolean():
    result = run_manage("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be" in result.stderr


def test_check_deploy_is_clean_with_production_env():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 60 + "-Prod-Secret-Key-123!",
            "DJANGO_ALLOWED_HOSTS": "mentorhub.example",
            "EMAIL_URL": "smtp+tls://mentorhub:secret@smtp.example.com",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_the_console_mailer():
    """A deployment must say where email goes (EMAIL_URL); console: is for `make run`."""
    result = run_manage(
        "check",
        "--deploy",
        env={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 60 + "-Prod-Secret-Key-123!",
            "EMAIL_URL": "console:",
        },
    )
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


def test_seed_demo_refuses_without_force_in_production():
    result = run_manage(
        "seed_demo",
        env={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "y" * 60,
            "DATABASE_URL": "sqlite:///:memory:",
        },
    )
    assert result.returncode != 0
    assert "--force" in result.stderr
