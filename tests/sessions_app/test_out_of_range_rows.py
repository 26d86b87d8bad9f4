"""Rows stored before dates were bounded (#16): the data migrations bring them back
inside 2000-01-01 … 2100-12-31, so their mentor's tabs render again."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps

from sessions_app.models import Booking, Session
from tests.requests_app.builders import make_request

from .builders import make_booking, make_session

pytestmark = pytest.mark.django_db

FAR = dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)


def _migrate(module: str) -> None:
    import_module(module).forwards(apps, None)


def test_far_future_sessions_are_cancelled_and_pulled_into_range(mentor, learner, mentor_client):
    mentor.timezone = "Asia/Tokyo"  # east of UTC: 9999-12-31T23:30Z has no local time
    mentor.save(update_fields=["timezone"])
    far = make_session(mentor, starts_at=FAR, status=Session.Status.SCHEDULED)
    make_booking(far, learner)
    normal = make_session(mentor, status=Session.Status.SCHEDULED)
    _migrate("sessions_app.migrations.0003_cancel_out_of_range_sessions")
    far.refresh_from_db()
    normal.refresh_from_db()
    assert far.status == Session.Status.CANCELLED and far.starts_at.year == 2100
    assert far.booked_count == 0
    assert Booking.objects.get(session=far).status == Booking.Status.CANCELLED
    assert normal.status == Session.Status.SCHEDULED
    for tab in ("scheduled", "past", "draft"):
        assert mentor_client.get(f"/mentor/dashboard/sessions/{tab}/").status_code == 200


def test_far_request_times_are_pulled_into_range(mentor, learner, mentor_client):
    request = make_request(learner, mentor, status="accepted")
    type(request).objects.filter(pk=request.pk).update(scheduled_at=FAR, last_preferred_at=FAR)
    _migrate("requests_app.migrations.0002_clamp_out_of_range_times")
    request.refresh_from_db()
    assert request.scheduled_at.year == 2100 and request.last_preferred_at.year == 2100
    assert mentor_client.get("/mentor/dashboard/requests/").status_code == 200
