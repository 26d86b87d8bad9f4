"""Private sessions (issue #16.1): only their mentor and their learners ever see them.

A private session is never listed (catalogue page and API, the mentor's public
page) and answers 404 by id to everyone else (detail page and API, .ics, live
room, book endpoints). Sessions born from an accepted request are private.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from requests_app.models import SessionRequest
from sessions_app.models import Booking, Session
from tests.conftest import bearer, jwt_client, make_user
from tests.requests_app.builders import future, make_request

from .builders import make_booking, make_session

PRIVATE = Session.Visibility.PRIVATE
HX = {"HX-Request": "true"}


@pytest.fixture
def public(mentor):
    return make_session(mentor, title="Open group on testing", topic="Testing")


@pytest.fixture
def private(mentor, learner):
    """The mentor's private one-to-one with `learner` (Lea)."""
    session = make_session(
        mentor,
        title="Salary negotiation for Lea",
        topic="Career",
        capacity=1,
        visibility=PRIVATE,
        starts_at=timezone.now() + timedelta(days=3),
    )
    make_booking(session, learner)
    return session


# --- Never listed ----------------------------------------------------------------------


def test_the_catalogue_page_lists_public_sessions_but_never_a_private_one(
    public, private, learner, other_learner
):
    for user in (other_learner, learner):  # not even its own learner: the catalogue is public
        html = jwt_client(user).get("/sessions/").content.decode()
        assert public.title in html
        assert private.title not in html
        assert f"/sessions/{private.pk}/" not in html
    html = jwt_client(other_learner).get("/sessions/?q=Salary").content.decode()
    assert private.title not in html


def test_the_catalogue_api_lists_public_sessions_but_never_a_private_one(
    public, private, other_learner
):
    api = bearer(other_learner)
    ids = [s["id"] for s in api.get("/api/catalog/sessions/").json()["results"]]
    assert public.pk in ids
    assert private.pk not in ids
    day = private.starts_at.astimezone(other_learner.tzinfo).date().isoformat()
    found = api.get(f"/api/catalog/sessions/?q=Salary&date={day}").json()
    assert found["count"] == 0


def test_the_public_mentor_page_lists_public_sessions_but_never_a_private_one(
    mentor, public, private, other_learner, other_mentor
):
    for user in (other_learner, other_mentor):
        html = jwt_client(user).get(f"/mentors/{mentor.pk}/").content.decode()
        assert public.title in html
        assert private.title not in html


# --- 404 by id for everyone else ---------------------------------------------------------

PAGE_GETS = [
    "/sessions/{pk}/",
    "/sessions/{pk}/calendar.ics",
    "/sessions/{pk}/cancel-booking/",
    "/sessions/{pk}/review/",
    "/live/{pk}/",
    "/live/{pk}/ice/",
]


@pytest.mark.parametrize("url", PAGE_GETS)
def test_a_third_party_learner_gets_404_for_every_page_of_a_private_session(
    url, private, other_learner
):
    assert jwt_client(other_learner).get(url.format(pk=private.pk)).status_code == 404


@pytest.mark.parametrize("url", ["/sessions/{pk}/", "/sessions/{pk}/calendar.ics", "/live/{pk}/"])
def test_another_mentor_gets_404_for_a_private_session(url, private, other_mentor):
    assert jwt_client(other_mentor).get(url.format(pk=private.pk)).status_code == 404
    assert bearer(other_mentor).get(f"/api/catalog/sessions/{private.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/sessions/{pk}/", "/sessions/{pk}/calendar.ics", "/live/{pk}/", "/live/{pk}/ice/"]
)
def test_its_learner_and_its_mentor_open_a_private_session(url, private, mentor, learner):
    for user in (learner, mentor):
        response = jwt_client(user).get(url.format(pk=private.pk))
        assert response.status_code == 200, (user.username, url)
    html = jwt_client(learner).get(f"/sessions/{private.pk}/").content.decode()
    assert private.title in html
    assert 'data-visibility="private"' in html


def test_the_catalogue_detail_api_answers_404_to_others_and_the_session_to_its_people(
    private, mentor, learner, other_learner
):
    assert bearer(other_learner).get(f"/api/catalog/sessions/{private.pk}/").status_code == 404
    for user in (learner, mentor):
        response = bearer(user).get(f"/api/catalog/sessions/{private.pk}/")
        assert response.status_code == 200
        assert response.json()["visibility"] == "private"


def test_a_third_party_learner_cannot_book_a_private_session(private, other_learner):
    page = jwt_client(other_learner).post(f"/sessions/{private.pk}/book/")
    api = bearer(other_learner).post(f"/api/catalog/sessions/{private.pk}/book/")
    assert (page.status_code, api.status_code) == (404, 404)
    assert not Booking.objects.filter(session=private, learner=other_learner).exists()
    private.refresh_from_db()
    assert private.booked_count == 1


