"""A real Daphne with `make run`'s environment: friendly 404, WhiteNoise static,
and signing in over plain HTTP on loopback."""

import re

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.crypto import get_random_string

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import start_server, stop_server
from tests.mentorhub.make_run import server_env


@pytest.fixture
def make_run_server(transactional_db):
    env = {**server_env("run"), "DJANGO_SETTINGS_MODULE": "mentorhub.settings"}
    assert env["DJANGO_DEBUG"] == "0"
    server = start_server(extra_env=env)
    yield server.url
    stop_server(server)


def _with_production_hasher(user: User, password: str) -> None:
    """The server runs the real settings (PBKDF2), not the tests' fast hasher."""
    encoded = PBKDF2PasswordHasher().encode(password, get_random_string(12))
    User.objects.filter(pk=user.pk).update(password=encoded)


def test_make_run_over_plain_http(make_run_server):
    url = make_run_server
    mentor = make_user("run_mentor", "mentor")
    _with_production_hasher(mentor, "run-password-1")

    missing = requests.get(f"{url}/no/such/page/", timeout=10)
    assert missing.status_code == 404
    assert "Page not found" in missing.text
    assert "URLconf" not in missing.text and "mentor/dashboard" not in missing.text

    css = requests.get(f"{url}/static/css/dist/styles.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")

    browser = requests.Session()
    form = browser.get(f"{url}/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    signed_in = browser.post(
        f"{url}/login/",
        data={"username": "run_mentor", "password": "run-password-1", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{url}/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    cookies = {c.name: c for c in browser.cookies}
    assert {"mh_access", "mh_refresh", "csrftoken"} <= cookies.keys()
    assert not any(c.secure for c in cookies.values())  # http: the browser keeps them
    dashboard = browser.get(f"{url}/mentor/dashboard", allow_redirects=False, timeout=10)
    assert dashboard.status_code == 200
