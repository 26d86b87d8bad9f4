"""Builders for request tests."""

from datetime import timedelta

from django.utils import timezone

from requests_app.models import SessionRequest


def future(hours: float = 24, *, minute: int = 0):
    """A whole-minute UTC time `hours` from now."""
    when = timezone.now() + timedelta(hours=hours)
    return when.replace(minute=minute, second=0, microsecond=0)


def make_request(learner, mentor, *, times=None, status="pending", topic="Help with Django", **kw):
    times = sorted(times or [future(24), future(48)])
    return SessionRequest.objects.create(
        learner=learner,
        mentor=mentor,
        topic=topic,
        message=kw.pop("message", "Please help me."),
        preferred_times=[t.isoformat() for t in times],
        last_preferred_at=times[-1],
        duration_minutes=kw.pop("duration_minutes", 60),
        status=status,
        **kw,
    )
