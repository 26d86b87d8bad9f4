"""Security headers on pages, fragments, API and errors; HSTS with production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import jwt_client

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def _responses(mentor):
    anon = jwt_client(None)
    client = jwt_client(mentor)
    return {
        "login page": anon.get("/login/"),
        "dashboard": client.get("/mentor/dashboard"),
        "htmx fragment": client.get("/mentor/dashboard/requests/", HTTP_HX_REQUEST="true"),
        "api": client.get("/api/me/"),
        "404 page": client.get("/no-such-page/"),
    }


def test_every_response_carries_the_hardening_headers(mentor):
    for name, response in _responses(mentor).items():
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin"), (
            name
        )
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


def test_csp_allows_no_inline_or_eval_scripts(mentor):
    for name, response in _responses(mentor).items():
        if "Content-Security-Policy" not in response:
            assert name == "api", f"{name} has no CSP"
            continue
        policy = _csp(response)
        scripts = policy.get("script-src", policy.get("default-src"))
        assert scripts, name
        for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            assert bad not in scripts, f"{name}: script-src allows {bad}"
        if name in ("login page", "dashboard"):  # Django adds the nonce when a page uses it
            assert any(s.startswith("'nonce-") for s in scripts), name
        assert policy.get("object-src") == ["'none'"], name
        assert policy.get("frame-ancestors") == ["'none'"], name
        assert policy.get("base-uri") == ["'self'"], name


def test_the_nonce_changes_per_response(mentor):
    client = jwt_client(mentor)
    first = _csp(client.get("/mentor/dashboard"))["script-src"]
    second = _csp(client.get("/mentor/dashboard"))["script-src"]
    assert first != second


def test_every_script_tag_in_the_shell_carries_the_nonce(mentor):
    import re

    response = jwt_client(mentor).get("/mentor/dashboard")
    nonce = next(s for s in _csp(response)["script-src"] if s.startswith("'nonce-"))[7:-1]
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler in the page"


PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from django.test import Client
c = Client(SERVER_NAME="mentorhub.example")
plain = c.get("/login/")
secure = c.get("/login/", secure=True)
print(json.dumps({
    "redirect": [plain.status_code, plain.get("Location", "")],
    "hsts": secure.get("Strict-Transport-Security", ""),
    "cookie_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
                      settings.JWT_COOKIE_SECURE],
}))
"""


def test_production_settings_send_hsts_and_redirect_to_https(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "p" * 60 + "-Prod-Key-1!",
            "DJANGO_ALLOWED_HOSTS": "mentorhub.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        }
    )
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["redirect"] == [301, "https://mentorhub.example/login/"]
    assert "max-age=31536000" in probe["hsts"]
    assert "includeSubDomains" in probe["hsts"]
    assert probe["cookie_secure"] == [True, True, True]
