"""The Scheduled subtab and the Requests tab render the same stamp the socket pushes
(sessions_app.fragments / requests_app.fragments), and load static/js/live_refresh.js;
the stamp changes when a one-to-one is scheduled."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.fragments import requests_version
from sessions_app.fragments import scheduled_version
from sessions_app.services import schedule_private_session

pytestmark = pytest.mark.django_db


def test_the_scheduled_subtab_carries_the_current_stamp(mentor, learner, mentor_client):
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    before = scheduled_version(mentor.pk)
    assert (
        f'data-live-fragment="scheduled_version" data-live-refresh data-version="{before}"' in html
    )
    assert "js/live_refresh" in html
    schedule_private_session(
        mentor,
        learner,
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=60,
        title="1:1",
        price=10,
    )
    after = scheduled_version(mentor.pk)
    assert after != before
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert f'data-version="{after}"' in html and "1:1" in html


def test_other_subtabs_carry_no_stamp(mentor_client):
    html = mentor_client.get("/mentor/dashboard/sessions/draft/").content.decode()
    assert "scheduled_version" not in html


def test_the_requests_tab_carries_the_current_stamp(mentor, mentor_client):
    html = mentor_client.get("/mentor/dashboard/requests/").content.decode()
    version = requests_version(mentor.pk)
    assert (
        f'data-live-fragment="requests_version" data-live-refresh data-version="{version}"' in html
    )
