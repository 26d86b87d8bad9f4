"""core.jobs.claim_each: one transaction per row, a failing row never starves the others."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.jobs import claim_each
from notifications.models import Notification
from sessions_app.models import Session
from sessions_app.services import jobs as session_jobs
from sessions_app.services import notices
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db(transaction=True)


def _due(mentor, n):
    soon = timezone.now() + timedelta(minutes=3)
    return [
        make_session(mentor, title=f"S{i}", starts_at=soon, status=Session.Status.SCHEDULED)
        for i in range(n)
    ]


def test_a_failing_row_is_rolled_back_alone_and_stays_claimable(mentor):
    sessions = _due(mentor, 3)
    broken = sessions[1].pk

    def act(session):
        if session.pk == broken:
            raise RuntimeError("boom")

    def claim(rows):
        return rows.filter(reminder_sent_at__isnull=True).update(reminder_sent_at=timezone.now())

    done = claim_each(Session.objects.order_by("pk"), act, claim=claim, label="test")
    assert done == 2
    claimed = dict(Session.objects.values_list("pk", "reminder_sent_at"))
    assert claimed[broken] is None  # rolled back: the next pass tries it again
    assert all(claimed[s.pk] for s in sessions if s.pk != broken)


def test_a_lost_claim_is_skipped(mentor):
    (session,) = _due(mentor, 1)
    acted = []
    done = claim_each(Session.objects.all(), acted.append, claim=lambda rows: 0, label="test")
    assert done == 0 and acted == []


def test_one_failing_reminder_does_not_starve_the_others(mentor, learner, monkeypatch):
    """Regression: send_session_reminders aborted the whole pass on one failing row."""
    sessions = _due(mentor, 3)
    for s in sessions:
        make_booking(s, learner)
    real = notices.reminders

    def flaky(session, learners, minutes):
        if session.pk == sessions[0].pk:
            raise RuntimeError("mail server down")
        return real(session, learners, minutes)

    monkeypatch.setattr(notices, "reminders", flaky)
    assert session_jobs.send_session_reminders() == 2
    reminded = set(
        Session.objects.filter(reminder_sent_at__isnull=False).values_list("pk", flat=True)
    )
    assert reminded == {sessions[1].pk, sessions[2].pk}
    assert Notification.objects.filter(user=learner).count() == 2
