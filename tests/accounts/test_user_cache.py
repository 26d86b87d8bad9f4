"""The user from the token without a query per request (accounts/user_cache.py),
while deactivation, a role change and sign-out still take effect at once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens import issue_tokens
from accounts.user_cache import cached_user
from tests.conftest import bearer, jwt_client
from tests.support.server import ROOT

pytestmark = pytest.mark.django_db


def _user_queries(queries) -> list[str]:
    """Queries loading the user (not core.cache reading the owner's data version)."""
    return [
        q["sql"]
        for q in queries
        if 'FROM "accounts_user"' in q["sql"]
        and not q["sql"].startswith('SELECT "accounts_user"."data_version"')
    ]


def test_a_warm_request_does_without_the_user_query(mentor):
    api = bearer(mentor)
    with CaptureQueriesContext(connection) as cold:
        assert api.get("/api/me/").status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert api.get("/api/me/").json()["username"] == mentor.username
    assert len(_user_queries(cold.captured_queries)) == 1
    assert _user_queries(warm.captured_queries) == []
    assert len(warm) == len(cold) - 1


def test_a_page_request_with_the_cookie_does_without_the_user_query(mentor):
    client = jwt_client(mentor)
    client.get("/mentor/dashboard/profile/", HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as warm:
        response = client.get("/mentor/dashboard/profile/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.wsgi_request.user == mentor
    assert _user_queries(warm.captured_queries) == []


def test_a_deactivated_user_is_refused_on_the_next_request(mentor):
    api, pages = bearer(mentor), jwt_client(mentor)
    assert api.get("/api/me/").status_code == 200
    assert pages.get("/mentor/dashboard/profile/").status_code == 200
    mentor.is_active = False
    mentor.save()
    assert api.get("/api/me/").status_code == 401
    response = pages.get("/mentor/dashboard/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_new_role_applies_on_the_next_request(mentor):
    api = bearer(mentor)
    assert api.get("/api/sessions/").status_code == 200
    mentor.role = User.Role.LEARNER
    mentor.save()
    assert api.get("/api/sessions/").status_code == 403


def test_a_signed_out_access_token_is_refused_at_once(mentor):
    refresh, access = issue_tokens(mentor)
    browser = Client()
    browser.cookies[settings.JWT_ACCESS_COOKIE] = str(access)
    browser.cookies[settings.JWT_REFRESH_COOKIE] = str(refresh)
    assert browser.get("/api/me/").status_code == 200
    assert browser.post("/logout/").status_code == 302
    stolen = Client()  # the same access token, presented again after the sign-out
    stolen.cookies[settings.JWT_ACCESS_COOKIE] = str(access)
    response = stolen.get("/mentor/dashboard/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert api.get("/api/me/").status_code == 401
    mentor.refresh_from_db()
    assert mentor.auth_version == 1
    assert bearer(mentor).get("/api/me/").status_code == 200  # signing in again works


def test_the_token_api_issues_tokens_that_survive_an_earlier_sign_out(mentor):
    User.objects.filter(pk=mentor.pk).update(auth_version=3)
    response = APIClient().post(
        "/api/token/", {"username": mentor.username, "password": "pw-mentor_ann"}
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api.get("/api/me/").status_code == 200


def test_each_request_gets_its_own_copy_of_the_cached_user(mentor):
    first = cached_user(mentor.pk)
    first.timezone = "Asia/Tokyo"  # a view changing its request.user without saving
    assert cached_user(mentor.pk).timezone == "Europe/Berlin"
    assert cached_user(mentor.pk) is not cached_user(mentor.pk)


@pytest.mark.django_db(transaction=True)
def test_a_deactivation_in_another_process_is_seen_at_once(mentor):
    assert cached_user(mentor.pk) == mentor
    code = (
        f"from accounts.models import User; u = User.objects.get(pk={mentor.pk}); "
        "u.is_active = False; u.save()"
    )
    s = connection.settings_dict
    url = (
        f"sqlite:///{s['NAME']}"
        if connection.vendor == "sqlite"
        else f"postgres://{s.get('USER') or 'postgres'}@{s.get('HOST') or '127.0.0.1'}:"
        f"{s.get('PORT') or 5432}/{s['NAME']}"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url}
    env["E2E_SERVER"] = "1"  # on the test database itself, like a browser-test server
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); exec({code!r})"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    assert cached_user(mentor.pk) is None


def test_a_verified_access_token_is_still_refused_once_it_has_expired(mentor):
    import time
    from datetime import timedelta

    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts import tokens

    expired = AccessToken.for_user(mentor)
    expired.set_exp(lifetime=timedelta(seconds=-5))
    raw = str(expired)
    # As if this process had checked it while it was still valid.
    tokens._verified[raw] = {**expired.payload, "exp": time.time() - 5}
    with pytest.raises(TokenError):
        tokens.verified_access(raw)
    assert raw not in tokens._verified
    assert tokens.user_from_access(raw) is None


def test_a_tampered_access_token_is_refused_even_when_the_original_was_verified(mentor):
    raw = str(issue_tokens(mentor)[1])
    assert bearer_of(raw).get("/api/me/").status_code == 200
    head, payload, signature = raw.split(".")
    forged = ".".join(
        [head, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")]
    )
    assert bearer_of(forged).get("/api/me/").status_code == 401


def bearer_of(raw: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def test_without_a_working_stamps_store_the_user_is_read_per_request(mentor, settings):
    settings.CACHES = {
        **settings.CACHES,
        "auth": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": "/proc/mentorhub-not-writable",
        },
    }
    api = bearer(mentor)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/me/").status_code == 200
        assert len(_user_queries(queries.captured_queries)) == 1
