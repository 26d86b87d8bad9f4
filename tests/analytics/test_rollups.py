"""Monthly rollups (analytics/rollups.py), the all-time learner totals and the
answer times (analytics/responses.py): the same figures as the raw queries,
whatever the zone, and kept current by every kind of write."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import LearnerTotals, MonthRollup, ResponseTime
from analytics.queries import PERIODS, QUERY_BUDGET, _bucket_iso_times, mentor_analytics
from core.localtime import SecondsBetween
from earnings.models import LedgerEntry
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Review, Session
from tests.analytics.builders import ledger, request, session
from tests.conftest import make_user
from tests.support.race import race

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
        if rng.random() < 0.6:
            _random_request(mentor, rng.choice(learners), rng, now)


REQUEST_STATUSES = ["pending", "accepted", "accepted", "declined", "declined", "expired"]


def _random_request(mentor, learner, rng: random.Random, now) -> SessionRequest:
    """Answered after random minutes (ties included), preferred times near local turns."""
    status = rng.choice(REQUEST_STATUSES)
    created = _moment(rng, mentor.tzinfo, now)
    answered = None
    if status != "pending" and rng.random() < 0.9:
        answered = dt.timedelta(minutes=rng.choice([5, 5, 30, 61, 90, 1440]) + rng.random())
    preferred = [created + dt.timedelta(hours=rng.randint(1, 24 * 60)) for _ in range(2)]
    r = request(
        mentor, learner, status, created_at=created, answered_after=answered, preferred=preferred
    )
    if rng.random() < 0.1:  # what the parser skips: text that is no time, a non-list
        SessionRequest.objects.filter(pk=r.pk).update(
            preferred_times=rng.choice([["not a time", "2026-01-01T10:00"], {"a": 1}])
        )
    return r


def _assert_response_rows_match() -> None:
    """ResponseTime holds exactly the answered requests, with the raw SQL's seconds."""
    expected = {
        (pk, mentor, created, took)
        for pk, mentor, created, took in SessionRequest.objects.filter(
            status__in=["accepted", "declined"], answered_at__isnull=False
        )
        .annotate(took=SecondsBetween("answered_at", "created_at"))
        .values_list("pk", "mentor_id", "created_at", "took")
    }
    stored = set(
        ResponseTime.objects.values_list("request_id", "mentor_id", "created_at", "seconds")
    )
    assert stored == expected


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
    _assert_response_rows_match()
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
    assert LearnerTotals.objects.filter(mentor=mentor, tz=zone).exists()
    assert ResponseTime.objects.filter(mentor_id=mentor.pk).count() >= 3


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


def test_cold_view_queries_do_not_grow_with_the_data_in_any_period(learners):
    small = make_user("roll_small", "mentor", timezone="America/New_York")
    large = make_user("roll_large", "mentor", timezone="America/New_York")
    _random_history(small, learners, random.Random(3), n_sessions=5)
    _random_history(large, learners, random.Random(4), n_sessions=80)
    for period in PERIODS:
        counts = []
        for mentor in (small, large):
            mentor_analytics(mentor, period)  # builds the months (and the all-time totals)
            mentor_analytics(mentor, period)
            ledger(mentor, "1.00")  # a write into the current month: the next view is cold
            with CaptureQueriesContext(connection) as ctx:
                mentor_analytics(mentor, period)
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1] <= QUERY_BUDGET, period


def test_learner_totals_merge_with_the_current_month_and_follow_past_writes(learners):
    mentor = make_user("roll_mentor", "mentor", timezone="Asia/Kathmandu")
    a, b, c, d = learners[:4]
    now = timezone.now()
    old = session(mentor, now - dt.timedelta(days=70))
    older = session(mentor, now - dt.timedelta(days=200))
    Booking.objects.create(session=old, learner=a, status=Booking.Status.ATTENDED)
    Booking.objects.create(session=older, learner=c, status=Booking.Status.NO_SHOW)
    Booking.objects.create(session=older, learner=d, status=Booking.Status.ATTENDED)
    Booking.objects.create(session=old, learner=d, status=Booking.Status.ATTENDED)
    current = session(mentor, now - dt.timedelta(minutes=5))  # this month: read from the rows
    Booking.objects.create(session=current, learner=a, status=Booking.Status.ATTENDED)
    Booking.objects.create(session=current, learner=b, status=Booking.Status.ATTENDED)
    _assert_same(mentor, ["all"])
    totals = LearnerTotals.objects.get(mentor=mentor)
    data = mentor_analytics(mentor, "all")
    # a: 1 stored + 1 raw → repeat; b: raw only; c: no-show only; d: 2 stored
    assert (data.total_students, data.repeat_learners, data.attended, data.no_shows) == (
        3,
        2,
        5,
        1,
    )
    # A write into a stored month: other key, the totals are rebuilt, same as the rows.
    Booking.objects.create(session=older, learner=b, status=Booking.Status.ATTENDED)
    _assert_same(mentor, ["all"])
    assert LearnerTotals.objects.get(mentor=mentor).key != totals.key
    assert mentor_analytics(mentor, "all").repeat_learners == 3


