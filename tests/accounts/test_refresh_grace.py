"""Refresh rotation with a grace window: tabs refreshing at once stay signed in;
a reuse after the window is theft and revokes the whole family."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import RefreshRotation
from accounts.tokens import prune_rotations
from tests.accounts.test_auth import age_rotations
from tests.conftest import jwt_client

pytestmark = pytest.mark.django_db

AFTER_GRACE = settings.JWT_REFRESH_GRACE_SECONDS + 1


def refresh_api(token: str):
    return APIClient().post("/api/token/refresh/", {"refresh": token})


def page_with_refresh(token: str):
    client = Client()
    client.cookies[settings.JWT_REFRESH_COOKIE] = token
    return client.get("/mentor/dashboard")


def test_a_token_reused_inside_the_window_yields_the_same_pair(mentor):
    token = str(RefreshToken.for_user(mentor))
    first = refresh_api(token)
    again = refresh_api(token)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    # One exchange happened: one rotation, one new outstanding token.
    assert RefreshRotation.objects.count() == 1
    assert OutstandingToken.objects.filter(user=mentor).count() == 2


def test_the_cookie_path_and_the_api_share_the_window(mentor):
    token = str(RefreshToken.for_user(mentor))
    page = page_with_refresh(token)
    assert page.status_code == 200
    api = refresh_api(token)
    assert api.status_code == 200
    assert api.json()["refresh"] == page.cookies[settings.JWT_REFRESH_COOKIE].value
    assert api.json()["access"] == page.cookies[settings.JWT_ACCESS_COOKIE].value


def test_a_reuse_after_the_window_revokes_the_whole_family(mentor):
    stolen = str(RefreshToken.for_user(mentor))
    other_device = str(RefreshToken.for_user(mentor))  # another sign-in: another family
    t1 = refresh_api(stolen).json()["refresh"]
    t2 = refresh_api(t1).json()["refresh"]  # the owner keeps using the site
    age_rotations(AFTER_GRACE)

    assert refresh_api(stolen).status_code == 401
    # The owner's current token died with it (on both paths) …
    assert refresh_api(t2).status_code == 401
    page = page_with_refresh(t2)
    assert page.status_code == 302
    assert page.cookies[settings.JWT_REFRESH_COOKIE].value == ""
    assert BlacklistedToken.objects.filter(
        token__jti=RefreshToken(t2, verify=False)["jti"]
    ).exists()
    # … but the user's other sign-in is untouched.
    assert refresh_api(other_device).status_code == 200


def test_a_reuse_after_the_window_on_the_cookie_path_is_theft_too(mentor):
    stolen = str(RefreshToken.for_user(mentor))
    current = page_with_refresh(stolen).cookies[settings.JWT_REFRESH_COOKIE].value
    age_rotations(AFTER_GRACE)
    assert page_with_refresh(stolen).status_code == 302
    assert refresh_api(current).status_code == 401


def test_the_window_does_not_undo_a_sign_out(mentor):
    client = jwt_client(mentor)
    old = client.cookies[settings.JWT_REFRESH_COOKIE].value
    del client.cookies[settings.JWT_ACCESS_COOKIE]
    assert client.get("/mentor/dashboard").status_code == 200  # rotated: old → new
    assert client.post("/logout/").status_code == 302  # revokes the new one
    # A tab still holding the old token, inside the window: signed out too.
    assert refresh_api(old).status_code == 401
    assert page_with_refresh(old).status_code == 302


def test_the_window_does_not_serve_a_deactivated_user(mentor):
    token = str(RefreshToken.for_user(mentor))
    assert refresh_api(token).status_code == 200
    mentor.is_active = False
    mentor.save()
    assert refresh_api(token).status_code == 401


def test_pruning_forgets_rotations_whose_old_token_expired(mentor):
    refresh_api(str(RefreshToken.for_user(mentor)))
    refresh_api(str(RefreshToken.for_user(mentor)))
    RefreshRotation.objects.filter(pk=RefreshRotation.objects.first().pk).update(
        created_at=timezone.now() - settings.REFRESH_TOKEN_LIFETIME - timedelta(minutes=1)
    )
    assert prune_rotations() == 1
    assert RefreshRotation.objects.count() == 1
