"""/api/availability/ and /api/availability/overrides/ (CONTRACT.md, issue #20 point 1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.availability import messages as msg
from sessions_app.availability.services import mentor_today
from sessions_app.models import Availability, AvailabilityOverride, WeeklyHours
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

URL = "/api/availability/"
OVERRIDES = "/api/availability/overrides/"
WEEK = [
    {"weekday": 0, "start": "09:00", "end": "12:00"},
    {"weekday": 0, "start": "13:00", "end": "17:30"},
    {"weekday": 4, "start": "18:00", "end": "24:00"},
]


def _day(mentor, days: int) -> str:
    return (mentor_today(mentor) + timedelta(days=days)).isoformat()


# --- /api/availability/ ---------------------------------------------------------------------


def test_a_new_mentor_gets_the_defaults_and_their_own_time_zone(mentor_api):
    response = mentor_api.get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "timezone": "Europe/Berlin",
        "weekly": [],
        "buffer_minutes": 0,
        "min_notice_minutes": 120,
        "max_days_ahead": 60,
        "instant_booking": False,
    }
    assert not Availability.objects.exists()  # reading writes nothing


def test_a_mentor_sets_weekly_hours_and_settings(mentor_api, mentor):
    body = {
        "weekly": WEEK,
        "buffer_minutes": 15,
        "min_notice_minutes": 60,
        "max_days_ahead": 30,
        "instant_booking": True,
        "timezone": "Asia/Tokyo",  # read-only: ignored
    }
    response = mentor_api.put(URL, body, format="json")
    assert response.status_code == 200
    assert response.json() == {**body, "timezone": "Europe/Berlin"}
    availability = Availability.objects.get(mentor=mentor)
    assert (availability.buffer_minutes, availability.instant_booking) == (15, True)
    rows = WeeklyHours.objects.filter(availability=availability)
    assert sorted(rows.values_list("weekday", "start_minute", "end_minute")) == [
        (0, 540, 720),
        (0, 780, 1050),
        (4, 1080, 1440),
    ]
    mentor.refresh_from_db()
    assert mentor.timezone == "Europe/Berlin"


def test_put_replaces_the_whole_weekly_list_and_keeps_settings_left_out(mentor_api, mentor):
    mentor_api.put(URL, {"weekly": WEEK, "buffer_minutes": 10}, format="json")
    new = [{"weekday": 2, "start": "08:00", "end": "09:00"}]
    response = mentor_api.put(URL, {"weekly": new}, format="json")
    assert response.json()["weekly"] == new
    assert response.json()["buffer_minutes"] == 10
    assert WeeklyHours.objects.count() == 1
    assert mentor_api.put(URL, {"weekly": []}, format="json").json()["weekly"] == []
    assert not WeeklyHours.objects.exists()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"weekday": 7, "start": "09:00", "end": "10:00"}, "weekday", msg.WEEKDAY_INVALID),
        ({"weekday": -1, "start": "09:00", "end": "10:00"}, "weekday", msg.WEEKDAY_INVALID),
        ({"weekday": 1, "start": "9am", "end": "10:00"}, "start", msg.TIME_INVALID),
        ({"weekday": 1, "start": "09:00", "end": "24:30"}, "end", msg.TIME_INVALID),
        ({"weekday": 1, "start": "09:60", "end": "10:00"}, "start", msg.TIME_INVALID),
        ({"weekday": 1, "start": 540, "end": "10:00"}, "start", msg.TIME_INVALID),
        ({"weekday": 1, "start": "10:00", "end": "10:00"}, "end", msg.END_NOT_AFTER_START),
        ({"weekday": 1, "start": "11:00", "end": "10:00"}, "end", msg.END_NOT_AFTER_START),
        ({"weekday": 1, "start": "24:00", "end": "24:00"}, "start", msg.TIME_INVALID),
    ],
)
def test_a_bad_weekly_range_is_a_field_error_and_stores_nothing(mentor_api, row, field, message):
    response = mentor_api.put(URL, {"weekly": [row]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"weekly": {"0": {field: [message]}}}  # by row index
    assert not WeeklyHours.objects.exists()


def test_overlapping_ranges_on_one_day_are_refused_and_the_old_week_stays(mentor_api):
    mentor_api.put(URL, {"weekly": WEEK}, format="json")
    overlapping = [
        {"weekday": 3, "start": "09:00", "end": "12:00"},
        {"weekday": 3, "start": "11:00", "end": "13:00"},
    ]
    response = mentor_api.put(URL, {"weekly": overlapping}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "weekly": [msg.overlapping("Thursday", "09:00-12:00", "11:00-13:00")]
    }
    assert WeeklyHours.objects.count() == len(WEEK)
    touching = [overlapping[0], {"weekday": 3, "start": "12:00", "end": "13:00"}]
    assert mentor_api.put(URL, {"weekly": touching}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("buffer_minutes", -1, msg.out_of_bounds(0, 240)),
        ("buffer_minutes", 241, msg.out_of_bounds(0, 240)),
        ("min_notice_minutes", 43201, msg.out_of_bounds(0, 43200)),
        ("max_days_ahead", 0, msg.out_of_bounds(1, 730)),
        ("max_days_ahead", 731, msg.out_of_bounds(1, 730)),
        ("max_days_ahead", "lots", msg.NOT_WHOLE),
    ],
)
def test_numbers_out_of_bounds_are_field_errors(mentor_api, field, value, message):
    response = mentor_api.put(URL, {field: value}, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Availability.objects.exists()


def test_availability_is_for_mentors_only(learner_api, api_client):
    assert api_client.get(URL).status_code == 401
    assert learner_api.get(URL).status_code == 403
    assert learner_api.put(URL, {"weekly": []}, format="json").status_code == 403
    assert not Availability.objects.exists()


def test_each_mentor_sees_only_their_own_availability(mentor_api, other_mentor_api):
    mentor_api.put(URL, {"weekly": WEEK, "buffer_minutes": 5}, format="json")
    theirs = other_mentor_api.get(URL).json()
    assert theirs["weekly"] == [] and theirs["buffer_minutes"] == 0


# --- /api/availability/overrides/ -----------------------------------------------------------


def test_a_mentor_adds_a_day_off_and_other_hours_and_lists_them(mentor_api, mentor):
    off = mentor_api.post(OVERRIDES, {"date": _day(mentor, 3), "available": False}, format="json")
    assert off.status_code == 201
    assert off.json() == {
        "id": off.json()["id"],
        "date": _day(mentor, 3),
        "available": False,
        "start": None,
        "end": None,
    }
    for start, end in (("14:00", "16:00"), ("09:00", "10:00")):
        body = {"date": _day(mentor, 5), "available": True, "start": start, "end": end}
        assert mentor_api.post(OVERRIDES, body, format="json").status_code == 201
    listed = mentor_api.get(OVERRIDES).json()
    assert listed["count"] == 3
    assert [(o["date"], o["start"]) for o in listed["results"]] == [
        (_day(mentor, 3), None),
        (_day(mentor, 5), "09:00"),
        (_day(mentor, 5), "14:00"),
    ]
    assert AvailabilityOverride.objects.filter(availability__mentor=mentor).count() == 3


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"available": True, "start": "12:00", "end": "09:00"}, {"end": [msg.END_NOT_AFTER_START]}),
        ({"available": True, "start": "12:00"}, {"end": [msg.RANGE_REQUIRED]}),
        ({"available": True}, {"start": [msg.RANGE_REQUIRED]}),
        ({"available": True, "start": "7", "end": "09:00"}, {"start": [msg.TIME_INVALID]}),
    ],
)
def test_bad_override_hours_are_field_errors(mentor_api, mentor, body, errors):
    response = mentor_api.post(OVERRIDES, {"date": _day(mentor, 2), **body}, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not AvailabilityOverride.objects.exists()


def test_override_dates_in_the_past_or_beyond_two_years_are_refused(mentor_api, mentor):
    for days, message in ((-1, msg.DATE_IN_PAST), (731, msg.DATE_TOO_FAR)):
        body = {"date": _day(mentor, days), "available": False}
        response = mentor_api.post(OVERRIDES, body, format="json")
        assert response.status_code == 400
        assert response.json() == {"date": [message]}
    assert not AvailabilityOverride.objects.exists()


def test_a_date_is_either_a_day_off_or_non_overlapping_hours(mentor_api, mentor):
    day = _day(mentor, 4)
    hours = {"date": day, "available": True, "start": "09:00", "end": "12:00"}
    assert mentor_api.post(OVERRIDES, hours, format="json").status_code == 201
    overlapping = mentor_api.post(
        OVERRIDES, {**hours, "start": "11:00", "end": "13:00"}, format="json"
    )
    assert overlapping.status_code == 400 and "start" in overlapping.json()
    off = mentor_api.post(OVERRIDES, {"date": day, "available": False}, format="json")
    assert off.json() == {"date": [msg.DAY_OFF_HAS_HOURS]}
    other_day = _day(mentor, 6)
    mentor_api.post(OVERRIDES, {"date": other_day, "available": False}, format="json")
    more = mentor_api.post(OVERRIDES, {**hours, "date": other_day}, format="json")
    assert more.json() == {"date": [msg.DAY_OFF_ALREADY]}
    assert AvailabilityOverride.objects.count() == 2


def test_a_mentor_deletes_their_own_override_but_another_mentors_is_not_found(
    mentor_api, other_mentor_api, mentor
):
    created = mentor_api.post(OVERRIDES, {"date": _day(mentor, 3)}, format="json").json()
    url = f"{OVERRIDES}{created['id']}/"
    assert other_mentor_api.delete(url).status_code == 404
    assert other_mentor_api.get(OVERRIDES).json()["count"] == 0
    assert AvailabilityOverride.objects.filter(pk=created["id"]).exists()
    assert mentor_api.delete(url).status_code == 204
    assert not AvailabilityOverride.objects.exists()
    assert mentor_api.delete(url).status_code == 404


def test_overrides_are_for_mentors_only(learner, api_client, mentor):
    day = (timezone.now() + timedelta(days=3)).date().isoformat()
    assert api_client.get(OVERRIDES).status_code == 401
    assert bearer(learner).post(OVERRIDES, {"date": day}, format="json").status_code == 403
    assert not AvailabilityOverride.objects.exists()
