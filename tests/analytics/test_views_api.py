"""The Analytics tab, /api/analytics/ and analytics_report."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sessions_app.models import Booking, Session
from tests.analytics.builders import ago, booking, ledger, request, review, session
from tests.conftest import jwt_client, make_user

pytestmark = pytest.mark.django_db

URL = "/mentor/dashboard/analytics/"


@pytest.fixture
def data(mentor, learner, other_learner):
    s1 = session(mentor, ago(days=3), title="Django deep dive")
    s2 = session(mentor, ago(days=40), title="Career chat")
    booking(s1, learner)
    booking(s2, learner)
    booking(s1, other_learner, status=Booking.Status.NO_SHOW)
    review(s1, learner, 5, comment="Brilliant <b>session</b>")
    request(mentor, learner, "accepted", answered_after=dt.timedelta(minutes=15))
    ledger(mentor, "54.00")
    return s1, s2


def test_it_shows_cards_charts_and_reviews(mentor_client, data):
    response = mentor_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Total students",
        "Sessions held",
        "Hours taught",
        "Average rating",
        "Repeat learners",
        "Attendance",
        "Requests accepted",
        "Earnings",
    ):
        assert label in html
    assert 'data-chart="sessions"' in html and 'data-chart="heatmap"' in html
    assert 'data-chart="ratings"' in html and 'data-chart="demand"' in html
    assert "USD\u00a054.00" in html
    assert "5.0 / 5" in html
    assert "Brilliant &lt;b&gt;session&lt;/b&gt;" in html  # plain text, escaped
    assert 'aria-current="page"' in html and "Last 90 days" in html


def test_the_period_switch_answers_a_fragment_to_htmx(mentor_client, data):
    response = mentor_client.get(URL + "?period=30d", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="dashboard-tabs" hx-swap-oob="true"' in html
    assert 'data-card="sessions"' in html
    # Only the recent session is in the last 30 days.
    assert "1 attended of 2 booked" in html


def test_an_unknown_period_answers_400_with_a_clear_message(mentor_client):
    response = mentor_client.get(URL + "?period=7d")
    assert response.status_code == 400
    assert "Unknown period" in response.content.decode()


def test_empty_data_shows_empty_states(mentor_client):
    html = mentor_client.get(URL).content.decode()
    assert "No activity in this period yet" in html
    assert "No bookings in this period yet" in html
    assert "No reviews yet" in html
    assert "Not enough data for insights yet" in html
    assert "No completed sessions or earnings in this period yet" in html
    assert "No reviews in this period yet" in html
    assert "No held sessions or missed requests in this period yet" in html
    for card in ("rating", "repeat", "attendance", "acceptance"):
        assert f'data-card="{card}"' in html
        assert html.split(f'data-card="{card}"')[1].split("</dd>")[0].endswith(">—")
    assert "USD\u00a00.00" in html and "no answered requests" in html


def test_a_learner_gets_403_and_anonymous_goes_to_login(learner_client, anon_client):
    assert learner_client.get(URL).status_code == 403
    response = anon_client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_tab_issues_the_same_number_of_queries_for_more_data(
    mentor, learner, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = jwt_client(mentor)
    booking(session(mentor, ago(days=2)), learner)
    # The user and their open alerts are read once per process, then kept: warm
    # them here, so both requests below differ only by the data.
    from accounts.user_cache import cached_user
    from notifications.queries import open_urgent_urls

    open_urgent_urls(cached_user(mentor.pk))
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for i in range(30):
        s = session(mentor, ago(days=3 + i, hours=i))
        booking(s, make_user(f"many_{i}"))
        review(s, learner, 1 + i % 5)
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200
    assert len(small) == len(large)


# --- API ----------------------------------------------------------------------------------


def test_the_api_returns_the_contract_fields(mentor_api, data):
    response = mentor_api.get("/api/analytics/?period=90d")
    assert response.status_code == 200
    body = response.json()
    assert body["total_students"] == 1
    assert body["session_count"] == 2
    assert body["hours_taught"] == 2.0
    assert body["average_rating"] == 5.0
    assert body["rating_count"] == 1
    assert body["repeat_learner_rate"] == 1.0
    assert body["attendance_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert body["acceptance_rate"] == 1.0
    assert body["median_response_minutes"] == 15.0
    assert body["earnings"] == "54.00"
    assert sum(p["count"] for p in body["popular_times"]) == 3
    assert set(body["popular_times"][0]) == {"weekday", "hour", "count"}
    assert body["period"] == "90d"


def test_the_api_default_period_is_90_days_and_all_counts_everything(mentor_api, mentor, learner):
    booking(session(mentor, ago(days=200)), learner)
    assert mentor_api.get("/api/analytics/").json()["session_count"] == 0
    assert mentor_api.get("/api/analytics/?period=all").json()["session_count"] == 1


def test_the_api_never_counts_another_mentors_data(other_mentor_api, data):
    body = other_mentor_api.get("/api/analytics/?period=all").json()
    assert body["session_count"] == 0 and body["earnings"] == "0.00"
    assert body["rating_count"] == 0 and body["popular_times"] == []


def test_the_api_rejects_bad_period_learners_and_anonymous(mentor_api, learner_api, api_client):
    response = mentor_api.get("/api/analytics/?period=week")
    assert response.status_code == 400 and "period" in response.json()
    assert learner_api.get("/api/analytics/").status_code == 403
    assert api_client.get("/api/analytics/").status_code == 401


# --- Operator command -------------------------------------------------------------------


def test_analytics_report_prints_the_figures(mentor, data):
    out = StringIO()
    call_command("analytics_report", "--mentor", mentor.username, "--period", "90d", stdout=out)
    text = out.getvalue()
    assert "session_count            2" in text
    assert "earnings                 54.00 USD" in text
    assert "median_response_minutes  15" in text


def test_analytics_report_json_matches_the_api(mentor, mentor_api, data):
    import json

    out = StringIO()
    call_command("analytics_report", "--mentor", mentor.username, "--json", stdout=out)
    body = json.loads(out.getvalue())
    api = mentor_api.get("/api/analytics/").json()
    for key in ("total_students", "session_count", "earnings", "popular_times", "attendance_rate"):
        assert body[key] == api[key]


def test_analytics_report_refuses_unknown_mentors(learner):
    with pytest.raises(CommandError):
        call_command("analytics_report", "--mentor", learner.username)
    with pytest.raises(CommandError):
        call_command("analytics_report", "--mentor", "nobody")


def test_session_status_is_respected(mentor, learner, mentor_api):
    session(mentor, ago(days=1), status=Session.Status.CANCELLED)
    assert mentor_api.get("/api/analytics/").json()["session_count"] == 0


def test_the_tab_is_read_only(mentor_client):
    assert mentor_client.post(URL, {"period": "30d"}).status_code == 405
