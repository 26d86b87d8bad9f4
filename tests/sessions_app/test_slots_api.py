"""Slots from the database (mentor_slots) and /api/mentors/<id>/slots/ (issue #20 point 2)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from sessions_app.availability import messages as msg
from sessions_app.availability.services import add_override, mentor_today, update_availability
from sessions_app.availability.slots import mentor_slots
from sessions_app.models import Session
from tests.conftest import bearer, make_user
from tests.sessions_app.builders import make_session

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2030, 1, 7)
NOW = datetime(2030, 1, 1, tzinfo=UTC)
EVERY_DAY_9_TO_12 = [{"weekday": d, "start": 540, "end": 720} for d in range(7)]


def _open(mentor, **settings):
    settings.setdefault("min_notice_minutes", 0)
    return update_availability(mentor, weekly=EVERY_DAY_9_TO_12, **settings)


def _times(found) -> list[str]:
    return [m.strftime("%H:%M") for m in found]


def _monday(mentor) -> list[str]:
    return _times(mentor_slots(mentor, duration=60, first=MONDAY, last=MONDAY, now=NOW))


def _at(hhmm: str, day: date = MONDAY) -> datetime:
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=BERLIN)


# --- mentor_slots -----------------------------------------------------------------------------


def test_a_mentor_without_availability_has_no_slots(mentor):
    assert _monday(mentor) == []


def test_scheduled_and_live_sessions_block_public_or_private(mentor, other_mentor):
    _open(mentor)
    make_session(mentor, starts_at=_at("09:00"), visibility=Session.Visibility.PRIVATE)
    make_session(mentor, starts_at=_at("10:00"), status=Session.Status.LIVE)
    assert _monday(mentor) == ["11:00"]


def test_drafts_cancelled_and_completed_sessions_and_other_mentors_do_not_block(
    mentor, other_mentor
):
    _open(mentor)
    make_session(mentor, starts_at=_at("09:00"), status=Session.Status.DRAFT)
    make_session(mentor, starts_at=_at("10:00"), status=Session.Status.CANCELLED)
    make_session(mentor, starts_at=_at("11:00"), status=Session.Status.COMPLETED)
    make_session(other_mentor, starts_at=_at("09:00"))
    assert _monday(mentor) == ["09:00", "10:00", "11:00"]


def test_a_long_session_from_the_day_before_widened_by_the_buffer_blocks_the_morning(mentor):
    _open(mentor, buffer_minutes=240)
    # Sunday 23:00 for 8 hours ends Monday 07:00; 4 hours of buffer block until 11:00.
    make_session(mentor, starts_at=_at("23:00", MONDAY - timedelta(days=1)), duration_minutes=480)
    assert _monday(mentor) == ["11:00"]


def test_a_session_ending_where_a_slot_starts_does_not_block_it(mentor):
    _open(mentor)
    make_session(mentor, starts_at=_at("08:00"), duration_minutes=60)
    make_session(mentor, starts_at=_at("12:00"), duration_minutes=60)
    assert _monday(mentor) == ["09:00", "10:00", "11:00"]


def test_overrides_of_the_database_replace_the_days_hours(mentor):
    _open(mentor)
    add_override(mentor, day=mentor_today(mentor) + timedelta(days=2), available=False)
    day = mentor_today(mentor) + timedelta(days=3)
    add_override(mentor, day=day, available=True, start=14 * 60, end=16 * 60)
    first = mentor_today(mentor) + timedelta(days=2)
    found = mentor_slots(mentor, duration=60, first=first, last=day)
    assert [m.astimezone(BERLIN).strftime("%d %H:%M") for m in found] == [
        day.strftime("%d 14:00"),
        day.strftime("%d 15:00"),
    ]


def test_slots_take_four_queries_whatever_the_number_of_sessions(mentor, django_assert_num_queries):
    _open(mentor, buffer_minutes=5, max_days_ahead=730)
    add_override(mentor, day=mentor_today(mentor) + timedelta(days=1), available=False)
    for day in range(40):
        make_session(mentor, starts_at=_at("10:00", MONDAY + timedelta(days=day)))
    last = MONDAY + timedelta(days=61)
    with django_assert_num_queries(4):
        found = mentor_slots(mentor, duration=30, first=MONDAY, last=last, now=NOW)
    # Each 10:00-11:00 session, widened to 09:55-11:05, takes 09:30, 10:00, 10:30, 11:00.
    assert len(found) == 62 * 6 - 40 * 4


# --- /api/mentors/<id>/slots/ ------------------------------------------------------------------


def _url(mentor, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/mentors/{mentor.pk}/slots/" + (f"?{query}" if query else "")


def _days(mentor, first: int, last: int) -> dict:
    today = mentor_today(mentor)
    return {"from": today + timedelta(days=first), "to": today + timedelta(days=last)}


def test_a_learner_gets_the_mentors_free_times_with_offsets_in_the_mentors_zone(mentor):
    _open(mentor)
    tokyo = make_user("learner_kei", User.Role.LEARNER, timezone="Asia/Tokyo")
    window = _days(mentor, 3, 4)
    response = bearer(tokyo).get(_url(mentor, duration=60, **window))
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Europe/Berlin"
    assert len(body["slots"]) == 6
    first = datetime.fromisoformat(body["slots"][0])
    assert first.utcoffset() == first.astimezone(BERLIN).utcoffset()
    assert first.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") == f"{window['from']} 09:00"


def test_slots_default_to_the_profile_duration_and_the_next_two_weeks(mentor, learner_api):
    _open(mentor, min_notice_minutes=0)
    slots = learner_api.get(_url(mentor)).json()["slots"]
    days = {datetime.fromisoformat(s).astimezone(BERLIN).date() for s in slots}
    today = mentor_today(mentor)
    assert max(days) == today + timedelta(days=13)
    assert {datetime.fromisoformat(s).minute for s in slots} == {0}  # 60-minute steps


def test_a_range_of_62_days_is_answered_and_63_is_refused(mentor, learner_api):
    _open(mentor)
    assert learner_api.get(_url(mentor, **_days(mentor, 0, 61))).status_code == 200
    response = learner_api.get(_url(mentor, **_days(mentor, 0, 62)))
    assert response.status_code == 400
    assert response.json() == {"to": [msg.RANGE_TOO_LONG]}


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"from": "2030-02-01", "to": "2030-01-31"}, {"to": [msg.RANGE_BACKWARDS]}),
        ({"duration": "5"}, {"duration": [msg.DURATION_INVALID]}),
        ({"duration": "481"}, {"duration": [msg.DURATION_INVALID]}),
        ({"duration": "thirty"}, {"duration": [msg.DURATION_INVALID]}),
        ({"from": "9999-12-31"}, {"from": ["Enter a date between 2000-01-01 and 2100-12-31."]}),
        ({"to": "2030-1-5"}, {"to": ["Enter a valid date (YYYY-MM-DD)."]}),
    ],
)
def test_bad_slot_queries_are_field_errors(mentor, learner_api, params, errors):
    _open(mentor)
    response = learner_api.get(_url(mentor, **params))
    assert response.status_code == 400
    assert response.json() == errors


def test_slots_of_an_unknown_or_non_mentor_or_inactive_id_are_not_found(
    mentor, learner, learner_api
):
    assert learner_api.get(f"/api/mentors/{mentor.pk + 1000}/slots/").status_code == 404
    assert learner_api.get(_url(learner)).status_code == 404
    User.objects.filter(pk=mentor.pk).update(is_active=False)
    assert learner_api.get(_url(mentor)).status_code == 404


def test_slots_need_a_signed_in_user(mentor, api_client):
    assert api_client.get(_url(mentor)).status_code == 401


def test_the_slots_endpoint_query_count_does_not_grow_with_sessions(
    mentor, learner_api, django_assert_max_num_queries
):
    _open(mentor)
    window = _days(mentor, 1, 62)
    with django_assert_max_num_queries(7):
        small = learner_api.get(_url(mentor, duration=30, **window))
    today = mentor_today(mentor)
    for day in range(1, 61):
        make_session(mentor, starts_at=_at("09:00", today + timedelta(days=day)))
    with django_assert_max_num_queries(7):
        large = learner_api.get(_url(mentor, duration=30, **window))
    assert len(large.json()["slots"]) < len(small.json()["slots"])
