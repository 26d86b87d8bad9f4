"""Demo data: `mentor` has pending and answered requests, `mentor2` its own; idempotent."""

import pytest

from accounts.demo import seed_accounts
from requests_app import demo
from requests_app.models import SessionRequest

pytestmark = pytest.mark.django_db


def test_the_demo_requests_are_created_once(settings):
    users = seed_accounts()
    demo.seed(users)
    demo.seed(users)
    mine = SessionRequest.objects.filter(mentor=users["mentor"])
    assert mine.filter(status="pending").count() >= 3
    assert {"learner", "learner2"} <= set(
        mine.filter(status="pending").values_list("learner__username", flat=True)
    )
    assert mine.filter(status="accepted", session__isnull=False).count() == 1
    assert mine.filter(status="declined").exists()
    theirs = SessionRequest.objects.filter(mentor=users["mentor2"])
    assert theirs.filter(status="pending").exists()
    assert mine.count() + theirs.count() == SessionRequest.objects.count()
    for r in mine.filter(status="pending"):
        assert r.last_preferred_at == max(r.preferred_datetimes)
