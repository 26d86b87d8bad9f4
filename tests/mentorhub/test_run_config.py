"""`make run`: debug off, friendly error pages, plain-HTTP sign-in on loopback;
`make dev`: debug; `make run-https`: never debug."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tests.conftest import jwt_client
from tests.mentorhub.make_run import ROOT, TEST_KEY, recipe_line, server_env

PROBE = r"""
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "debug": s.DEBUG, "redirect": s.SECURE_SSL_REDIRECT, "hsts": s.SECURE_HSTS_SECONDS,
    "secure": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.JWT_COOKIE_SECURE],
    "static": s.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def settings_under(env: dict) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "mentorhub.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_make_run_serves_with_debug_off_even_when_debug_is_exported():
    env = server_env("run", env={"DJANGO_DEBUG": "1"})
    assert env["DJANGO_DEBUG"] == "0"
    probe = settings_under(env)
    assert probe["debug"] is False
    assert probe["static"] == "whitenoise.storage.CompressedStaticFilesStorage"
    # Plain HTTP on loopback: no redirect to https, no HSTS, cookies usable over http.
    assert probe["redirect"] is False and probe["hsts"] == 0
    assert probe["secure"] == [False, False, False]
    assert "seed_demo --force" in recipe_line("run", "seed_demo")


def test_make_dev_has_debug_and_auto_reload():
    env = server_env("dev", marker="runserver")
    assert env["DJANGO_DEBUG"] == "1"
    assert settings_under(env)["debug"] is True


def test_run_https_never_runs_with_debug():
    script = (ROOT / "scripts" / "run-https").read_text()
    assert "export DJANGO_DEBUG=0\n" in script
    assert "DJANGO_DEBUG=1" not in recipe_line("run-https", "scripts/run-https")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_make_run_prints_the_banner_once_after_the_port_opens_and_no_access_log(tmp_path):
    """Issue #18/15: the banner comes after the server listens, the demo logins once,
    and no line per request or WebSocket connect."""
    port = _free_port()
    dry = subprocess.run(
        ["make", "-n", "run", f"PORT={port}"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    wanted = ("manage.py migrate", "seed_demo", "scripts/run-server")
    lines = [line for line in dry.stdout.splitlines() if any(w in line for w in wanted)]
    assert len(lines) == 3 and "exec " in lines[-1] and "daphne" in lines[-1], lines
    password = "pw-once-" + str(port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SECRET_KEY=TEST_KEY, DEMO_PASSWORD=password, PYTHONUNBUFFERED="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}", JANUS_URL="",
    )  # fmt: skip
    proc = subprocess.Popen(
        ["bash", "-c", " && ".join(lines)], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output: list[str] = []
    banner_seen = threading.Event()
    open_at_banner: list[bool] = []

    def read():
        for line in proc.stdout:
            if "MentorHub is running" in line and not banner_seen.is_set():
                open_at_banner.append(_accepts(port))
                banner_seen.set()
            output.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert banner_seen.wait(180), "".join(output)
        assert open_at_banner == [True], "banner printed before the port accepted connections"
        for _ in range(3):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10).read()
        time.sleep(1)
        text = "".join(output)
        assert text.count("MentorHub is running") == 1, text
        assert text.count(password) == 1, text
        assert f"http://127.0.0.1:{port}/" in text
        assert "GET /login/" not in text, text  # no access log lines
        # SIGTERM (what Ctrl-C / a supervisor sends) stops the server behind the wrapper.
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        assert not _accepts(port)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_production_settings_keep_every_cookie_secure():
    probe = settings_under({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": TEST_KEY})
    assert probe["secure"] == [True, True, True] and probe["redirect"] is True


def test_the_secret_key_is_generated_once_into_an_untracked_file(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "find-python", tmp_path / "scripts" / "find-python")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    make = ["make", "-s", ".secret_key"]
    subprocess.run(make, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    key = (tmp_path / ".secret_key").read_text().strip()
    assert len(key) >= 50
    assert (tmp_path / ".secret_key").stat().st_mode & 0o077 == 0
    subprocess.run(make, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    assert (tmp_path / ".secret_key").read_text().strip() == key
    ignored = subprocess.run(["git", "check-ignore", "-q", ".secret_key"], cwd=ROOT)
    assert ignored.returncode == 0


# --- Error pages with debug off (the test settings are production-like) -------------------


def boom(request):
    raise RuntimeError("kaboom with SECRET_KEY nearby")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("fine/", fine)]


@pytest.mark.django_db
def test_a_404_is_friendly_and_lists_no_urls(mentor):
    assert settings.DEBUG is False
    response = jwt_client(mentor).get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    for leak in ("Resolver404", "URLconf", "mentor/dashboard/", "api/", "admin/", "tried"):
        assert leak not in body, leak
    # A deliberate message still shows.
    assert "No such session." in jwt_client(mentor).get("/sessions/999999/").content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_500_shows_no_cookie_source_or_settings(mentor):
    client = jwt_client(mentor)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    secrets = [client.cookies[name].value for name in client.cookies] + [settings.SECRET_KEY]
    for leak in [*secrets, "kaboom", "Traceback", "SECRET_KEY", "boom/"]:
        assert leak not in body


def test_the_500_page_renders_without_a_request_or_database():
    from django.template import loader

    html = loader.get_template("500.html").render()  # what server_error does
    assert "Something went wrong on our side" in html


# --- Secure cookies only over HTTPS (make run's plain-HTTP mode) ------------------------

plain_http = override_settings(
    SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False, JWT_COOKIE_SECURE=False
)


@pytest.mark.django_db
@plain_http
@pytest.mark.parametrize("https", [False, True])
def test_under_make_run_signing_in_sets_secure_cookies_only_over_https(mentor, https):
    client = Client(enforce_csrf_checks=True)
    form = client.get("/login/", secure=https)
    token = form.cookies[settings.CSRF_COOKIE_NAME].value
    assert bool(form.cookies[settings.CSRF_COOKIE_NAME]["secure"]) is https
    response = client.post(
        "/login/",
        {"username": mentor.username, "password": "pw-mentor_ann", "csrfmiddlewaretoken": token},
        secure=https,
        HTTP_REFERER=f"{'https' if https else 'http'}://testserver/login/",
    )
    assert response.status_code == 302
    for name in (settings.JWT_ACCESS_COOKIE, settings.JWT_REFRESH_COOKIE):
        assert bool(response.cookies[name]["secure"]) is https, name
        assert response.cookies[name]["httponly"] is True
    assert client.get("/mentor/dashboard", secure=https).status_code == 200
