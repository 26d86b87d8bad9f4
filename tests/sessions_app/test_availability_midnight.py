"""A range ending at midnight (issue #20, weekly-hours editor): `<input type=time>`
can't hold "24:00", so the page takes an end of 00:00 as the end of the day, shows a
saved 24:00 as 00:00 (re-saving keeps it), and the API takes and answers "24:00"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from sessions_app.availability import services
from sessions_app.availability.models import AvailabilityOverride, WeeklyHours

pytestmark = pytest.mark.django_db
URL = "/mentor/dashboard/availability/"
SETTINGS = {"buffer_minutes": "0", "min_notice_minutes": "0", "max_days_ahead": "30"}


def _weekly(mentor):
    return list(
        WeeklyHours.objects.filter(availability__mentor=mentor).values_list(
            "weekday", "start_minute", "end_minute"
        )
    )


def test_an_end_of_00_00_on_the_page_is_saved_as_midnight(mentor, mentor_client):
    data = {"day-4-on": "on", "day-4-start": "18:00", "day-4-end": "00:00", **SETTINGS}
    assert mentor_client.post(URL, data).status_code == 302
    assert _weekly(mentor) == [(4, 18 * 60, 1440)]


def test_a_saved_midnight_end_shows_as_00_00_and_survives_a_resave(mentor, mentor_client):
    services.update_availability(mentor, weekly=[{"weekday": 0, "start": 1200, "end": 1440}])
    html = mentor_client.get(URL).content.decode()
    assert 'name="day-0-end" value="00:00"' in html
    assert 'name="day-0-end" value="24:00"' not in html  # a time input would show it empty
    assert "set the end to 00:00" in html
    resave = {"day-0-on": "on", "day-0-start": "20:00", "day-0-end": "00:00", **SETTINGS}
    assert mentor_client.post(URL, resave).status_code == 302
    assert _weekly(mentor) == [(0, 1200, 1440)]


def test_a_whole_day_is_00_00_to_00_00(mentor, mentor_client):
    data = {"day-6-on": "on", "day-6-start": "00:00", "day-6-end": "00:00", **SETTINGS}
    assert mentor_client.post(URL, data).status_code == 302
    assert _weekly(mentor) == [(6, 0, 1440)]


def test_an_override_can_end_at_midnight(mentor, mentor_client):
    day = services.mentor_today(mentor) + timedelta(days=3)
    data = {"date": day.isoformat(), "kind": "hours", "start": "19:00", "end": "00:00"}
    response = mentor_client.post(reverse("availability_override_add"), data)
    assert response.status_code in (200, 302)
    row = AvailabilityOverride.objects.get()
    assert (row.start_minute, row.end_minute) == (19 * 60, 1440)
    assert "19:00–24:00" in mentor_client.get(URL).content.decode()


def test_the_api_takes_and_answers_24_00(mentor, mentor_api):
    body = {
        "weekly": [{"weekday": 2, "start": "22:00", "end": "24:00"}],
        "buffer_minutes": 0,
        "min_notice_minutes": 0,
        "max_days_ahead": 30,
        "instant_booking": False,
    }
    response = mentor_api.put("/api/availability/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["weekly"] == [{"weekday": 2, "start": "22:00", "end": "24:00"}]
    assert _weekly(mentor) == [(2, 22 * 60, 1440)]
    bad = {**body, "weekly": [{"weekday": 2, "start": "22:00", "end": "24:30"}]}
    assert mentor_api.put("/api/availability/", bad, format="json").status_code == 400


def test_a_midnight_end_gives_the_last_slot_of_the_evening(mentor):
    from sessions_app.availability.slots import mentor_slots

    services.update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 23 * 60, "end": 1440} for d in range(7)],
        min_notice_minutes=0,
    )
    day = services.mentor_today(mentor) + timedelta(days=2)
    slots = mentor_slots(mentor, duration=60, first=day, last=day)
    assert [s.strftime("%H:%M") for s in slots] == ["23:00"]
