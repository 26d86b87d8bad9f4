"""Demo data (issue 22, point 6): every demo account is verified and seed_demo sends nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit callbacks really run
DEMO = ["mentor", "mentor2", "learner", "learner2", "admin"]


def test_seed_demo_makes_verified_accounts_and_sends_no_email(settings, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert set(User.objects.filter(username__in=DEMO).values_list("email_verified", flat=True)) == {
        True
    }
    assert mailoutbox == []
    answer = Client().post("/login/", {"username": "learner", "password": settings.DEMO_PASSWORD})
    assert answer.status_code == 302


def test_seeding_again_verifies_a_demo_account_left_unverified(settings, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    User.objects.filter(username="learner2").update(email_verified=False)
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.get(username="learner2").email_verified
    assert mailoutbox == []