def test_a_private_group_session_takes_no_catalogue_bookings_even_with_free_seats(
    mentor, learner, other_learner
):
    session = make_session(mentor, capacity=3, visibility=PRIVATE)
    make_booking(session, learner)
    assert bearer(other_learner).post(f"/api/catalog/sessions/{session.pk}/book/").status_code == (
        404
    )
    # Its own learner sees it, but still can't add a seat through the catalogue.
    Booking.objects.filter(session=session, learner=learner).update(status=Booking.Status.CANCELLED)
    assert bearer(learner).post(f"/api/catalog/sessions/{session.pk}/book/").status_code == 409
    assert Booking.objects.filter(session=session, status=Booking.Status.BOOKED).count() == 0


def test_its_learner_booking_again_is_a_conflict_not_a_404(private, learner):
    assert bearer(learner).post(f"/api/catalog/sessions/{private.pk}/book/").status_code == 409
    assert jwt_client(learner).post(f"/sessions/{private.pk}/book/").status_code == 409


# --- Born private: accepted requests -----------------------------------------------------


def test_accepting_a_request_makes_a_private_session_nobody_else_sees(
    mentor, mentor_api, learner, other_learner
):
    mentor.mentor_profile.expertise = ["Python", "Django"]
    mentor.mentor_profile.save()
    request_obj = make_request(learner, mentor, topic="Help with Django signals and caching")
    response = mentor_api.post(
        f"/api/requests/{request_obj.pk}/accept/",
        {"scheduled_at": future(30).isoformat()},
        format="json",
    )
    assert response.status_code == 200
    session = Session.objects.get(pk=response.json()["session"])
    assert session.visibility == PRIVATE
    # A short topic (the mentor's tag the request mentions), never a copy of the title.
    assert session.title == "Help with Django signals and caching"
    assert session.topic == "Django"
    ids = [s["id"] for s in bearer(other_learner).get("/api/catalog/sessions/").json()["results"]]
    assert session.pk not in ids
    assert jwt_client(other_learner).get(f"/sessions/{session.pk}/").status_code == 404
    assert jwt_client(learner).get(f"/sessions/{session.pk}/").status_code == 200


def test_accepting_from_the_dashboard_makes_a_private_session(mentor_client, learner, mentor):
    request_obj = make_request(learner, mentor, topic="Mock interview")
    response = mentor_client.post(
        f"/mentor/dashboard/requests/{request_obj.pk}/accept/", {"choice": "0"}
    )
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.status == SessionRequest.Status.ACCEPTED
    assert request_obj.session.visibility == PRIVATE
    assert request_obj.session.topic_chip == ""  # no expertise tag in it: no chip at all


def test_the_demo_marks_request_born_sessions_private(db):
    from accounts.demo import seed_accounts
    from requests_app import demo as request_demo
    from sessions_app import demo as session_demo

    users = seed_accounts()
    session_demo.seed(users)
    request_demo.seed(users)
    born = Session.objects.filter(origin_request__isnull=False)
    assert born.count() == 1
    assert born.get().visibility == PRIVATE
    assert Session.objects.filter(visibility="public", status="scheduled").exists()
    # A database seeded before sessions had a visibility is put right by the next seed.
    born.update(visibility="public")
    request_demo.seed(users)
    assert born.get().visibility == PRIVATE


# --- Mentors choose: API and dashboard ----------------------------------------------------


def _create_payload(**extra):
    starts = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    return {"title": "Portfolio review", "starts_at": starts.isoformat(), **extra}


def test_the_api_creates_a_private_session_and_says_so(mentor_api, other_learner):
    response = mentor_api.post("/api/sessions/", _create_payload(visibility="private"))
    assert response.status_code == 201
    body = response.json()
    assert body["visibility"] == "private"
    assert "ends_at" in body
    session = Session.objects.get(pk=body["id"])
    assert session.visibility == PRIVATE
    mentor_api.post(f"/api/sessions/{session.pk}/publish/")
    assert Session.objects.get(pk=session.pk).status == Session.Status.SCHEDULED
    ids = [s["id"] for s in bearer(other_learner).get("/api/catalog/sessions/").json()["results"]]
    assert session.pk not in ids


def test_the_api_defaults_to_public_and_rejects_an_unknown_visibility(mentor_api):
    response = mentor_api.post("/api/sessions/", _create_payload())
    assert response.json()["visibility"] == "public"
    bad = mentor_api.post("/api/sessions/", _create_payload(visibility="secret"), format="json")
    assert bad.status_code == 400
    assert "visibility" in bad.json()
    assert Session.objects.count() == 1


