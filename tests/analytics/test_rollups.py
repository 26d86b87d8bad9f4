"""Monthly rollups (analytics/rollups.py): the same figures as the raw queries,
whatever the zone, and kept current by every kind of write."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import MonthRollup
from analytics.queries import PERIODS, QUERY_BUDGET, mentor_analytics
from earnings.models import LedgerEntry
from sessions_app.models import Booking, Review, Session
from tests.analytics.builders import ledger, session
from tests.conftest import make_user

ZONES = [
    "Asia/Kolkata",  # +05:30
    "Asia/Kathmandu",  # +05:45
    "America/New_York",  # DST
    "Australia/Lord_Howe",  # half-hour DST
    "Europe/Berlin",
    "UTC",
]
STATUSES = [
    Session.Status.COMPLETED,
    Session.Status.COMPLETED,
    Session.Status.COMPLETED,
    Session.Status.SCHEDULED,
    Session.Status.CANCELLED,
]
BOOKING_STATUSES = [
    Booking.Status.ATTENDED,
    Booking.Status.ATTENDED,
    Booking.Status.NO_SHOW,
    Booking.Status.CANCELLED,
    Booking.Status.BOOKED,
]


def _moment(rng: random.Random, tz, now) -> dt.datetime:
    """Random instants over ~14 months, a third of them within minutes of a local month turn."""
    if rng.random() < 0.35:
        local = (now - dt.timedelta(days=rng.randint(0, 420))).astimezone(tz)
        turn = dt.datetime(local.year, local.month, 1, tzinfo=tz)
        return turn.astimezone(dt.UTC) + dt.timedelta(minutes=rng.choice([-61, -31, -1, 0, 1, 29]))
    return now - dt.timedelta(minutes=rng.randint(-20 * 1440, 430 * 1440))


def _random_history(mentor, learners, rng: random.Random, n_sessions: int = 40) -> None:
    now = timezone.now()
    tz = mentor.tzinfo
    for _ in range(n_sessions):
        starts = _moment(rng, tz, now)
        published = starts - dt.timedelta(hours=rng.randint(1, 300))
        s = session(
            mentor,
            starts,
            status=rng.choice(STATUSES),
            duration=rng.choice([30, 45, 60, 90]),
            published_at=published,
            capacity=10,
        )
        for learner in rng.sample(learners, rng.randint(0, 4)):
            b = Booking.objects.create(
                session=s, learner=learner, status=rng.choice(BOOKING_STATUSES)
            )
            made = published + (starts - published) * rng.random() * 1.1
            Booking.objects.filter(pk=b.pk).update(created_at=made)
            if rng.random() < 0.3:
                r = Review.objects.create(
                    session=s, learner=learner, mentor=mentor, rating=rng.randint(1, 5)
                )
                Review.objects.filter(pk=r.pk).update(created_at=_moment(rng, tz, now))
        if rng.random() < 0.7:
            ledger(mentor, f"{rng.randint(1, 9000) / 100:.2f}", created_at=_moment(rng, tz, now))


def _figures(a) -> dict:
    d = a.as_dict()
    d.update(
        popular=dict(a.popular),
        held=dict(a.held),
        students=(a.total_students, a.repeat_learners, a.attended, a.no_shows),
        fill={
            k: (round(v["hours"], 6) if v["hours"] is not None else None, v["count"])
            for k, v in a.fill_hours.items()
        },
        quarters=a.quarters,
        months_truncated=a.months_truncated,
    )
    return d


def _assert_same(mentor, periods=PERIODS) -> None:
    now = timezone.now()
    for period in periods:
        raw = _figures(mentor_analytics(mentor, period, now=now, use_rollups=False))
        first = _figures(mentor_analytics(mentor, period, now=now))  # builds missing months
        stored = _figures(mentor_analytics(mentor, period, now=now))  # reads them
        # All time: the previous view stored the learner totals, this one reads them.
        totals = _figures(mentor_analytics(mentor, period, now=now))
        assert first == raw, period
        assert stored == raw, period
        assert totals == raw, period


@pytest.fixture
def learners(db):
    return [make_user(f"roll_learner_{i}") for i in range(6)]


@pytest.mark.parametrize("zone", ZONES)
def test_rollups_equal_the_raw_queries_on_random_data(zone, learners):
    mentor = make_user("roll_mentor", "mentor", timezone=zone)
    _random_history(mentor, learners, random.Random(zone))
    _assert_same(mentor)
    assert MonthRollup.objects.filter(mentor=mentor, tz=zone).count() >= 12


def _past(days):
    return timezone.now() - dt.timedelta(days=days)


def _built(mentor, learners):
    _random_history(mentor, learners, random.Random(7), n_sessions=25)
    _assert_same(mentor, ["all", "365d"])
    assert MonthRollup.objects.filter(mentor=mentor).exclude(built_seq=-1).exists()


def test_each_kind_of_write_into_a_built_month_is_seen(learners):
    mentor = make_user("roll_mentor", "mentor", timezone="Asia/Kolkata")
    _built(mentor, learners)
    old = session(mentor, _past(100), published_at=_past(110))
    _assert_same(mentor, ["all", "365d"])  # save()
    b = Booking.objects.create(session=old, learner=learners[0], status=Booking.Status.ATTENDED)
    _assert_same(mentor, ["all"])  # a booking's save()
    Booking.objects.filter(pk=b.pk).update(status=Booking.Status.NO_SHOW)
    _assert_same(mentor, ["all"])  # update() of a status
    Session.objects.filter(pk=old.pk).update(status=Session.Status.CANCELLED)
    _assert_same(mentor, ["all"])
    old.refresh_from_db()
    old.starts_at = _past(200)  # rescheduled by save(): both months change
    old.status = Session.Status.COMPLETED
    old.save()
    _assert_same(mentor, ["all", "365d"])
    Session.objects.filter(pk=old.pk).update(starts_at=_past(300))  # update() of the month
    _assert_same(mentor, ["all"])
    Booking.objects.bulk_create(
        [Booking(session=old, learner=learner, status="attended") for learner in learners[1:4]]
    )
    _assert_same(mentor, ["all"])
    r = Review.objects.create(session=old, learner=learners[1], mentor=mentor, rating=1)
    Review.objects.filter(pk=r.pk).update(created_at=_past(250))
    _assert_same(mentor, ["all"])
    entry = ledger(mentor, "12.34", created_at=_past(150))
    _assert_same(mentor, ["all"])
    LedgerEntry.objects.filter(pk=entry.pk).update(net=Decimal("99.99"))
    _assert_same(mentor, ["all"])
    entry.delete()
    r.delete()
    _assert_same(mentor, ["all"])
    old.delete()  # its bookings go with it
    _assert_same(mentor, ["all", "365d"])


def test_a_zone_change_rebuilds_and_a_write_meanwhile_is_not_lost(learners):
    mentor = make_user("roll_mentor", "mentor", timezone="Europe/Berlin")
    _built(mentor, learners)
    mentor.timezone = "Asia/Kolkata"
    mentor.save()
    _assert_same(mentor, ["all"])
    assert set(MonthRollup.objects.filter(mentor=mentor).values_list("tz", flat=True)) == {
        "Asia/Kolkata"
    }
    # Built in Kolkata; a write while in New York (not read there), then back.
    mentor.timezone = "America/New_York"
    mentor.save()
    ledger(mentor, "50.00", created_at=_past(120))
    mentor.timezone = "Asia/Kolkata"
    mentor.save()
    _assert_same(mentor, ["all"])


def _cold_count(mentor) -> int:
    ledger(mentor, "1.00")  # a write: the first view after it is cold
    with CaptureQueriesContext(connection) as ctx:
        mentor_analytics(mentor, "all")
    return len(ctx.captured_queries)


def test_the_cold_view_after_a_write_runs_the_same_queries_for_more_data(learners):
    small = make_user("roll_small", "mentor", timezone="Asia/Kolkata")
    large = make_user("roll_large", "mentor", timezone="Asia/Kolkata")
    _random_history(small, learners, random.Random(1), n_sessions=5)
    _random_history(large, learners, random.Random(2), n_sessions=80)
    for mentor in (small, large):
        mentor_analytics(mentor, "all")  # the complete months get built once
        mentor_analytics(mentor, "all")  # and the all-time learner totals
    # Both histories span the same months (at most 430 days back).
    assert _cold_count(small) == _cold_count(large) <= QUERY_BUDGET
