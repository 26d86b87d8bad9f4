"""Learner reviews: service rules, the form page, the API, the completion hook, the home prompt."""

import pytest
from django.db import transaction

from core.errors import DomainError
from notifications.models import Notification
from sessions_app.models import Booking, Review, Session
from sessions_app.services import reviews
from sessions_app.signals import session_completed
from tests.analytics.builders import ago, booking, session

pytestmark = pytest.mark.django_db

API = "/api/learner/reviews/"


@pytest.fixture
def attended(mentor, learner):
    s = session(mentor, ago(days=1), title="Django deep dive")
    booking(s, learner)
    return s


# --- Service ----------------------------------------------------------------------------


def test_it_stores_the_review_and_notifies_the_mentor(attended, learner, mentor):
    review = reviews.leave_review(learner, attended, 4, "  Very helpful  ")
    assert (review.rating, review.comment, review.mentor_id) == (4, "Very helpful", mentor.pk)
    note = Notification.objects.get(user=mentor, kind="review")
    assert "4-star" in note.title and note.url == "/mentor/dashboard/analytics/#reviews"


@pytest.mark.parametrize("rating", [0, 6, "abc", "", None, "4.5", -1])
def test_it_refuses_a_rating_outside_1_to_5(attended, learner, rating):
    with pytest.raises(DomainError) as error:
        reviews.leave_review(learner, attended, rating)
    assert error.value.field == "rating"
    assert not Review.objects.exists()


def test_it_refuses_a_comment_over_2000_characters(attended, learner):
    with pytest.raises(DomainError) as error:
        reviews.leave_review(learner, attended, 5, "x" * 2001)
    assert error.value.field == "comment"
    reviews.leave_review(learner, attended, 5, "x" * 2000)


def test_it_refuses_sessions_not_attended_not_completed_or_reviewed_twice(
    mentor, learner, other_learner, attended
):
    no_show = session(mentor, ago(days=2))
    booking(no_show, learner, status=Booking.Status.NO_SHOW)
    upcoming = session(mentor, ago(days=-2), status=Session.Status.SCHEDULED)
    booking(upcoming, learner, status=Booking.Status.BOOKED)
    for s, who in ((no_show, learner), (upcoming, learner), (attended, other_learner)):
        with pytest.raises(DomainError) as error:
            reviews.leave_review(who, s, 5)
        assert error.value.field == "session"
    reviews.leave_review(learner, attended, 5)
    with pytest.raises(DomainError, match="already reviewed"):
        reviews.leave_review(learner, attended, 3)
    assert Review.objects.count() == 1


def test_completion_asks_each_attended_learner_once(mentor, learner, other_learner):
    s = session(mentor, ago(days=1))
    booking(s, learner)
    booking(s, other_learner, status=Booking.Status.NO_SHOW)
    with transaction.atomic():
        session_completed.send(sender=Session, session=s)
    asked = Notification.objects.filter(kind="review")
    assert [n.user_id for n in asked] == [learner.pk]
    assert asked[0].url == f"/sessions/{s.pk}/review/"
    assert asked[0].action_label == "Rate session"  # not the mentor's "Read review"


def test_ending_a_live_session_asks_for_reviews(mentor, learner):
    from django.utils import timezone

    from sessions_app.services import end_session

    s = session(mentor, ago(hours=1), status=Session.Status.LIVE)
    booking(s, learner, status=Booking.Status.BOOKED, joined_at=timezone.now())
    end_session(mentor, s)
    assert Notification.objects.filter(
        user=learner, kind="review", url=f"/sessions/{s.pk}/review/"
    ).exists()


def test_sessions_to_review_lists_attended_completed_unreviewed(mentor, learner, attended):
    other = session(mentor, ago(days=3), title="Other")
    booking(other, learner, status=Booking.Status.NO_SHOW)
    assert reviews.sessions_to_review(learner) == [attended]
    reviews.leave_review(learner, attended, 5)
    assert reviews.sessions_to_review(learner) == []


# --- API ----------------------------------------------------------------------------------


