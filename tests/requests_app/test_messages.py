"""One catalogue: the request form, the Accept/Decline dialogs and the API say the same thing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from requests_app import messages as msg
from requests_app.models import SessionRequest

from .builders import future, make_request

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def local_input(user, when) -> str:
    return when.astimezone(user.tzinfo).strftime("%Y-%m-%dT%H:%M")


def test_accepting_a_passed_time_reads_the_same_in_the_dialog_and_the_api(
    mentor_client, mentor_api, mentor, learner
):
    r = make_request(learner, mentor)
    past = timezone.now() - timedelta(hours=2)
    custom = {"choice": "custom", "custom_at": local_input(mentor, past)}
    page = mentor_client.post(f"/mentor/dashboard/requests/{r.pk}/accept/", custom, **HTMX)
    assert page.status_code == 422 and msg.ACCEPT_TIME_PASSED in page.content.decode()
    api = mentor_api.post(
        f"/api/requests/{r.pk}/accept/", {"scheduled_at": past.isoformat()}, format="json"
    )
    assert api.json() == {"scheduled_at": [msg.ACCEPT_TIME_PASSED]}
    r.refresh_from_db()
    assert r.status == "pending"


@pytest.mark.parametrize(
    "form, body, field, message",
    [
        ({"topic": "x" * 201}, {"topic": "x" * 201}, "topic", msg.too_long("topic", 200)),
        (
            {"message": "x" * 2001},
            {"message": "x" * 2001},
            "message",
            msg.too_long("message", 2000),
        ),
        ({"time_1": "PAST"}, {"preferred_times": ["PAST"]}, "preferred_times", msg.TIME_PASSED),
        (
            {"time_1": "FAR"},
            {"preferred_times": ["FAR"]},
            "preferred_times",
            msg.TIME_BEYOND_A_YEAR,
        ),
    ],
)
def test_a_bad_request_reads_the_same_on_the_form_and_in_the_api(
    learner_client, learner_api, learner, mentor, form, body, field, message
):
    times = {"PAST": future(-2), "FAR": future(24 * 400)}
    form = {k: local_input(learner, times[v]) if v in times else v for k, v in form.items()}
    body = {
        k: [times[t].isoformat() for t in v] if k == "preferred_times" else v
        for k, v in body.items()
    }
    data = {"topic": "Help", "duration_minutes": "60", "time_1": local_input(learner, future(30))}
    page = learner_client.post(f"/mentors/{mentor.pk}/request/", {**data, **form})
    assert page.status_code == 422 and escape(message) in page.content.decode()
    payload = {"mentor": mentor.pk, "topic": "Help", "preferred_times": [future(30).isoformat()]}
    api = learner_api.post("/api/learner/requests/", {**payload, **body}, format="json")
    assert api.status_code == 400 and api.json() == {field: [message]}
    assert not SessionRequest.objects.exists()


def test_a_too_long_decline_reason_reads_the_same_in_the_dialog_and_the_api(
    mentor_client, mentor_api, mentor, learner
):
    r = make_request(learner, mentor)
    expected = msg.too_long("reason", 500)
    page = mentor_client.post(
        f"/mentor/dashboard/requests/{r.pk}/decline/", {"reason": "x" * 501}, **HTMX
    )
    assert page.status_code == 422 and escape(expected) in page.content.decode()
    api = mentor_api.post(f"/api/requests/{r.pk}/decline/", {"reason": "x" * 501}, format="json")
    assert api.json() == {"reason": [expected]}
