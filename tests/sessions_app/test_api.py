"""/api/sessions/ and /api/catalog/sessions/ (CONTRACT.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import Booking, Session
from tests.conftest import bearer
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db

SESSION_FIELDS = {
    "id",
    "title",
    "description",
    "topic",
    "starts_at",
    "duration_minutes",
    "capacity",
    "price",
    "status",
    "participant_count",
    "mentor",
}


def payload(**over):
    data = {
        "title": "API session",
        "description": "<p>Hi</p><script>x</script>",
        "topic": "APIs",
        "starts_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "duration_minutes": 45,
        "capacity": 2,
        "price": "15.50",
    }
    data.update(over)
    return data


def test_create_then_get_patch_publish_delete(mentor_api, mentor):
    response = mentor_api.post("/api/sessions/", payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= SESSION_FIELDS
    assert body["status"] == "draft" and body["price"] == "15.50"
    assert body["mentor"] == mentor.pk and body["participant_count"] == 0
    assert body["description"] == "<p>Hi</p>"
    assert body["starts_at"].endswith("Z") or "+" in body["starts_at"]
    pk = body["id"]

    assert mentor_api.get(f"/api/sessions/{pk}/").json()["title"] == "API session"
    patched = mentor_api.patch(f"/api/sessions/{pk}/", {"title": "Renamed"}, format="json")
    assert patched.status_code == 200 and patched.json()["title"] == "Renamed"
    published = mentor_api.post(f"/api/sessions/{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "scheduled"
    again = mentor_api.post(f"/api/sessions/{pk}/publish/")
    assert again.status_code == 409 and "already published" in again.json()["detail"]
    # A published session can't be deleted, only cancelled.
    assert mentor_api.delete(f"/api/sessions/{pk}/").status_code == 409
    draft = mentor_api.post("/api/sessions/", payload(), format="json").json()["id"]
    assert mentor_api.delete(f"/api/sessions/{draft}/").status_code == 204
    assert not Session.objects.filter(pk=draft).exists()


@pytest.mark.parametrize(
    "over, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"starts_at": (timezone.now() - timedelta(hours=1)).isoformat()}, "starts_at"),
        ({"starts_at": "not a time"}, "starts_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 50}, "capacity"),
        ({"price": "-1.00"}, "price"),
        ({"price": "lots"}, "price"),
    ],
)
def test_bad_input_answers_400_with_field_errors(mentor_api, over, field):
    response = mentor_api.post("/api/sessions/", payload(**over), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Session.objects.exists()


def test_garbage_body_never_answers_500(mentor_api):
    assert (
        mentor_api.post("/api/sessions/", "[1,2]", content_type="application/json").status_code
        == 400
    )
    assert (
        mentor_api.post("/api/sessions/", "{", content_type="application/json").status_code == 400
    )
    assert mentor_api.get("/api/sessions/?status=bogus").status_code == 400
    assert mentor_api.get("/api/sessions/abc/").status_code == 404


def test_list_filters_by_status(mentor_api, mentor):
    make_session(mentor, title="D", status="draft")
    make_session(mentor, title="S")
    make_session(mentor, title="C", status="completed")
    make_session(mentor, title="X", status="cancelled")

    def titles(status):
        body = mentor_api.get(f"/api/sessions/?status={status}").json()
        assert set(body) == {"count", "next", "previous", "results"}
        return {row["title"] for row in body["results"]}

    assert titles("draft") == {"D"}
    assert titles("scheduled") == {"S"}
    assert titles("past") == {"C", "X"}


def test_another_mentors_session_answers_404(mentor_api, other_mentor):
    session = make_session(other_mentor, status="draft")
    assert mentor_api.get(f"/api/sessions/{session.pk}/").status_code == 404
    assert (
        mentor_api.patch(f"/api/sessions/{session.pk}/", {"title": "x"}, format="json").status_code
        == 404
    )
    assert mentor_api.post(f"/api/sessions/{session.pk}/publish/").status_code == 404
    assert mentor_api.delete(f"/api/sessions/{session.pk}/").status_code == 404
    assert session.pk not in [r["id"] for r in mentor_api.get("/api/sessions/").json()["results"]]
    session.refresh_from_db()
    assert session.status == "draft"


def test_wrong_role_403_and_no_token_401(learner_api, api_client, mentor):
    assert learner_api.get("/api/sessions/").status_code == 403
    assert learner_api.post("/api/sessions/", payload(), format="json").status_code == 403
    assert api_client.get("/api/sessions/").status_code == 401
    assert api_client.get("/api/catalog/sessions/").status_code == 401
    session = make_session(mentor)
    assert bearer(mentor).post(f"/api/catalog/sessions/{session.pk}/book/").status_code == 403


def test_editing_a_completed_session_is_refused(mentor_api, mentor):
    session = make_session(mentor, status="completed")
    response = mentor_api.patch(f"/api/sessions/{session.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 409
    session.refresh_from_db()
    assert session.title == "Django basics"


def test_catalog_and_booking(learner_api, learner, mentor, other_learner):
    session = make_session(mentor, capacity=1)
    make_session(mentor, title="Draft", status="draft")
    body = learner_api.get("/api/catalog/sessions/").json()
    assert [row["id"] for row in body["results"]] == [session.pk]
    assert set(body["results"][0]) >= SESSION_FIELDS
    assert learner_api.get("/api/catalog/sessions/?q=django").json()["count"] == 1
    assert learner_api.get("/api/catalog/sessions/?q=zzz").json()["count"] == 0
    assert learner_api.get("/api/catalog/sessions/?date=nope").status_code == 400

    response = learner_api.post(f"/api/catalog/sessions/{session.pk}/book/")
    assert response.status_code == 201
    assert response.json()["session"] == session.pk and response.json()["status"] == "booked"
    assert {"id", "session", "status"} <= set(response.json())
    full = bearer(other_learner).post(f"/api/catalog/sessions/{session.pk}/book/")
    assert full.status_code == 409 and "full" in full.json()["detail"]
    assert Booking.objects.filter(session=session).count() == 1


def test_booking_a_cancelled_or_draft_session(learner_api, mentor):
    cancelled = make_session(mentor, status="cancelled")
    draft = make_session(mentor, status="draft")
    assert learner_api.post(f"/api/catalog/sessions/{cancelled.pk}/book/").status_code == 404
    assert learner_api.post(f"/api/catalog/sessions/{draft.pk}/book/").status_code == 404
    assert not Booking.objects.exists()


def test_participant_count_in_the_api(mentor_api, mentor, learner):
    session = make_session(mentor)
    make_booking(session, learner)
    assert mentor_api.get(f"/api/sessions/{session.pk}/").json()["participant_count"] == 1


def test_api_list_query_count_is_constant(mentor, django_assert_max_num_queries):
    client = bearer(mentor)

    def add(n):
        Session.objects.bulk_create(
            Session(
                mentor=mentor, title=f"T{i}", starts_at=timezone.now() + timedelta(days=1, hours=i)
            )
            for i in range(n)
        )

    add(5)
    with django_assert_max_num_queries(10) as small:
        assert client.get("/api/sessions/?status=draft").status_code == 200
    add(495)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get("/api/sessions/?status=draft").json()
    assert body["count"] == 500 and len(body["results"]) == 20
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/api/catalog/sessions/")


def test_schema_documents_the_endpoints(api_client):
    schema = api_client.get("/api/schema/").content.decode()
    for path in [
        "/api/sessions/",
        "/api/sessions/{id}/publish/",
        "/api/catalog/sessions/{id}/book/",
    ]:
        assert path in schema


def test_cancel_a_scheduled_session(mentor_api, mentor, learner):
    session = make_session(mentor)
    make_booking(session, learner)
    response = mentor_api.post(
        f"/api/sessions/{session.pk}/cancel/", {"reason": "Ill"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["participant_count"] == 0
    again = mentor_api.post(f"/api/sessions/{session.pk}/cancel/", {}, format="json")
    assert again.status_code == 409
    assert Booking.objects.get(session=session).status == "cancelled"
