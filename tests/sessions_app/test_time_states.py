"""`slots.time_states` (issue #20 point 4): any times (e.g. a request's preferred ones,
not necessarily on the slot grid) as free / taken / outside hours, on the mentor's wall
clock (DST included), with the buffer around sessions; None without weekly hours.
Constant queries."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessions_app.availability.services import add_override, update_availability
from sessions_app.availability.slots import FREE, OUTSIDE_HOURS, TAKEN, time_states
from tests.conftest import make_user
from tests.sessions_app.builders import make_session

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def berlin_mentor(db):
    mentor = make_user("mentor_berlin", "mentor", timezone="Europe/Berlin")
    update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 540, "end": 1020} for d in range(7)],
        buffer_minutes=15,
        min_notice_minutes=0,
    )
    return mentor


def _at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=BERLIN)


def test_it_is_none_without_weekly_hours(mentor):
    assert time_states(mentor, [_at(date(2030, 1, 7), "10:00")], 60) is None


def test_times_off_the_grid_inside_hours_are_free_and_the_buffer_blocks(berlin_mentor):
    day = date.today() + timedelta(days=10)
    make_session(berlin_mentor, starts_at=_at(day, "12:00"), duration_minutes=60)
    times = [
        _at(day, "09:10"),  # off the grid, inside hours
        _at(day, "10:50"),  # ends 11:50, inside the 15-min buffer before 12:00
        _at(day, "13:15"),  # starts right after the buffer: free
        _at(day, "16:30"),  # ends 17:30, past the hours
        _at(day, "07:00"),
    ]
    states = time_states(berlin_mentor, times, 60)
    assert [states[t] for t in times] == [FREE, TAKEN, FREE, OUTSIDE_HOURS, OUTSIDE_HOURS]


def test_a_day_off_override_is_outside_hours(berlin_mentor):
    day = date.today() + timedelta(days=12)
    add_override(berlin_mentor, day=day, available=False)
    assert time_states(berlin_mentor, [_at(day, "10:00")], 60) == {_at(day, "10:00"): OUTSIDE_HOURS}


def test_it_reads_hours_on_the_wall_clock_across_dst(berlin_mentor):
    spring = date(2027, 3, 28)  # Berlin springs forward at 02:00
    autumn = date(2027, 10, 31)
    times = [_at(spring, "09:00"), _at(autumn, "16:00"), _at(autumn, "16:30")]
    states = time_states(berlin_mentor, times, 60)
    assert [states[t] for t in times] == [FREE, FREE, OUTSIDE_HOURS]


def test_it_runs_a_constant_number_of_queries(berlin_mentor, django_assert_max_num_queries):
    day = date.today() + timedelta(days=10)
    times = [_at(day + timedelta(days=n), "10:00") for n in range(5)]
    with django_assert_max_num_queries(4):
        time_states(berlin_mentor, times, 60)
