"""The mentor's availability page (issue #20 point 1): access, save, errors next to
the fields, atomic saves, date overrides, the preview of free times, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_app.availability import services
from sessions_app.availability.models import Availability, AvailabilityOverride, WeeklyHours
from tests.conftest import jwt_client

pytestmark = pytest.mark.django_db
URL = "/mentor/dashboard/availability/"

WEEK = {
    "day-0-on": "on",
    "day-0-start": ["09:00", "14:00"],
    "day-0-end": ["12:00", "17:00"],
    "day-2-on": "on",
    "day-2-start": "18:00",
    "day-2-end": "21:00",
    # Tuesday typed but switched off: not saved.
    "day-1-start": "09:00",
    "day-1-end": "10:00",
    "buffer_minutes": "15",
    "min_notice_minutes": "60",
    "max_days_ahead": "30",
    "instant_booking": "on",
}


def _weekly(mentor):
    return list(
        WeeklyHours.objects.filter(availability__mentor=mentor).values_list(
            "weekday", "start_minute", "end_minute"
        )
    )


def test_the_route_is_the_contract_one():
    assert reverse("availability_page") == URL


def test_anonymous_goes_to_login_and_a_learner_gets_403(anon_client, learner_client):
    response = anon_client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert learner_client.get(URL).status_code == 403


def test_page_shows_the_zone_the_days_and_is_linked_from_my_sessions(mentor_client):
    page = mentor_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Berlin" in html  # the mentor's zone, by its label
    assert "Europe/Berlin" not in html
    for name in ("Monday", "Sunday", "Weekdays 9–17", "Copy Monday to weekdays", "Instant booking"):
        assert name in html
    assert URL in mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()


def test_htmx_request_gets_only_the_panel(mentor_client):
    page = mentor_client.get(URL, headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert b"<html" not in page.content and b"Weekly hours" in page.content


def test_save_replaces_the_week_and_the_settings(mentor, mentor_client):
    services.update_availability(mentor, weekly=[{"weekday": 5, "start": 600, "end": 660}])
    response = mentor_client.post(URL, WEEK)
    assert response.status_code == 302 and response["Location"].endswith("?saved=week")
    assert _weekly(mentor) == [(0, 540, 720), (0, 840, 1020), (2, 1080, 1260)]
    availability = Availability.objects.get(mentor=mentor)
    assert (availability.buffer_minutes, availability.min_notice_minutes) == (15, 60)
    assert availability.max_days_ahead == 30 and availability.instant_booking
    page = mentor_client.get(response["Location"])
    assert "Availability saved." in page.content.decode()
    assert 'value="14:00"' in page.content.decode()


def test_instant_booking_off_when_unchecked(mentor, mentor_client):
    services.update_availability(mentor, instant_booking=True)
    data = {k: v for k, v in WEEK.items() if k != "instant_booking"}
    assert mentor_client.post(URL, data).status_code == 302
    assert not Availability.objects.get(mentor=mentor).instant_booking


@pytest.mark.parametrize(
    ("change", "error_id", "message"),
    [
        ({"day-0-end": ["08:00", "17:00"]}, "day-0-error", "The end must be after the start."),
        ({"day-0-start": ["09:00", "11:00"]}, "day-0-error", "overlaps"),
        ({"day-2-start": "9am"}, "day-2-error", "Enter a time as HH:MM"),
        ({"buffer_minutes": "999"}, "id_buffer_minutes_error", "Enter a number from 0 to 240."),
        ({"max_days_ahead": "soon"}, "id_max_days_ahead_error", "Enter a whole number."),
        ({"day-2-start": "", "day-2-end": ""}, "day-2-error", "Give the start and end"),
    ],
)
def test_errors_are_next_to_the_field_nothing_is_saved_and_input_is_kept(
    mentor, mentor_client, change, error_id, message
):
    services.update_availability(mentor, weekly=[{"weekday": 4, "start": 600, "end": 660}])
    before = (_weekly(mentor), Availability.objects.filter(mentor=mentor).values().get())
    response = mentor_client.post(URL, {**WEEK, **change})
    assert response.status_code == 422
    html = response.content.decode()
    start = html.index(f'id="{error_id}"')
    assert message in html[start : start + 300]
    assert "Not saved" in html
    assert 'value="18:00"' in html or "day-2-start" in change  # typed values kept
    assert (_weekly(mentor), Availability.objects.filter(mentor=mentor).values().get()) == before


def test_save_is_atomic_when_the_service_refuses(mentor, mentor_client, monkeypatch):
    """A failure after the settings were written rolls the whole save back."""
    services.update_availability(mentor, weekly=[{"weekday": 4, "start": 600, "end": 660}])

    def boom(*args, **kwargs):
        raise services.DomainError("Nope.", field="weekly")

    monkeypatch.setattr(services.WeeklyHours.objects, "bulk_create", boom)
    response = mentor_client.post(URL, WEEK)
    assert response.status_code == 422 and "Nope." in response.content.decode()
    assert _weekly(mentor) == [(4, 600, 660)]
    assert Availability.objects.get(mentor=mentor).buffer_minutes == 0


def _future(days=3):
    return (timezone.now() + timedelta(days=days)).date()


def test_add_and_delete_overrides(mentor, mentor_client):
    add = reverse("availability_override_add")
    day = _future()
    response = mentor_client.post(add, {"date": day.isoformat(), "kind": "off"})
    assert response.status_code == 302
    response = mentor_client.post(
        add,
        {
            "date": (day + timedelta(days=1)).isoformat(),
            "kind": "hours",
            "start": "10:00",
            "end": "12:00",
        },
    )
    assert response.status_code == 302
    rows = list(
        AvailabilityOverride.objects.order_by("date").values_list("available", "start_minute")
    )
    assert rows == [(False, None), (True, 600)]
    page = mentor_client.get(URL).content.decode()
    assert "Day off" in page and "10:00–12:00" in page
    pk = AvailabilityOverride.objects.get(available=False).pk
    response = mentor_client.post(reverse("availability_override_delete", args=[pk]))
    assert response.status_code == 302
    assert AvailabilityOverride.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "error_id", "message"),
    [
        ({"date": "2001-01-01", "kind": "off"}, "id_date_error", ""),
        (
            {"date": "{day}", "kind": "hours", "start": "12:00", "end": "09:00"},
            "id_end_error",
            "after the start",
        ),
        (
            {"date": "{day}", "kind": "hours", "start": "25:00", "end": "09:00"},
            "id_start_error",
            "HH:MM",
        ),
        (
            {"date": "{day}", "kind": "hours", "start": "", "end": "09:00"},
            "id_start_error",
            "start and end",
        ),
    ],
)
def test_override_errors_are_next_to_the_field(mentor_client, data, error_id, message):
    data = {k: v.format(day=_future().isoformat()) for k, v in data.items()}
    response = mentor_client.post(reverse("availability_override_add"), data)
    assert response.status_code == 422
    html = response.content.decode()
    start = html.index(f'id="{error_id}"')
    assert message in html[start : start + 300]
    assert AvailabilityOverride.objects.count() == 0


def test_a_day_off_on_a_date_with_hours_is_refused_at_the_date(mentor, mentor_client):
    day = _future()
    services.add_override(mentor, day=day, available=True, start=600, end=660)
    response = mentor_client.post(
        reverse("availability_override_add"), {"date": day.isoformat(), "kind": "off"}
    )
    assert response.status_code == 422
    assert 'id="id_date_error"' in response.content.decode()


def test_another_mentors_override_cannot_be_deleted(mentor, other_mentor):
    row = services.add_override(mentor, day=_future(), available=False)
    client = jwt_client(other_mentor)
    response = client.post(reverse("availability_override_delete", args=[row.pk]))
    assert response.status_code == 404
    assert AvailabilityOverride.objects.filter(pk=row.pk).exists()


def test_preview_lists_the_next_free_times(mentor, mentor_client):
    services.update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 540, "end": 1020} for d in range(7)],
        min_notice_minutes=0,
    )
    html = mentor_client.get(URL).content.decode()
    section = html[html.index("data-slot-preview") :]
    assert "No free times" not in section
    assert section.count("<li") >= 6


def test_page_query_count_is_constant(mentor, mentor_client, django_assert_max_num_queries):
    services.update_availability(
        mentor, weekly=[{"weekday": d, "start": 540, "end": 1020} for d in range(7)]
    )
    for days in range(3, 9):
        services.add_override(mentor, day=_future(days), available=False)
    with django_assert_max_num_queries(14):
        assert mentor_client.get(URL).status_code == 200
    with django_assert_max_num_queries(20):
        assert mentor_client.post(URL, WEEK).status_code == 302
