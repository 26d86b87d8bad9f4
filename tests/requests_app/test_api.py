"""REST API: /api/requests/ (mentor) and /api/learner/requests/ (learner)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import SessionRequest
from sessions_app.models import Booking, Session
from tests.conftest import bearer

from .builders import future, make_request

pytestmark = pytest.mark.django_db
FIELDS = {
    "id", "learner", "learner_name", "mentor", "topic", "message", "preferred_times",
    "duration_minutes", "status", "scheduled_at", "session", "decline_reason",
}  # fmt: skip


def test_a_mentor_lists_requests_addressed_to_them_with_the_contract_fields(
    mentor_api, mentor, learner, other_mentor
):
    mine = make_request(learner, mentor)
    make_request(learner, other_mentor)
    response = mentor_api.get("/api/requests/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 1
    row = body["results"][0]
    assert set(row) >= FIELDS
    assert row["id"] == mine.pk
    assert row["learner_name"] == learner.display_name
    assert row["session"] is None and row["scheduled_at"] is None
    assert len(row["preferred_times"]) == 2
    for value in row["preferred_times"]:
        parsed = timezone.datetime.fromisoformat(value.replace("Z", "+00:00"))
        assert parsed.tzinfo is not None  # ISO-8601 with an offset
    assert [timezone.datetime.fromisoformat(v) for v in row["preferred_times"]] == (
        mine.preferred_datetimes
    )


def test_the_list_filters_by_status(mentor_api, mentor, learner):
    make_request(learner, mentor, status="pending")
    make_request(learner, mentor, status="accepted")
    make_request(learner, mentor, status="declined")
    for status in ("pending", "accepted", "declined"):
        rows = mentor_api.get(f"/api/requests/?status={status}").json()["results"]
        assert [r["status"] for r in rows] == [status]
    response = mentor_api.get("/api/requests/?status=bogus")
    assert response.status_code == 400
    assert "status" in response.json()


def test_accepting_returns_the_request_with_its_session(mentor_api, mentor, learner, pending):
    when = pending.preferred_datetimes[1]
    response = mentor_api.post(
        f"/api/requests/{pending.pk}/accept/", {"scheduled_at": when.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    session = Session.objects.get()
    assert body["status"] == "accepted"
    assert body["session"] == session.pk
    assert timezone.datetime.fromisoformat(body["scheduled_at"]) == when
    assert Booking.objects.get().learner == learner


def test_accepting_twice_answers_409(mentor_api, pending):
    url = f"/api/requests/{pending.pk}/accept/"
    assert (
        mentor_api.post(url, {"scheduled_at": future(30).isoformat()}, format="json").status_code
        == 200
    )
    response = mentor_api.post(url, {"scheduled_at": future(31).isoformat()}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "This request was already answered."}
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [{}, {"scheduled_at": "soon"}, {"scheduled_at": ""}, {"scheduled_at": None}, {"x": 1}],
)
def test_accepting_with_a_malformed_time_answers_400_and_creates_nothing(
    mentor_api, pending, payload
):
    response = mentor_api.post(f"/api/requests/{pending.pk}/accept/", payload, format="json")
    assert response.status_code == 400
    assert "scheduled_at" in response.json()
    assert not Session.objects.exists()


def test_accepting_with_a_past_time_answers_400(mentor_api, pending):
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = mentor_api.post(
        f"/api/requests/{pending.pk}/accept/", {"scheduled_at": past}, format="json"
    )
    assert response.status_code == 400
    # The dialog's words for the same mistake (one catalogue: requests_app/messages.py).
    assert response.json() == {
        "scheduled_at": ["This time has already passed. Choose a later one."]
    }
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_accepting_a_withdrawn_request_answers_409(mentor_api, learner, pending):
    bearer(learner).post(f"/api/learner/requests/{pending.pk}/withdraw/")
    response = mentor_api.post(
        f"/api/requests/{pending.pk}/accept/",
        {"scheduled_at": future(9).isoformat()},
        format="json",
    )
    assert response.status_code == 409
    assert "withdrew" in response.json()["detail"]
    assert not Session.objects.exists()


def test_declining_with_a_reason(mentor_api, pending):
    response = mentor_api.post(
        f"/api/requests/{pending.pk}/decline/", {"reason": "Too busy"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert response.json()["decline_reason"] == "Too busy"
    too_long = mentor_api.post(
        f"/api/requests/{make_request(pending.learner, pending.mentor).pk}/decline/",
        {"reason": "x" * 501},
        format="json",
    )
    assert too_long.status_code == 400


def test_another_mentors_request_is_404(other_mentor_api, pending):
    assert other_mentor_api.get(f"/api/requests/{pending.pk}/").status_code == 404
    url = f"/api/requests/{pending.pk}/accept/"
    assert other_mentor_api.post(url, {"scheduled_at": future(9).isoformat()}).status_code == 404
    assert other_mentor_api.post(f"/api/requests/{pending.pk}/decline/").status_code == 404
    assert other_mentor_api.get("/api/requests/").json()["count"] == 0
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_roles_and_tokens(learner_api, mentor_api, api_client, pending):
    assert learner_api.get("/api/requests/").status_code == 403
    assert learner_api.post(f"/api/requests/{pending.pk}/accept/").status_code == 403
    assert mentor_api.get("/api/learner/requests/").status_code == 403
    assert api_client.get("/api/requests/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
    assert api_client.get("/api/learner/requests/").status_code == 401


def test_a_learner_creates_and_lists_their_own_requests(
    learner_api, learner, mentor, other_learner
):
    times = [future(30).isoformat(), future(50).replace(tzinfo=None).isoformat() + "+02:00"]
    response = learner_api.post(
        "/api/learner/requests/",
        {"mentor": mentor.pk, "topic": "API", "message": "<b>hi</b>", "preferred_times": times,
         "duration_minutes": 45},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= FIELDS
    assert (body["status"], body["mentor"], body["learner"]) == ("pending", mentor.pk, learner.pk)
    assert body["message"] == "<b>hi</b>"  # stored as text; escaped wherever it is shown
    assert body["duration_minutes"] == 45
    r = SessionRequest.objects.get()
    assert r.preferred_datetimes[1] == timezone.datetime.fromisoformat(times[1])
    make_request(other_learner, mentor)
    listed = learner_api.get("/api/learner/requests/").json()
    assert [row["id"] for row in listed["results"]] == [r.pk]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"preferred_times": []}, "preferred_times"),
        ({"preferred_times": [future(h).isoformat() for h in range(1, 7)]}, "preferred_times"),
        ({"preferred_times": ["2001-01-01T10:00:00Z"]}, "preferred_times"),
        ({"preferred_times": ["whenever"]}, "preferred_times"),
        ({"preferred_times": "2030-01-01T10:00:00Z"}, "preferred_times"),
        ({"topic": ""}, "topic"),
        ({"topic": "x" * 201}, "topic"),
        ({"mentor": 999999}, "mentor"),
        ({"mentor": "abc"}, "mentor"),
        ({"duration_minutes": 5}, "duration_minutes"),
    ],
)
def test_bad_learner_input_answers_400_with_field_errors(learner_api, mentor, change, field):
    payload = {"mentor": mentor.pk, "topic": "API", "preferred_times": [future(30).isoformat()]}
    response = learner_api.post("/api/learner/requests/", {**payload, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not SessionRequest.objects.exists()


def test_a_learner_cannot_request_from_a_non_mentor_or_themself(
    learner_api, learner, other_learner
):
    for target in (learner, other_learner):
        payload = {"mentor": target.pk, "topic": "x", "preferred_times": [future(30).isoformat()]}
        response = learner_api.post("/api/learner/requests/", payload, format="json")
        assert response.status_code == 400
        assert "mentor" in response.json()
    assert not SessionRequest.objects.exists()


def test_the_fourth_pending_request_answers_400_with_a_clear_message(learner_api, learner, mentor):
    for _ in range(3):
        make_request(learner, mentor)
    payload = {"mentor": mentor.pk, "topic": "x", "preferred_times": [future(30).isoformat()]}
    response = learner_api.post("/api/learner/requests/", payload, format="json")
    assert response.status_code == 400
    assert "already have 3 pending requests" in response.json()["detail"]


def test_a_learner_cannot_see_someone_elses_request(learner_api, other_learner, mentor):
    theirs = make_request(other_learner, mentor)
    assert learner_api.get(f"/api/learner/requests/{theirs.pk}/").status_code == 404
    assert learner_api.post(f"/api/learner/requests/{theirs.pk}/withdraw/").status_code == 404


def test_the_list_endpoints_run_a_constant_number_of_queries(
    mentor_api, learner_api, mentor, learner, django_assert_max_num_queries
):
    for _ in range(3):
        make_request(learner, mentor)
    with django_assert_max_num_queries(6) as small:
        mentor_api.get("/api/requests/")
        learner_api.get("/api/learner/requests/")
    for _ in range(40):
        make_request(learner, mentor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        mentor_api.get("/api/requests/")
        learner_api.get("/api/learner/requests/")


def test_the_schema_lists_the_request_statuses_not_the_session_ones(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    page = schema["paths"]["/api/requests/"]["get"]["responses"]["200"]["content"]
    page_ref = page["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    item_ref = components[page_ref]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]
    status = components[item_ref]["properties"]["status"]
    enum_ref = (status.get("allOf") or [status])[0]["$ref"].rsplit("/", 1)[1]
    assert set(components[enum_ref]["enum"]) == set(SessionRequest.Status.values)
    assert set(components["SessionStatusEnum"]["enum"]) == {
        "draft", "scheduled", "live", "completed", "cancelled",
    }  # fmt: skip
