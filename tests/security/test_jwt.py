"""JWT attacks on the cookie path (pages) and the Bearer path (API)."""

import base64
import json
from datetime import timedelta

import jwt as pyjwt
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.conftest import jwt_client, make_user

pytestmark = pytest.mark.django_db


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _forged(user, *, key: str | None = None, alg: str = "HS256") -> str:
    """A token with valid-looking claims, signed with the wrong key or not at all."""
    claims = dict(AccessToken.for_user(user).payload)
    if alg == "none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    return pyjwt.encode(claims, key, algorithm=alg)


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["user_id"] = str(int(claims["user_id"]) + 1)  # someone else, same signature
    return f"{header}.{_b64(claims)}.{signature}"


def bad_access_tokens(user) -> dict[str, str]:
    expired = AccessToken.for_user(user)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    good = str(AccessToken.for_user(user))
    return {
        "tampered payload": _tampered(good),
        "tampered signature": good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),
        "alg none": _forged(user, alg="none"),
        "wrong key": _forged(user, key="not-the-secret-key-" + "x" * 40),
        "expired": str(expired),
        "refresh as access": str(RefreshToken.for_user(user)),
    }


def test_bad_access_cookies_send_a_page_to_login(mentor, other_mentor):
    for name, token in bad_access_tokens(mentor).items():
        client = Client()
        client.cookies[settings.JWT_ACCESS_COOKIE] = token
        response = client.get("/mentor/dashboard")
        assert response.status_code == 302, name
        assert response["Location"].startswith("/login/"), name
        # The bad cookie is cleared so the browser stops sending it.
        assert response.cookies[settings.JWT_ACCESS_COOKIE].value == "", name


def test_bad_bearer_tokens_are_401(mentor, other_mentor):
    for name, token in bad_access_tokens(mentor).items():
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api.get("/api/me/").status_code == 401, name


def test_bad_access_cookies_are_401_on_the_api(mentor):
    for name, token in bad_access_tokens(mentor).items():
        client = Client()
        client.cookies[settings.JWT_ACCESS_COOKIE] = token
        assert client.get("/api/me/").status_code == 401, name


def test_forged_refresh_tokens_are_rejected(mentor):
    good = RefreshToken.for_user(mentor)
    expired = RefreshToken.for_user(mentor)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    claims = dict(good.payload)
    bad = {
        "expired": str(expired),
        "wrong key": pyjwt.encode(claims, "wrong-key-" + "y" * 40, algorithm="HS256"),
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "tampered": _tampered(str(good)),
        "access as refresh": str(good.access_token),
    }
    for name, token in bad.items():
        # API refresh
        response = APIClient().post("/api/token/refresh/", {"refresh": token})
        assert response.status_code == 401, name
        # Cookie refresh: the page does not sign anyone in and clears the cookies.
        client = Client()
        client.cookies[settings.JWT_REFRESH_COOKIE] = token
        page = client.get("/mentor/dashboard")
        assert page.status_code == 302, name
        assert page.cookies[settings.JWT_REFRESH_COOKIE].value == "", name


def test_silent_refresh_sets_hardened_cookies(mentor):
    client = Client()
    client.cookies[settings.JWT_REFRESH_COOKIE] = str(RefreshToken.for_user(mentor))
    response = client.get("/mentor/dashboard")
    assert response.status_code == 200
    for name in (settings.JWT_ACCESS_COOKIE, settings.JWT_REFRESH_COOKIE):
        cookie = response.cookies[name]
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
        assert cookie["secure"] is True, name  # tests run with DEBUG off, like production
        assert cookie["path"] == "/", name


@pytest.mark.django_db(transaction=True)
def test_parallel_cookie_refreshes_with_one_token_all_stay_signed_in(race):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("needs an on-disk database")
    user = make_user("cookie_racer", "mentor")
    refresh = str(RefreshToken.for_user(user))

    def attempt(_i):
        client = Client()
        client.cookies[settings.JWT_REFRESH_COOKIE] = refresh
        response = client.get("/mentor/dashboard")
        return (
            response.status_code,
            response.cookies[settings.JWT_REFRESH_COOKIE].value,
            response.cookies[settings.JWT_ACCESS_COOKIE].value,
        )

    results = race(20, attempt)
    # Several tabs refreshing at once: one rotation, every tab gets its pair.
    assert [status for status, *_ in results] == [200] * 20, results
    pairs = {tuple(pair) for _, *pair in results}
    assert len(pairs) == 1 and "" not in next(iter(pairs)), pairs


def test_after_logout_the_refresh_token_is_dead_everywhere(mentor):
    client = jwt_client(mentor)
    refresh = client.cookies[settings.JWT_REFRESH_COOKIE].value
    assert client.post("/logout/").status_code == 302
    # cookie path
    stale = Client()
    stale.cookies[settings.JWT_REFRESH_COOKIE] = refresh
    assert stale.get("/mentor/dashboard").status_code == 302
    # API path
    assert APIClient().post("/api/token/refresh/", {"refresh": refresh}).status_code == 401


def test_inactive_users_tokens_stop_working(mentor):
    client = jwt_client(mentor)
    refresh = client.cookies[settings.JWT_REFRESH_COOKIE].value
    mentor.is_active = False
    mentor.save()
    assert client.get("/mentor/dashboard").status_code == 302
    assert APIClient().post("/api/token/refresh/", {"refresh": refresh}).status_code == 401