def test_the_api_creates_a_review(learner_api, learner, attended):
    response = learner_api.post(
        API, {"session": attended.pk, "rating": 5, "comment": "Great"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["rating"] == 5 and response.json()["session"] == attended.pk
    assert Review.objects.filter(learner=learner, session=attended, rating=5).exists()
    listed = learner_api.get(API).json()
    assert listed["count"] == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": 5, "comment": "x" * 2001}, "comment"),
        ({"rating": 5, "session": 999999}, "session"),
        ({"rating": 5, "session": "abc"}, "session"),
    ],
)
def test_the_api_answers_400_for_bad_input(learner_api, attended, payload, field):
    body = {"session": attended.pk, **payload}
    response = learner_api.post(API, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Review.objects.exists()


def test_the_api_answers_400_for_a_second_review_and_unattended_sessions(
    learner_api, learner, mentor, attended
):
    assert (
        learner_api.post(API, {"session": attended.pk, "rating": 4}, format="json").status_code
        == 201
    )
    again = learner_api.post(API, {"session": attended.pk, "rating": 2}, format="json")
    assert again.status_code == 400 and "already reviewed" in again.json()["session"][0]
    no_show = session(mentor, ago(days=2))
    booking(no_show, learner, status=Booking.Status.NO_SHOW)
    response = learner_api.post(API, {"session": no_show.pk, "rating": 4}, format="json")
    assert response.status_code == 400 and "attended" in response.json()["session"][0]


def test_the_api_does_not_tell_sessions_the_learner_never_booked_from_missing_ids(
    learner_api, mentor
):
    never_booked = session(mentor, ago(days=1))
    draft = Session.objects.create(
        mentor=mentor, title="Secret draft", starts_at=ago(days=-3), status=Session.Status.DRAFT
    )
    answers = [
        learner_api.post(API, {"session": pk, "rating": 4}, format="json")
        for pk in (never_booked.pk, draft.pk, 999_999)
    ]
    assert {(a.status_code, a.json()["session"][0]) for a in answers} == {(400, "No such session.")}
    assert not Review.objects.exists()


def test_the_api_is_for_learners(mentor_api, api_client, attended):
    assert (
        mentor_api.post(API, {"session": attended.pk, "rating": 4}, format="json").status_code
        == 403
    )
    assert (
        api_client.post(API, {"session": attended.pk, "rating": 4}, format="json").status_code
        == 401
    )


# --- Form page ------------------------------------------------------------------------------


def test_the_form_page_stores_a_review_and_thanks(learner_client, learner, attended):
    url = f"/sessions/{attended.pk}/review/"
    page = learner_client.get(url)
    assert page.status_code == 200 and "Send review" in page.content.decode()
    response = learner_client.post(url, {"rating": "4", "comment": "Nice"})
    assert response.status_code == 302 and response["Location"] == url + "?thanks=1"
    done = learner_client.get(url + "?thanks=1").content.decode()
    assert "Thank you!" in done and "4 out of 5" in done
    assert Review.objects.get(learner=learner).comment == "Nice"


def test_the_form_shows_errors_next_to_the_field(learner_client, attended):
    response = learner_client.post(
        f"/sessions/{attended.pk}/review/", {"rating": "9", "comment": "kept"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="rating-error"' in html and "from 1 to 5" in html
    assert ">kept</textarea>" in html
    assert not Review.objects.exists()


def test_the_form_explains_why_a_session_cannot_be_reviewed(learner_client, learner, mentor):
    upcoming = session(mentor, ago(days=-1), status=Session.Status.SCHEDULED)
    booking(upcoming, learner, status=Booking.Status.BOOKED)
    page = learner_client.get(f"/sessions/{upcoming.pk}/review/")
    assert page.status_code == 200 and "once it has taken place" in page.content.decode()
    assert (
        learner_client.post(f"/sessions/{upcoming.pk}/review/", {"rating": "5"}).status_code == 400
    )


def test_the_form_is_404_for_sessions_the_learner_never_booked(
    learner_client, mentor_client, mentor, attended
):
    stranger = session(mentor, ago(days=1))
    assert learner_client.get(f"/sessions/{stranger.pk}/review/").status_code == 404
    assert mentor_client.get(f"/sessions/{attended.pk}/review/").status_code == 403


def test_the_learner_home_prompts_for_unreviewed_sessions(learner_client, learner, attended):
    html = learner_client.get("/").content.decode()
    assert "Rate your session" in html and f"/sessions/{attended.pk}/review/" in html
    reviews.leave_review(learner, attended, 5)
    assert "Rate your session" not in learner_client.get("/").content.decode()


def test_the_mentor_sees_reviews_on_the_analytics_tab_read_only(mentor_client, learner, attended):
    reviews.leave_review(learner, attended, 3, "Solid")
    html = mentor_client.get("/mentor/dashboard/analytics/").content.decode()
    assert "Latest reviews" in html and "Solid" in html and "Rated 3 out of 5" in html


def test_demo_reviews_are_idempotent_and_leave_one_to_rate(mentor, learner):
    from analytics import demo

    sessions = [session(mentor, ago(days=d)) for d in (1, 5, 9)]
    for s in sessions:
        booking(s, learner)
    users = {"mentor": mentor}
    demo.seed(users)
    demo.seed(users)
    assert Review.objects.filter(mentor=mentor).count() == 2
    assert reviews.sessions_to_review(learner) == [sessions[0]]
