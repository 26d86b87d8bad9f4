"""One rule prices a one-to-one of any length (issue #20 point 3): pro rata of the
mentor's default price per default duration, rounded half-up to the cent, Decimal.
The picker offers the standard lengths (30/45/60/90) and the default, within the slot
rules and the mentor's longest range of hours, each with its price."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sessions_app.availability import services
from sessions_app.availability.picker import durations
from sessions_app.availability.pricing import chosen_duration, duration_choices, price_for

pytestmark = pytest.mark.django_db


def _price(mentor, price, minutes):
    profile = mentor.mentor_profile
    profile.default_price, profile.default_duration_minutes = Decimal(price), minutes
    profile.save()


@pytest.mark.parametrize(
    ("price", "default", "duration", "expected"),
    [
        ("60.00", 60, 60, "60.00"),
        ("60.00", 60, 30, "30.00"),
        ("60.00", 60, 90, "90.00"),
        ("60.00", 60, 45, "45.00"),
        ("50.00", 45, 30, "33.33"),  # 33.333… rounds down
        ("50.00", 45, 60, "66.67"),  # 66.666… rounds up
        ("0.01", 60, 30, "0.01"),  # half a cent rounds half-up
        ("0.00", 60, 90, "0.00"),
    ],
)
def test_the_price_is_pro_rata_to_the_cent(mentor, price, default, duration, expected):
    _price(mentor, price, default)
    result = price_for(mentor, duration)
    assert isinstance(result, Decimal) and result == Decimal(expected)
    assert result.as_tuple().exponent == -2


def test_the_choices_are_the_standard_lengths_and_the_default(mentor):
    _price(mentor, "60.00", 50)
    assert [m for m, _p in duration_choices(mentor)] == [30, 45, 50, 60, 90]
    assert dict(duration_choices(mentor))[90] == Decimal("108.00")


def test_lengths_longer_than_the_longest_range_are_not_offered(mentor):
    _price(mentor, "60.00", 60)
    services.update_availability(mentor, weekly=[{"weekday": 0, "start": 540, "end": 600}])
    choices, default = durations(mentor)
    assert [m for m, _p in choices] == [30, 45, 60] and default == 60


def test_no_choices_without_weekly_hours(mentor):
    assert durations(mentor) is None


def test_a_chosen_duration_must_be_one_of_the_choices(mentor):
    choices = duration_choices(mentor)
    assert chosen_duration("30", choices, 60) == 30
    assert chosen_duration("31", choices, 60) == 60
    assert chosen_duration("junk", choices, 60) == 60
    assert chosen_duration(None, choices, 60) == 60


def test_the_picker_shows_each_length_with_its_price_and_switches(mentor, learner_client):
    _price(mentor, "60.00", 60)
    services.update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 540, "end": 720} for d in range(7)],
        min_notice_minutes=0,
    )
    url = reverse("mentor_detail", args=[mentor.pk])
    html = learner_client.get(url).content.decode()
    for minutes, price in ((30, "30.00"), (45, "45.00"), (60, "60.00"), (90, "90.00")):
        chip = html[html.index(f'data-duration="{minutes}"') :][:400]
        assert f"{minutes} min" in chip and price in chip
    assert 'aria-current="true" data-duration="60"' in html
    swapped = learner_client.get(
        reverse("mentor_slot_times", args=[mentor.pk]), {"duration": "90"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'aria-current="true" data-duration="90"' in swapped
    assert "duration=90" in swapped[swapped.index("data-times") :]  # times book 90 minutes
    assert "90.00" in swapped[swapped.index("data-picker-duration") :][:300]