def test_each_kind_of_write_to_a_request_is_seen(learners):
    mentor = make_user("roll_mentor", "mentor", timezone="Australia/Lord_Howe")
    rng = random.Random(11)
    _random_history(mentor, learners, rng, n_sessions=10)
    reqs = [_random_request(mentor, rng.choice(learners), rng, timezone.now()) for _ in range(12)]
    _assert_same(mentor, ["all", "90d"])
    r = reqs[0]
    r.status, r.answered_at = SessionRequest.Status.DECLINED, r.created_at + dt.timedelta(hours=3)
    r.save()  # save()
    _assert_same(mentor, ["all", "90d"])
    r.save(update_fields=["topic"])  # a field no figure reads
    SessionRequest.objects.filter(pk__in=[x.pk for x in reqs[1:6]]).update(
        status=SessionRequest.Status.EXPIRED, answered_at=timezone.now()
    )  # update(), as the expiry job does
    _assert_same(mentor, ["all", "90d"])
    SessionRequest.objects.filter(pk=reqs[6].pk).update(
        status=SessionRequest.Status.ACCEPTED, answered_at=reqs[6].created_at
    )  # answered at once: 0 s
    SessionRequest.objects.filter(pk__in=[x.pk for x in reqs[6:9]]).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )  # the answer time and the period it counts in change
    _assert_same(mentor, ["all", "90d"])
    made = SessionRequest.objects.bulk_create(
        [
            SessionRequest(
                mentor=mentor,
                learner=learners[0],
                topic="bulk",
                status="accepted",
                answered_at=timezone.now() + dt.timedelta(minutes=i),
                preferred_times=[],
            )
            for i in range(3)
        ]
    )
    _assert_same(mentor, ["all", "90d"])
    made[0].delete()
    SessionRequest.objects.filter(pk=reqs[1].pk).delete()
    learners[5].delete()  # their requests go with them
    _assert_same(mentor, ["all", "90d"])


def test_unmet_times_read_as_one_text_are_the_newest_lists_bucketed(learners, monkeypatch):
    from analytics import queries

    mentor = make_user("roll_mentor", "mentor", timezone="Asia/Kolkata")
    rng = random.Random(5)
    same_moment = timezone.now() - dt.timedelta(days=2)
    for i in range(9):
        status = ["declined", "expired", "accepted"][i % 3]
        preferred = [same_moment + dt.timedelta(minutes=rng.randint(0, 20000)) for _ in range(3)]
        request(mentor, learners[0], status, created_at=same_moment, preferred=preferred)
    monkeypatch.setattr(queries, "UNMET_REQUEST_LIMIT", 4)
    newest = SessionRequest.objects.filter(
        mentor=mentor, status__in=["declined", "expired"]
    ).order_by("-created_at", "-pk")[:4]
    expected = _bucket_iso_times([r.preferred_times for r in newest], mentor.tzinfo)
    assert sum(expected.values()) == 12
    assert mentor_analytics(mentor, "all").unmet == expected
    assert mentor_analytics(mentor, "all", use_rollups=False).unmet == expected


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_to_requests_lose_no_answer_time():
    mentor = make_user("race_roll_mentor", "mentor")
    learner = make_user("race_roll_learner")
    start = timezone.now() - dt.timedelta(days=3)
    reqs = [request(mentor, learner, "pending", created_at=start) for _ in range(6)]

    def answer(i: int):
        # Two writers per request: accept by save(), and an update() of the answer time.
        r = SessionRequest.objects.get(pk=reqs[i // 2].pk)
        if i % 2:
            r.status, r.answered_at = "accepted", start + dt.timedelta(minutes=10 + i)
            r.save()
        else:
            SessionRequest.objects.filter(pk=r.pk).update(
                status="declined", answered_at=start + dt.timedelta(minutes=20 + i)
            )

    for _ in range(2):
        outcomes = race(12, answer)
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        _assert_response_rows_match()
        assert ResponseTime.objects.filter(mentor_id=mentor.pk).count() == 6
    raw = mentor_analytics(mentor, "all", use_rollups=False)
    assert mentor_analytics(mentor, "all").median_response_minutes == (raw.median_response_minutes)
