"""seed_demo gives the demo mentors weekly availability (issue #20): Mon–Fri 09–17 in
their own zone, buffer 15, notice 2 h, 30 days ahead; `mentor` books instantly.
Running it again changes nothing, and a mentor's own edits are kept."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from sessions_app.availability.models import Availability, WeeklyHours
from sessions_app.availability.services import update_availability

pytestmark = pytest.mark.django_db


def _seed(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def _state(username):
    availability = Availability.objects.get(mentor__username=username)
    weekly = list(
        WeeklyHours.objects.filter(availability=availability)
        .order_by("weekday")
        .values_list("weekday", "start_minute", "end_minute")
    )
    settings = (
        availability.buffer_minutes,
        availability.min_notice_minutes,
        availability.max_days_ahead,
        availability.instant_booking,
    )
    return weekly, settings


def test_demo_mentors_are_bookable_on_weekdays_and_one_books_instantly(settings, learner_api):
    _seed(settings)
    weekdays = [(d, 540, 1020) for d in range(5)]
    assert _state("mentor") == (weekdays, (15, 120, 30, True))
    assert _state("mentor2") == (weekdays, (15, 120, 30, False))
    mentor = User.objects.get(username="mentor")
    slots = learner_api.get(f"/api/mentors/{mentor.pk}/slots/?duration=60").json()
    assert slots["timezone"] == "Europe/Berlin" and slots["slots"]
    assert all("09:00" <= s[11:16] <= "16:00" for s in slots["slots"])


def test_seeding_again_keeps_the_mentors_own_edits(settings):
    _seed(settings)
    mentor = User.objects.get(username="mentor")
    update_availability(mentor, weekly=[{"weekday": 5, "start": 600, "end": 660}], buffer_minutes=0)
    _seed(settings)
    assert _state("mentor") == ([(5, 600, 660)], (0, 120, 30, True))
    assert Availability.objects.count() == 2
    assert WeeklyHours.objects.filter(availability__mentor__username="mentor2").count() == 5
