"""Login throttling: after the lock-out period a correct login works again."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

WRONG = {"password": "wrong"}


def _lock_page(client, username):
    for _ in range(6):
        client.post("/login/", {"username": username, **WRONG})


def _lock_api(api, username):
    for _ in range(6):
        api.post("/api/token/", {"username": username, **WRONG})


def _age_attempts(minutes: int) -> None:
    """Pretend the failures happened `minutes` ago (axes measures the cool-off from them)."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_page_login_works_again_after_the_cool_off(mentor):
    client = Client()
    _lock_page(client, mentor.username)
    locked = client.post("/login/", {"username": mentor.username, "password": "pw-mentor_ann"})
    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content
    _age_attempts(16)  # AXES_COOLOFF_TIME is 15 minutes
    response = client.post("/login/", {"username": mentor.username, "password": "pw-mentor_ann"})
    assert response.status_code == 302
    assert response["Location"] == "/mentor/dashboard"
    # The count starts again: one more wrong password is an ordinary error, not a lock.
    again = client.post("/login/", {"username": mentor.username, **WRONG})
    assert again.status_code == 400


def test_api_login_works_again_after_the_cool_off(mentor):
    api = APIClient()
    _lock_api(api, mentor.username)
    good = {"username": mentor.username, "password": "pw-mentor_ann"}
    assert api.post("/api/token/", good).status_code == 429
    _age_attempts(16)
    response = api.post("/api/token/", good)
    assert response.status_code == 200
    assert response.json()["access"]


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=30))
def test_still_locked_inside_the_cool_off(mentor):
    client = Client()
    _lock_page(client, mentor.username)
    _age_attempts(16)
    response = client.post("/login/", {"username": mentor.username, "password": "pw-mentor_ann"})
    assert response.status_code == 429


def test_one_accounts_lockout_does_not_lock_another(mentor, other_mentor):
    client = Client()
    _lock_page(client, mentor.username)
    response = client.post(
        "/login/", {"username": other_mentor.username, "password": "pw-mentor_bob"}
    )
    assert response.status_code == 302
