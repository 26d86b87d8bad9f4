"""Sign-in with JWT cookies, silent refresh, logout, throttling, the token API."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import RefreshRotation
from tests.conftest import jwt_client, make_user

pytestmark = pytest.mark.django_db


def login(client, username, password, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def test_it_signs_in_a_mentor_and_sets_httponly_cookies(mentor):
    client = Client()
    response = login(client, mentor.username, "pw-mentor_ann")
    assert response.status_code == 302
    assert response["Location"] == "/mentor/dashboard"
    for name in (settings.JWT_ACCESS_COOKIE, settings.JWT_REFRESH_COOKIE):
        cookie = response.cookies[name]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["secure"] is True  # DEBUG off → Secure
    assert client.get("/mentor/dashboard").status_code == 200


def test_it_sends_a_learner_home(learner):
    response = login(Client(), learner.username, "pw-learner_lea")
    assert response["Location"] == "/"


def test_it_honours_next_but_not_an_open_redirect(mentor):
    response = login(Client(), mentor.username, "pw-mentor_ann", "/mentor/dashboard/earnings/")
    assert response["Location"] == "/mentor/dashboard/earnings/"
    response = login(Client(), mentor.username, "pw-mentor_ann", "https://evil.example/")
    assert response["Location"] == "/mentor/dashboard"
    response = login(Client(), mentor.username, "pw-mentor_ann", "//evil.example/x")
    assert response["Location"] == "/mentor/dashboard"


def test_it_shows_an_error_for_a_wrong_password(mentor):
    response = login(Client(), mentor.username, "nope")
    assert response.status_code == 400
    assert b"Wrong username or password." in response.content
    assert settings.JWT_ACCESS_COOKIE not in response.cookies


def test_it_shows_field_errors_for_empty_fields(db):
    response = Client().post("/login/", {"username": "", "password": ""})
    assert response.status_code == 400
    assert response.content.count(b"This field is required.") == 2


def test_it_refreshes_an_expired_access_cookie_silently(mentor):
    client = jwt_client(mentor)
    expired = AccessToken.for_user(mentor)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    client.cookies[settings.JWT_ACCESS_COOKIE] = str(expired)
    old_refresh = client.cookies[settings.JWT_REFRESH_COOKIE].value
    response = client.get("/mentor/dashboard")
    assert response.status_code == 200
    new_refresh = response.cookies[settings.JWT_REFRESH_COOKIE].value
    assert new_refresh != old_refresh
    assert response.cookies[settings.JWT_ACCESS_COOKIE].value
    # The old refresh token was consumed by the rotation (once its grace window is over).
    age_rotations(settings.JWT_REFRESH_GRACE_SECONDS + 1)
    stale = Client()
    stale.cookies[settings.JWT_REFRESH_COOKIE] = old_refresh
    assert stale.get("/mentor/dashboard").status_code == 302


def age_rotations(seconds: int) -> None:
    """Pretend every refresh rotation happened `seconds` ago."""
    RefreshRotation.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_it_rejects_a_tampered_access_cookie(mentor):
    client = Client()
    token = str(AccessToken.for_user(mentor))
    client.cookies[settings.JWT_ACCESS_COOKIE] = token[:-3] + (
        "AAA" if token[-3:] != "AAA" else "BBB"
    )
    response = client.get("/mentor/dashboard")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_logout_blacklists_the_refresh_token(mentor):
    client = jwt_client(mentor)
    refresh = client.cookies[settings.JWT_REFRESH_COOKIE].value
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response.cookies[settings.JWT_ACCESS_COOKIE].value == ""
    api = APIClient()
    assert api.post("/api/token/refresh/", {"refresh": refresh}).status_code == 401


def test_logout_requires_post_with_csrf(mentor):
    client = jwt_client(mentor, enforce_csrf=True)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 403


def test_login_is_locked_after_five_failures(mentor):
    client = Client()
    for _ in range(5):
        assert login(client, mentor.username, "wrong").status_code == 400
    sixth = login(client, mentor.username, "wrong")
    assert sixth.status_code == 429
    assert b"Too many failed sign-in attempts" in sixth.content
    # Even the right password is refused while locked out.
    assert login(client, mentor.username, "pw-mentor_ann").status_code == 429


def test_token_endpoint_is_locked_after_five_failures(mentor):
    api = APIClient()
    for _ in range(5):
        assert (
            api.post("/api/token/", {"username": mentor.username, "password": "x"}).status_code
            == 401
        )
    assert (
        api.post("/api/token/", {"username": mentor.username, "password": "x"}).status_code == 429
    )
    response = api.post("/api/token/", {"username": mentor.username, "password": "pw-mentor_ann"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]


def test_token_pair_and_bearer_auth(mentor):
    api = APIClient()
    response = api.post("/api/token/", {"username": mentor.username, "password": "pw-mentor_ann"})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    me = api.get("/api/me/").json()
    assert me == {
        "id": mentor.pk,
        "username": "mentor_ann",
        "role": "mentor",
        "display_name": "Mentor_Ann",
        "timezone": "Europe/Berlin",
    }


def test_api_without_token_is_401(db):
    assert APIClient().get("/api/me/").status_code == 401


def test_api_with_bad_bearer_is_401(mentor):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api.get("/api/me/").status_code == 401


def test_refresh_rotates_and_old_token_is_rejected(mentor):
    api = APIClient()
    refresh = str(RefreshToken.for_user(mentor))
    first = api.post("/api/token/refresh/", {"refresh": refresh})
    assert first.status_code == 200
    assert first.json()["refresh"] != refresh
    age_rotations(settings.JWT_REFRESH_GRACE_SECONDS + 1)
    assert api.post("/api/token/refresh/", {"refresh": refresh}).status_code == 401


def test_cookie_authenticated_api_writes_need_csrf(mentor):
    client = jwt_client(mentor, enforce_csrf=True)
    assert client.get("/api/me/").status_code == 200  # safe method, no token needed
    response = client.post("/api/me/")  # CSRF is checked before the method
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_parallel_refreshes_with_one_token_all_get_the_same_pair(race):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("needs an on-disk database")
    user = make_user("racer", "mentor")
    refresh = str(RefreshToken.for_user(user))

    def attempt(_i):
        response = APIClient().post("/api/token/refresh/", {"refresh": refresh})
        return response.status_code, response.json()

    results = race(20, attempt)
    assert [status for status, _ in results] == [200] * 20, results
    pairs = {(body["refresh"], body["access"]) for _, body in results}
    assert len(pairs) == 1  # one rotation; the racers got its pair
    assert RefreshRotation.objects.count() == 1
