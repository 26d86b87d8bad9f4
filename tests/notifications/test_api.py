"""/api/notifications/: own rows only, paginated, read / read-all."""

from tests.conftest import jwt_client
from tests.notifications.builders import make_notification

FIELDS = {"id", "kind", "title", "body", "url", "level", "created_at", "read"}


def test_it_lists_only_the_callers_notifications_newest_first(mentor, other_mentor, mentor_api):
    make_notification(mentor, "first", kind="booking", url="/x/")
    make_notification(mentor, "second", level="urgent", read=True)
    make_notification(other_mentor, "not yours")
    response = mentor_api.get("/api/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    first, second = body["results"][1], body["results"][0]
    assert set(first) >= FIELDS
    assert (second["title"], second["level"], second["read"]) == ("second", "urgent", True)
    assert (first["title"], first["kind"], first["url"], first["read"]) == (
        "first",
        "booking",
        "/x/",
        False,
    )
    assert "+" in first["created_at"] or first["created_at"].endswith("Z")


def test_it_filters_unread_and_paginates(mentor, mentor_api):
    for i in range(25):
        make_notification(mentor, f"n{i}", read=i % 5 == 0)
    body = mentor_api.get("/api/notifications/").json()
    assert body["count"] == 25 and len(body["results"]) == 20 and body["next"]
    assert mentor_api.get("/api/notifications/?unread=1").json()["count"] == 20


def test_read_marks_one_and_another_users_id_is_404(mentor, other_mentor, mentor_api):
    mine = make_notification(mentor, "mine")
    theirs = make_notification(other_mentor, "theirs")
    response = mentor_api.post(f"/api/notifications/{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert mentor_api.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    assert mentor_api.post("/api/notifications/abc/read/").status_code == 404
    assert mentor_api.post("/api/notifications/999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert mentor_api.post(f"/api/notifications/{mine.pk}/unread/").json()["read"] is False


def test_read_all_marks_only_the_callers_rows(mentor, other_mentor, mentor_api):
    make_notification(mentor, "a")
    make_notification(mentor, "b")
    theirs = make_notification(other_mentor, "theirs")
    response = mentor_api.post("/api/notifications/read-all/")
    assert response.status_code == 200
    assert response.json() == {"updated": 2, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_learners_use_it_too(learner, learner_api):
    make_notification(learner, "Session is live", kind="session_live", level="urgent")
    assert learner_api.get("/api/notifications/").json()["count"] == 1


def test_no_token_is_401(api_client, mentor):
    item = make_notification(mentor, "x")
    assert api_client.get("/api/notifications/").status_code == 401
    assert api_client.post(f"/api/notifications/{item.pk}/read/").status_code == 401
    assert api_client.post("/api/notifications/read-all/").status_code == 401


def test_cookie_callers_need_the_csrf_token(mentor):
    item = make_notification(mentor, "x")
    client = jwt_client(mentor, enforce_csrf=True)
    assert client.post(f"/api/notifications/{item.pk}/read/").status_code == 403
    item.refresh_from_db()
    assert item.read_at is None


def test_the_list_uses_a_constant_number_of_queries(
    mentor, mentor_api, django_assert_max_num_queries
):
    make_notification(mentor, "one")
    with django_assert_max_num_queries(5) as small:
        mentor_api.get("/api/notifications/")
    for i in range(40):
        make_notification(mentor, f"n{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        mentor_api.get("/api/notifications/")
