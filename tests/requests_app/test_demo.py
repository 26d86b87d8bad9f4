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


def test_seeding_again_after_the_demo_requests_expired_tops_up_pending_ones(settings):
    users = seed_accounts()
    demo.seed(users)
    mine = SessionRequest.objects.filter(mentor=users["mentor"])
    answered = mine.exclude(status="pending").count()
    mine.filter(status="pending").update(status="expired")  # days later: all times passed

    demo.seed(users)

    assert mine.filter(status="pending").count() >= 3
    assert mine.exclude(status__in=["pending", "expired"]).count() == answered  # not redone
    assert mine.filter(status="accepted").count() == 1
    demo.seed(users)
    assert mine.filter(status="pending").count() == len(demo.MENTOR_REQUESTS)
