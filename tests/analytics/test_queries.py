"""Each figure of mentor_analytics() against data built with known answers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.insights import build_insights
from analytics.queries import QUERY_BUDGET, mentor_analytics, parse_period
from core.errors import DomainError
from sessions_app.models import Booking, Session
from tests.analytics.builders import ago, at, booking, ledger, request, review, session
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def learners(db):
    return [make_user(f"learner_{i}") for i in range(4)]


def test_it_computes_every_card_from_known_data(mentor, other_mentor, learners):
    a, b, c, d = learners
    s1 = session(mentor, ago(days=2), duration=60)
    s2 = session(mentor, ago(days=10), duration=90)
    s3 = session(mentor, ago(days=20), duration=30)
    session(mentor, ago(days=5), status=Session.Status.CANCELLED)
    session(mentor, ago(days=-3), status=Session.Status.SCHEDULED)  # upcoming: not held
    # a attends 3 times, b twice, c once, d never shows up
    for s in (s1, s2, s3):
        booking(s, a)
    booking(s1, b)
    booking(s2, b)
    booking(s3, c)
    booking(s1, d, status=Booking.Status.NO_SHOW)
    booking(s2, d, status=Booking.Status.CANCELLED)
    review(s1, a, 5)
    review(s1, b, 4)
    review(s2, a, 3)
    request(mentor, a, "accepted", answered_after=10 * MIN)
    request(mentor, b, "accepted", answered_after=20 * MIN)
    request(mentor, c, "declined", answered_after=60 * MIN)
    request(mentor, d, "expired")
    request(mentor, d, "pending")
    request(mentor, d, "withdrawn")
    ledger(mentor, "45.00")
    ledger(mentor, "90.50")
    ledger(mentor, "-10.00")  # a refund counts against earnings
    # Another mentor's data is never counted.
    foreign = session(other_mentor, ago(days=3))
    booking(foreign, a)
    review(foreign, a, 1)
    request(other_mentor, a, "declined", answered_after=MIN)
    ledger(other_mentor, "999.00")

    data = mentor_analytics(mentor, "30d")

    assert data.total_students == 3
    assert data.session_count == 3
    assert data.hours_taught == 3.0
    assert data.average_rating == 4.0
    assert data.rating_count == 3
    assert data.rating_distribution == {5: 1, 4: 1, 3: 1, 2: 0, 1: 0}
    assert data.repeat_learner_rate == pytest.approx(2 / 3, abs=1e-4)
    assert data.attendance_rate == pytest.approx(6 / 7, abs=1e-4)
    assert data.acceptance_rate == pytest.approx(2 / 4, abs=1e-4)
    assert data.median_response_minutes == 20.0
    assert data.earnings == Decimal("125.50")
    payload = data.as_dict()
    assert payload["earnings"] == "125.50"
    assert sum(p["count"] for p in payload["popular_times"]) == 7  # not cancelled bookings


def test_median_response_of_an_even_count_is_the_mean_of_the_middle_two(mentor, learner):
    for minutes in (5, 10, 30, 600):
        request(mentor, learner, "accepted", answered_after=minutes * MIN)
    assert mentor_analytics(mentor, "30d").median_response_minutes == 20.0


def test_the_period_window_decides_what_counts(mentor, learner):
    recent = session(mentor, ago(days=10))
    older = session(mentor, ago(days=60))
    ancient = session(mentor, ago(days=400))
    for s in (recent, older, ancient):
        booking(s, learner)
    ledger(mentor, "10.00", created_at=ago(days=10))
    ledger(mentor, "20.00", created_at=ago(days=60))
    ledger(mentor, "40.00", created_at=ago(days=400))
    counts = {p: mentor_analytics(mentor, p).session_count for p in ("30d", "90d", "365d", "all")}
    assert counts == {"30d": 1, "90d": 2, "365d": 2, "all": 3}
    assert mentor_analytics(mentor, "90d").earnings == Decimal("30.00")
    assert mentor_analytics(mentor, "all").earnings == Decimal("70.00")
    assert mentor_analytics(mentor, "30d").repeat_learner_rate == 0.0
    assert mentor_analytics(mentor, "90d").repeat_learner_rate == 1.0


def test_popular_times_use_the_mentors_zone_across_midnight(learner):
    mentor = make_user("mentor_za", "mentor", timezone="Africa/Johannesburg")  # UTC+2, no DST
    tuesday_late = at(2026, 3, 3, 23, 30)  # Tuesday 23:30 UTC = Wednesday 01:30 local
    assert tuesday_late.weekday() == 1
    booking(session(mentor, tuesday_late), learner)
    data = mentor_analytics(mentor, "all", now=at(2026, 3, 10))
    assert data.popular_times == [{"weekday": 2, "hour": 1, "count": 1}]


def test_popular_times_and_months_follow_daylight_saving(mentor, learner):
    # Berlin moves to CEST on Sunday 29 March 2026: 18:00 local is 17:00 UTC before, 16:00 after.
    booking(session(mentor, at(2026, 3, 28, 17, 0)), learner)  # Saturday 18:00 CET
    booking(session(mentor, at(2026, 3, 30, 16, 0)), learner)  # Monday 18:00 CEST
    booking(session(mentor, at(2026, 1, 31, 23, 30)), learner)  # 1 February 00:30 in Berlin
    data = mentor_analytics(mentor, "all", now=at(2026, 4, 10))
    assert {(p["weekday"], p["hour"]) for p in data.popular_times} == {(5, 18), (0, 18), (6, 0)}
    months = {m["month"]: m["sessions"] for m in data.as_dict()["monthly"]}
    assert months == {"2026-02": 1, "2026-03": 2, "2026-04": 0}


def test_unmet_request_times_are_bucketed_in_the_mentors_zone(mentor, learner):
    request(
        mentor,
        learner,
        "declined",
        answered_after=MIN,
        preferred=[at(2026, 6, 2, 17, 0), at(2026, 6, 3, 22, 30)],  # 19:00 Tue, 00:30 Thu CEST
        created_at=at(2026, 6, 1),
    )
    request(
        mentor, learner, "expired", preferred=[at(2026, 6, 2, 17, 0)], created_at=at(2026, 6, 1)
    )
    request(mentor, learner, "accepted", preferred=[at(2026, 6, 9, 8)], created_at=at(2026, 6, 1))
    data = mentor_analytics(mentor, "all", now=at(2026, 6, 10))
    assert data.unmet == {(1, 19): 2, (3, 0): 1}


def test_empty_data_has_no_division_by_zero(mentor):
    data = mentor_analytics(mentor, "90d")
    payload = data.as_dict()
    assert data.is_empty
    assert payload["total_students"] == 0
    assert payload["session_count"] == 0
    assert payload["hours_taught"] == 0
    for key in (
        "average_rating",
        "repeat_learner_rate",
        "attendance_rate",
        "acceptance_rate",
        "median_response_minutes",
    ):
        assert payload[key] is None, key
    assert payload["earnings"] == "0.00"
    assert payload["popular_times"] == []
    assert build_insights(data) == []


def test_unknown_period_is_a_domain_error():
    assert parse_period(None) == "90d"
    assert parse_period("365d") == "365d"
    with pytest.raises(DomainError) as error:
        parse_period("7d")
    assert error.value.field == "period"


# --- Insights ---------------------------------------------------------------------------


def _booked_sessions(mentor, starts, n, learners, **extra):
    for i in range(n):
        s = session(mentor, starts + dt.timedelta(weeks=i), **extra)
        booking(s, learners[i % len(learners)])


def test_most_booked_slot_needs_five_bookings(mentor, learners):
    tuesday_18_berlin = at(2026, 2, 3, 17, 0)  # Tuesday 18:00 CET
    _booked_sessions(mentor, tuesday_18_berlin, 3, learners)
    booking(session(mentor, at(2026, 2, 6, 9, 0)), learners[0])  # a Friday
    now = at(2026, 3, 1)
    assert not [
        i for i in build_insights(mentor_analytics(mentor, "all", now=now)) if i["key"] == "slot"
    ]
    booking(session(mentor, at(2026, 2, 24, 17, 0)), learners[1])  # a 4th Tuesday 18:00
    slot = [
        i for i in build_insights(mentor_analytics(mentor, "all", now=now)) if i["key"] == "slot"
    ]
    assert slot[0]["text"].startswith("Your most booked slot is Tuesday 18:00–19:00 (4 of 5")


def test_weekend_fill_speed_compares_publication_to_booking(mentor, learners):
    now = at(2026, 3, 1)
    for i in range(5):
        # weekend sessions: booked 6 h after publishing; weekday: 10 h after
        sat = at(2026, 1, 3, 10, 0) + dt.timedelta(weeks=i)
        mon = at(2026, 1, 5, 10, 0) + dt.timedelta(weeks=i)
        for starts, lead in ((sat, 6), (mon, 10)):
            published = starts - dt.timedelta(days=2)
            b = booking(session(mentor, starts, published_at=published), learners[i % 4])
            Booking.objects.filter(pk=b.pk).update(created_at=published + dt.timedelta(hours=lead))
    fill = [
        i for i in build_insights(mentor_analytics(mentor, "all", now=now)) if i["key"] == "fill"
    ]
    assert fill and fill[0]["text"].startswith("Sessions on weekends fill 40 % faster")


def test_rating_trend_needs_three_reviews_in_each_quarter(mentor, learners):
    now = at(2026, 5, 20)
    s = session(mentor, at(2026, 1, 5))
    for i, (rating, when) in enumerate(
        [
            (4, at(2026, 2, 1)),
            (5, at(2026, 2, 2)),
            (4, at(2026, 3, 3)),
            (5, at(2026, 4, 2)),
            (5, at(2026, 5, 2)),
        ]
    ):
        learner = learners[i % 4] if i < 4 else make_user("learner_extra")
        review(s, learner, rating, created_at=when)

    def trend():
        insights = build_insights(mentor_analytics(mentor, "all", now=now))
        return [i for i in insights if i["key"] == "rating"]

    assert trend() == []  # only 2 reviews this quarter
    review(s, make_user("learner_more"), 4, created_at=at(2026, 5, 3))
    assert trend()[0]["text"].startswith("Average rating rose from 4.3 to 4.7 this quarter")


def test_unmet_demand_insight_names_the_part_of_day(mentor, learner):
    for _ in range(3):
        request(
            mentor,
            learner,
            "declined",
            answered_after=MIN,
            preferred=[at(2026, 6, 2, 17, 0)],
            created_at=at(2026, 6, 1),
        )
    texts = [
        i["text"] for i in build_insights(mentor_analytics(mentor, "all", now=at(2026, 6, 10)))
    ]
    assert any(t.startswith("Learners proposed 3 evening times") for t in texts)


# --- Efficiency -------------------------------------------------------------------------


def _bulk(mentor, n_bookings: int):
    learners = [make_user(f"bulk_{mentor.pk}_{i}") for i in range(10)]
    sessions = Session.objects.bulk_create(
        Session(
            mentor=mentor,
            title=f"S{i}",
            starts_at=ago(days=1 + i % 80, hours=i % 24),
            status=Session.Status.COMPLETED,
            capacity=10,
            booked_count=10,
            published_at=ago(days=90),
        )
        for i in range(max(1, n_bookings // 10))
    )
    Booking.objects.bulk_create(
        Booking(
            session=sessions[i // 10 % len(sessions)],
            learner=learners[i % 10],
            status=Booking.Status.ATTENDED if i % 7 else Booking.Status.NO_SHOW,
        )
        for i in range(n_bookings)
    )
    for i in range(3):
        review(sessions[i % len(sessions)], learners[i], 4)
        request(mentor, learners[i], "declined", answered_after=MIN, preferred=[ago(days=2)])
        ledger(mentor, "10.00")


def _count_queries(mentor) -> int:
    mentor_analytics(mentor, "90d")  # builds the monthly rollups of the complete months
    with CaptureQueriesContext(connection) as ctx:
        mentor_analytics(mentor, "90d")
    return len(ctx.captured_queries)


def test_query_count_is_constant_for_10_and_5000_bookings(mentor, other_mentor):
    _bulk(mentor, 10)
    _bulk(other_mentor, 5000)
    small, large = _count_queries(mentor), _count_queries(other_mentor)
    assert (
        mentor_analytics(other_mentor, "90d").attended
        + mentor_analytics(other_mentor, "90d").no_shows
        == 5000
    )
    assert small == large <= QUERY_BUDGET


def test_the_heatmap_shades_cells_by_share_of_the_busiest_slot(mentor, learners):
    from analytics.charts import heatmap

    monday_9 = at(2026, 2, 2, 8, 0)  # 09:00 in Berlin
    for i in range(4):
        booking(session(mentor, monday_9 + dt.timedelta(weeks=i)), learners[i])
    booking(session(mentor, at(2026, 2, 4, 8, 0)), learners[0])  # Wednesday 09:00
    chart = heatmap(mentor_analytics(mentor, "all", now=at(2026, 3, 1)))
    monday, wednesday = chart["rows"][0]["cells"][9], chart["rows"][2]["cells"][9]
    assert (monday["count"], monday["css"]) == (4, "bg-indigo-800")
    assert (wednesday["count"], wednesday["css"]) == (1, "bg-indigo-200")
    assert chart["rows"][1]["cells"][9]["css"] == "bg-slate-100"
    assert chart["top_slots"][0] == {"day": "Monday", "hour": 9, "end": 10, "count": 4}


def test_no_most_booked_slot_when_slots_are_tied(mentor, learners):
    for i in range(6):  # six different slots, one booking each
        booking(session(mentor, at(2026, 2, 2 + i, 9, 0)), learners[i % 4])
    insights = build_insights(mentor_analytics(mentor, "all", now=at(2026, 3, 1)))
    assert not [i for i in insights if i["key"] == "slot"]


def test_fill_speed_ignores_bookings_made_after_the_start(mentor, learners):
    for i in range(5):
        for starts in (
            at(2026, 1, 3, 10) + dt.timedelta(weeks=i),
            at(2026, 1, 5, 10) + dt.timedelta(weeks=i),
        ):
            b = booking(
                session(mentor, starts, published_at=starts - dt.timedelta(days=2)), learners[0]
            )
            Booking.objects.filter(pk=b.pk).update(created_at=starts + dt.timedelta(days=1))
    data = mentor_analytics(mentor, "all", now=at(2026, 3, 1))
    assert data.fill_hours["weekend"] == {"hours": None, "count": 0}


def test_zone_transitions_are_found_to_the_second():
    from zoneinfo import ZoneInfo

    from core.localtime import transitions

    found = transitions(ZoneInfo("Europe/Berlin"), at(2026, 1, 1), at(2027, 1, 1))
    assert found == (
        (at(2026, 1, 1), 3600),
        (at(2026, 3, 29, 1), 7200),
        (at(2026, 10, 25, 1), 3600),
    )
    assert len(transitions(ZoneInfo("Asia/Tokyo"), at(2026, 1, 1), at(2027, 1, 1))) == 1


def test_hours_right_at_the_dst_switch(mentor, learner):
    booking(session(mentor, at(2026, 3, 29, 0, 59)), learner)  # 01:59 CET
    booking(session(mentor, at(2026, 3, 29, 1, 0)), learner)  # 03:00 CEST
    booking(session(mentor, at(2026, 10, 25, 0, 30)), learner)  # 02:30 CEST
    booking(session(mentor, at(2026, 10, 25, 1, 30)), learner)  # 02:30 CET
    data = mentor_analytics(mentor, "all", now=at(2026, 11, 1))
    assert data.popular == {(6, 1): 1, (6, 3): 1, (6, 2): 2}


def test_low_attendance_insight_needs_ten_past_bookings(mentor, learners):
    def attendance_insights():
        insights = build_insights(mentor_analytics(mentor, "all", now=at(2026, 3, 1)))
        return [i["text"] for i in insights if i["key"] == "attendance"]

    statuses = [Booking.Status.ATTENDED] * 6 + [Booking.Status.NO_SHOW] * 3  # 9 booked, 67 %
    for i, status in enumerate(statuses):
        booking(session(mentor, at(2026, 2, 1 + i, 9)), learners[i % 4], status=status)
    assert attendance_insights() == []  # fewer than 10 past bookings
    booking(session(mentor, at(2026, 2, 20, 9)), learners[0], status=Booking.Status.NO_SHOW)
    assert attendance_insights() == [
        "40 % of booked learners did not show up; a reminder message before the session may help."
    ]
    for i in range(10):  # 16 of 20 attended: 80 %, not low any more
        booking(session(mentor, at(2026, 1, 1 + i, 9)), learners[i % 4])
    assert attendance_insights() == []


def test_the_demand_chart_sets_missed_request_times_against_held_sessions(mentor, learner):
    from analytics.charts import demand

    booking(session(mentor, at(2026, 6, 1, 17, 0)), learner)  # Monday 19:00 Berlin, held
    session(mentor, at(2026, 6, 2, 7, 0), status=Session.Status.CANCELLED)  # not held
    request(
        mentor,
        learner,
        "declined",
        answered_after=MIN,
        preferred=[at(2026, 6, 2, 17, 0), at(2026, 6, 3, 6, 0)],  # Tue 19:00, Wed 08:00
        created_at=at(2026, 6, 1),
    )
    chart = demand(mentor_analytics(mentor, "all", now=at(2026, 6, 10)))
    parts = {r["label"]: (r["held"], r["unmet"]) for r in chart["dayparts"]}
    assert parts == {
        "Night (00–06)": (0, 0),
        "Morning (06–12)": (0, 1),
        "Afternoon (12–18)": (0, 0),
        "Evening (18–24)": (1, 1),
    }
    days = {r["label"]: (r["held"], r["unmet"]) for r in chart["weekdays"]}
    assert (days["Monday"], days["Tuesday"], days["Wednesday"]) == ((1, 0), (0, 1), (0, 1))
    assert chart["has_data"] and chart["has_unmet"]
