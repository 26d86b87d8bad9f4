"""/api/policy/ (GET, PUT): a mentor's own cancellation policy, defaults 24 h / 50 %;
edited on the Availability page; shown to learners in plain words."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.formatting import local_time_label
from policies.models import CancellationPolicy
from sessions_app.booking_terms import cancellation_terms, refund_for
from tests.conftest import bearer, jwt_client, make_user
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db
URL = "/api/policy/"


def test_a_mentor_without_a_policy_gets_the_defaults(mentor_api):
    response = mentor_api.get(URL)
    assert response.status_code == 200
    assert response.json() == {"free_cancel_hours": 24, "late_cancel_refund_percent": 50}
    assert not CancellationPolicy.objects.exists()


def test_put_saves_the_mentors_own_policy(mentor, mentor_api, other_mentor):
    body = {"free_cancel_hours": 48, "late_cancel_refund_percent": 0}
    response = mentor_api.put(URL, body, format="json")
    assert response.status_code == 200 and response.json() == body
    policy = CancellationPolicy.objects.get()
    assert (policy.mentor, policy.free_cancel_hours, policy.late_cancel_refund_percent) == (
        mentor,
        48,
        0,
    )
    # Another mentor still has the defaults.
    other = bearer(other_mentor).get(URL).json()
    assert other == {"free_cancel_hours": 24, "late_cancel_refund_percent": 50}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"free_cancel_hours": -1, "late_cancel_refund_percent": 50}, "free_cancel_hours"),
        ({"free_cancel_hours": 721, "late_cancel_refund_percent": 50}, "free_cancel_hours"),
        ({"free_cancel_hours": "soon", "late_cancel_refund_percent": 50}, "free_cancel_hours"),
        (
            {"free_cancel_hours": 24, "late_cancel_refund_percent": 101},
            "late_cancel_refund_percent",
        ),
        ({"free_cancel_hours": 24, "late_cancel_refund_percent": -5}, "late_cancel_refund_percent"),
        ({"free_cancel_hours": 24}, "late_cancel_refund_percent"),
    ],
)
def test_bad_values_answer_400_with_the_field(mentor_api, body, field):
    response = mentor_api.put(URL, body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not CancellationPolicy.objects.exists()


def test_learners_get_403_and_anonymous_401(learner_api, client):
    assert learner_api.get(URL).status_code == 403
    assert learner_api.put(URL, {}, format="json").status_code == 403
    assert client.get(URL).status_code == 401


def test_the_terms_follow_the_mentors_policy_in_the_learners_zone(mentor, mentor_api):
    paulo = make_user("paulo", timezone="America/Sao_Paulo")
    mentor_api.put(URL, {"free_cancel_hours": 48, "late_cancel_refund_percent": 25}, format="json")
    session = make_session(mentor, starts_at=timezone.now() + timedelta(days=5))
    deadline = local_time_label(paulo, session.starts_at - timedelta(hours=48), zone=True)
    assert cancellation_terms(session, paulo) == (
        f"Free cancellation until {deadline} your time; after that 25 % back."
    )
    mentor_api.put(URL, {"free_cancel_hours": 48, "late_cancel_refund_percent": 0}, format="json")
    assert cancellation_terms(session, paulo).endswith("after that no refund.")
    mentor_api.put(URL, {"free_cancel_hours": 0, "late_cancel_refund_percent": 0}, format="json")
    assert cancellation_terms(session, paulo) == "Free cancellation until the session starts."


def test_refund_for_applies_the_policy_at_the_time_of_the_cancel(mentor, learner, mentor_api):
    mentor_api.put(URL, {"free_cancel_hours": 72, "late_cancel_refund_percent": 30}, format="json")
    session = make_session(
        mentor, starts_at=timezone.now() + timedelta(days=2), price=Decimal("40")
    )
    booking = make_booking(session, learner)
    assert refund_for(booking) == Decimal("12.00")  # inside 72 h: 30 %
    assert refund_for(booking, now=timezone.now() - timedelta(days=2)) == Decimal("40.00")


def test_the_session_page_shows_the_terms_before_booking(mentor, learner, mentor_api):
    mentor_api.put(URL, {"free_cancel_hours": 24, "late_cancel_refund_percent": 50}, format="json")
    session = make_session(mentor)
    html = jwt_client(learner).get(f"/sessions/{session.pk}/").content.decode()
    assert "Cancellation policy" in html
    assert cancellation_terms(session, learner).replace("'", "&#x27;") in html
    dialog = jwt_client(learner).get(
        f"/sessions/{session.pk}/book/", headers={"HX-Request": "true"}
    )
    assert cancellation_terms(session, learner) in dialog.content.decode()


def test_the_availability_page_edits_the_policy(mentor, mentor_client):
    page = mentor_client.get("/mentor/dashboard/availability/").content.decode()
    assert "Cancellation policy" in page and 'name="free_cancel_hours" type="number"' in page
    data = {
        "day-0-on": "on",
        "day-0-start": "09:00",
        "day-0-end": "17:00",
        "buffer_minutes": "0",
        "min_notice_minutes": "60",
        "max_days_ahead": "60",
        "free_cancel_hours": "12",
        "late_cancel_refund_percent": "75",
    }
    response = mentor_client.post("/mentor/dashboard/availability/", data)
    assert response.status_code == 302
    policy = CancellationPolicy.objects.get(mentor=mentor)
    assert (policy.free_cancel_hours, policy.late_cancel_refund_percent) == (12, 75)


def test_the_availability_page_shows_policy_errors_next_to_the_field(mentor, mentor_client):
    data = {
        "buffer_minutes": "0",
        "min_notice_minutes": "60",
        "max_days_ahead": "60",
        "free_cancel_hours": "12",
        "late_cancel_refund_percent": "150",
    }
    response = mentor_client.post("/mentor/dashboard/availability/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_late_cancel_refund_percent_error"' in html and "0 to 100" in html
    assert not CancellationPolicy.objects.exists()