def test_patching_visibility_hides_a_published_session_from_the_catalogue(
    mentor_api, public, other_learner
):
    response = mentor_api.patch(
        f"/api/sessions/{public.pk}/", {"visibility": "private"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["visibility"] == "private"
    public.refresh_from_db()
    assert public.visibility == PRIVATE
    assert bearer(other_learner).get(f"/api/catalog/sessions/{public.pk}/").status_code == 404
    listed = mentor_api.get("/api/sessions/?status=scheduled").json()["results"]
    assert [s["visibility"] for s in listed if s["id"] == public.pk] == ["private"]


def test_a_private_session_with_its_learner_booked_stays_private(mentor_api, private):
    response = mentor_api.patch(
        f"/api/sessions/{private.pk}/", {"visibility": "public"}, format="json"
    )
    assert response.status_code == 400
    assert "visibility" in response.json()
    private.refresh_from_db()
    assert private.visibility == PRIVATE


def test_the_dashboard_form_makes_a_session_private(mentor_client, mentor, public):
    local = public.starts_at.astimezone(mentor.tzinfo)
    form = {
        "title": public.title,
        "topic": public.topic,
        "description": "",
        "date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": public.duration_minutes,
        "capacity": public.capacity,
        "price": public.price,
        "visibility": "private",
        "action": "save",
    }
    dialog = mentor_client.get(f"/mentor/dashboard/sessions/{public.pk}/edit/", headers=HX)
    assert 'name="visibility"' in dialog.content.decode()
    response = mentor_client.post(f"/mentor/dashboard/sessions/{public.pk}/edit/", form)
    assert response.status_code == 302
    public.refresh_from_db()
    assert public.visibility == PRIVATE


def test_the_dashboard_form_leaves_visibility_alone_when_the_field_is_left_out(
    mentor_client, mentor, private
):
    local = private.starts_at.astimezone(mentor.tzinfo)
    form = {
        "title": "Renamed",
        "date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": 60,
        "capacity": 1,
        "price": "25.00",
    }
    assert mentor_client.post(f"/mentor/dashboard/sessions/{private.pk}/edit/", form).status_code
    private.refresh_from_db()
    assert (private.title, private.visibility) == ("Renamed", PRIVATE)


def test_the_dashboard_row_says_private_and_with_whom(mentor_client, private, public):
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert "Private · 1:1 with Lea" in html
    assert html.count('data-visibility="private"') == 1  # the public one has no chip
    dialog = mentor_client.get(f"/mentor/dashboard/sessions/{private.pk}/", headers=HX)
    assert "Private · 1:1 with Lea" in dialog.content.decode()


def test_the_topic_chip_never_repeats_the_title(mentor_client, mentor):
    make_session(mentor, title="Django basics", topic="django  basics")
    make_session(mentor, title="Deploying to a VPS", topic="Operations")
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert html.count("data-topic-chip") == 1
    assert ">Operations</span>" in html
    catalogue = jwt_client(make_user("lu", first_name="Lu")).get("/sessions/").content.decode()
    assert "· django  basics" not in catalogue
    assert "· Operations" in catalogue


def test_the_admin_shows_and_filters_visibility(staff, public, private):
    client = Client()
    client.force_login(staff)
    html = client.get("/admin/sessions_app/session/").content.decode()
    assert "column-visibility" in html
    assert "?visibility__exact=private" in html
    filtered = client.get("/admin/sessions_app/session/?visibility__exact=private")
    html = filtered.content.decode()
    assert private.title in html
    assert public.title not in html


# --- Constant query counts -------------------------------------------------------------------


def _add_sessions(mentor, learners, n, start):
    """n private sessions (each booked) and n public ones."""
    for i in range(n):
        when = timezone.now() + timedelta(days=start, hours=3 * i)
        session = make_session(mentor, title=f"P{start}-{i}", visibility=PRIVATE, starts_at=when)
        make_booking(session, learners[i % len(learners)])
        make_session(mentor, title=f"O{start}-{i}", starts_at=when + timedelta(minutes=90))


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("learner", "/sessions/"),
        ("learner", "/mentors/{mentor}/"),
        ("mentor", "/mentor/dashboard/sessions/scheduled/"),
    ],
)
def test_lists_keep_a_constant_query_count(
    who, url, mentor, learner, other_learner, django_assert_max_num_queries
):
    from django.core.cache import caches

    user = {"learner": other_learner, "mentor": mentor}[who]
    client = jwt_client(user)
    url = url.format(mentor=mentor.pk)
    _add_sessions(mentor, [learner], 2, start=1)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    _add_sessions(mentor, [learner, make_user("l3", first_name="Ida")], 12, start=2)
    caches["figures"].clear()  # rendered rows are cached per data version
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_catalogue_api_keeps_a_constant_query_count(
    mentor, learner, other_learner, django_assert_max_num_queries
):
    api = bearer(other_learner)
    _add_sessions(mentor, [learner], 2, start=1)
    with django_assert_max_num_queries(20) as small:
        assert api.get("/api/catalog/sessions/").status_code == 200
    _add_sessions(mentor, [learner], 12, start=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get("/api/catalog/sessions/").status_code == 200
