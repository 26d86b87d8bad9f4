"""Requests use availability (issue #20 point 4): where the mentor has weekly hours, the
request form offers their free slots (in the learner's zone, for the chosen duration,
with its price) instead of typed times; typed times stay for mentors without hours.
The Accept dialog puts the learner's preferred times that are still free first
(marked Free), the others after (marked Busy or Outside your hours)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from accounts.models import User
from requests_app.models import SessionRequest
from sessions_app.availability.picker import slots_by_day
from sessions_app.availability.services import mentor_today, update_availability
from tests.conftest import jwt_client, make_user
from tests.sessions_app.builders import make_session

from .builders import make_request

pytestmark = pytest.mark.django_db
EVERY_DAY_9_TO_12 = [{"weekday": d, "start": 540, "end": 720} for d in range(7)]


def _open(mentor, **settings):
    profile = mentor.mentor_profile
    profile.default_price, profile.default_duration_minutes = Decimal("60.00"), 60
    profile.save()
    update_availability(mentor, weekly=EVERY_DAY_9_TO_12, min_notice_minutes=0, **settings)


def _at(mentor, hhmm, days=3):
    day = mentor_today(mentor) + timedelta(days=days)
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=mentor.tzinfo)


def _url(mentor):
    return f"/mentors/{mentor.pk}/request/"


def test_without_weekly_hours_the_form_keeps_typed_times(mentor, learner_client):
    html = learner_client.get(_url(mentor)).content.decode()
    assert 'name="time_1"' in html and 'name="slots"' not in html


def test_with_weekly_hours_the_form_offers_free_slots_in_the_learners_zone(mentor):
    _open(mentor)
    tokyo = make_user("learner_tokyo", User.Role.LEARNER, timezone="Asia/Tokyo")
    busy = _at(mentor, "10:00")
    make_session(mentor, starts_at=busy, duration_minutes=60)
    html = jwt_client(tokyo).get(_url(mentor)).content.decode()
    assert 'name="time_1"' not in html and 'name="slots"' in html
    assert "Tokyo" in html
    free = _at(mentor, "11:00")
    assert f'value="{free.isoformat()}"' in html
    assert f'value="{busy.isoformat()}"' not in html
    # Durations with their price.
    assert "30 min · " in html and "90 min · " in html and "90.00" in html


def test_another_duration_rerenders_only_the_slots(mentor, learner_client):
    _open(mentor)
    response = learner_client.get(_url(mentor), {"duration_minutes": "90"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset id="request-slots"')
    assert "(90 min)" in html
    assert f'value="{_at(mentor, "09:00").isoformat()}"' in html
    assert f'value="{_at(mentor, "10:30").isoformat()}"' in html
    assert f'value="{_at(mentor, "10:00").isoformat()}"' not in html  # 90-min steps


def test_picking_slots_sends_a_request_with_those_times(mentor, learner, learner_client):
    _open(mentor)
    picked = [_at(mentor, "09:00"), _at(mentor, "11:00", days=4)]
    response = learner_client.post(
        _url(mentor),
        {
            "topic": "Slots",
            "duration_minutes": "60",
            "slots": [t.isoformat() for t in picked],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request_obj = SessionRequest.objects.get()
    assert request_obj.preferred_datetimes == picked
    assert request_obj.duration_minutes == 60


def test_a_slot_taken_meanwhile_or_none_picked_is_refused_next_to_the_slots(
    mentor, learner, learner_client
):
    _open(mentor)
    taken = _at(mentor, "09:00")
    make_session(mentor, starts_at=taken, duration_minutes=60)
    response = learner_client.post(
        _url(mentor), {"topic": "Slots", "duration_minutes": "60", "slots": [taken.isoformat()]}
    )
    html = response.content.decode()
    assert response.status_code == 422 and 'id="id_slots_error"' in html
    assert "no longer free" in html
    response = learner_client.post(_url(mentor), {"topic": "Slots", "duration_minutes": "60"})
    assert response.status_code == 422 and "Pick at least one" in response.content.decode()
    assert not SessionRequest.objects.exists()


def test_more_than_five_slots_are_refused(mentor, learner, learner_client):
    _open(mentor)
    by_day = slots_by_day(mentor, learner.tzinfo, 60)
    six = [t.isoformat() for times in by_day.values() for t in times][:6]
    response = learner_client.post(
        _url(mentor), {"topic": "Slots", "duration_minutes": "60", "slots": six}
    )
    assert response.status_code == 422 and "at most 5" in response.content.decode()
    assert not SessionRequest.objects.exists()


def test_accept_puts_still_free_preferred_times_first(mentor, learner, mentor_client):
    _open(mentor)
    outside = _at(mentor, "20:00")
    busy = _at(mentor, "10:00")
    free = _at(mentor, "11:00")
    make_session(mentor, starts_at=busy, duration_minutes=60)
    request_obj = make_request(learner, mentor, times=[outside, busy, free])  # sorted: busy 1st
    html = mentor_client.get(
        f"/mentor/dashboard/requests/{request_obj.pk}/accept/", HTTP_HX_REQUEST="true"
    ).content.decode()
    states = [
        html[i : i + 40].split('"')[1] for i in [m for m in _find_all(html, 'data-time-option="')]
    ]
    assert states == ["free", "busy", "outside"]  # the learner's order among the others
    assert html.index("2nd choice") < html.index("1st choice") < html.index("3rd choice")
    assert "Outside your hours" in html and ">Busy<" in html and ">Free<" in html
    # The free time is selected to begin with.
    assert 'value="1" class="h-4 w-4 shrink-0 accent-indigo-600" checked' in html
    assert "60.00" in html[html.index("data-accept-price") :][:200]


def test_accept_marks_nothing_when_the_mentor_has_no_hours(mentor, learner, mentor_client):
    request_obj = make_request(learner, mentor)
    html = mentor_client.get(
        f"/mentor/dashboard/requests/{request_obj.pk}/accept/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert html.count('data-time-option="unknown"') == 2
    assert html.index("1st choice") < html.index("2nd choice")


def _find_all(text, needle):
    start = text.find(needle)
    while start >= 0:
        yield start + len(needle) - 1
        start = text.find(needle, start + 1)
