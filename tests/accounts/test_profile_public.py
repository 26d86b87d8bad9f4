"""Public mentor pages: /mentors/ and /mentors/<id>/ for signed-in users."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import MentorProfile, User
from core.formatting import zone_label
from sessions_app.models import Review, Session
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def make_session(mentor, *, status=Session.Status.SCHEDULED, hours=24, title="Intro to Django"):
    return Session.objects.create(
        mentor=mentor,
        title=title,
        starts_at=timezone.now() + timedelta(hours=hours),
        duration_minutes=60,
        capacity=3,
        status=status,
    )


def review(mentor, learner, rating, title="Past"):
    session = make_session(mentor, status=Session.Status.COMPLETED, hours=-48, title=title)
    return Review.objects.create(session=session, learner=learner, mentor=mentor, rating=rating)


def test_the_list_shows_mentors_with_headline_and_expertise(
    learner_client, mentor, other_mentor, learner
):
    MentorProfile.objects.filter(user=mentor).update(
        display_name="Ann Okafor", headline="Django mentor", expertise=["Python", "Django"]
    )
    response = learner_client.get("/mentors/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ann Okafor" in html and "Django mentor" in html and ">Python<" in html
    assert f'href="/mentors/{mentor.pk}/"' in html
    assert f'href="/mentors/{other_mentor.pk}/"' in html
    assert f'href="/mentors/{learner.pk}/"' not in html
    # nav: Mentors is the current page
    assert re.search(r'<a href="[^"]+" aria-current="page"[^>]*>Mentors</a>', html)


def test_the_list_can_be_searched(learner_client, mentor, other_mentor):
    MentorProfile.objects.filter(user=mentor).update(expertise=["Kubernetes"])
    html = learner_client.get("/mentors/?q=kubern").content.decode()
    assert f'href="/mentors/{mentor.pk}/"' in html
    assert f'href="/mentors/{other_mentor.pk}/"' not in html
    empty = learner_client.get("/mentors/?q=zzz-nothing").content.decode()
    assert "No mentors match" in empty


def test_the_list_query_count_does_not_grow_with_mentors(
    learner_client, learner, django_assert_max_num_queries
):
    for i in range(3):
        make_user(f"m{i}", User.Role.MENTOR)
    with django_assert_max_num_queries(12) as small:
        learner_client.get("/mentors/")
    for i in range(3, 20):
        m = make_user(f"m{i}", User.Role.MENTOR)
        review(m, learner, 4, title=f"s{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = learner_client.get("/mentors/")
    assert response.content.decode().count('href="/mentors/') >= 20


def test_the_mentor_page_shows_profile_rating_and_upcoming_sessions(
    learner_client, mentor, learner, other_learner
):
    MentorProfile.objects.filter(user=mentor).update(
        display_name="Ann Okafor",
        headline="Django mentor",
        bio='<p>Hello <a href="https://ann.dev" rel="nofollow noopener">site</a></p>',
        expertise=["Python"],
        languages=["English", "Yoruba"],
    )
    review(mentor, learner, 5, "a")
    review(mentor, other_learner, 4, "b")
    upcoming = make_session(mentor, title="Upcoming one")
    draft = make_session(mentor, status=Session.Status.DRAFT, title="Secret draft")
    past = make_session(mentor, hours=-2, title="Already started")
    cancelled = make_session(mentor, status=Session.Status.CANCELLED, title="Cancelled one")

    response = learner_client.get(f"/mentors/{mentor.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Ann Okafor",
        "Django mentor",
        ">Python<",
        "English, Yoruba",
        zone_label("Europe/Berlin"),
    ):
        assert text in html
    assert '<a href="https://ann.dev" rel="nofollow noopener">site</a>' in html
    assert "4.5" in html and "2 reviews" in html
    assert f'href="/sessions/{upcoming.pk}/"' in html
    for hidden in (draft, past, cancelled):
        assert hidden.title not in html
    assert f'href="/mentors/{mentor.pk}/request/"' in html and "Request a session" in html
    # Times say their zone (the learner's): UTC here; zones by name, never by id.
    assert "UTC" in html and "Europe/Berlin" not in html


def test_no_reviews_yet(learner_client, mentor):
    html = learner_client.get(f"/mentors/{mentor.pk}/").content.decode()
    assert "No reviews yet" in html
    assert "No published sessions coming up" in html


def test_session_times_are_shown_in_the_viewers_zone(mentor, learner):
    from tests.conftest import jwt_client

    session = make_session(mentor)
    learner.timezone = "Asia/Kolkata"
    learner.save()
    html = jwt_client(learner).get(f"/mentors/{mentor.pk}/").content.decode()
    local = timezone.localtime(session.starts_at, timezone=learner.tzinfo)
    assert f"{local:%H:%M} IST" in html


def test_a_bio_written_around_the_service_is_still_cleaned_on_display(learner_client, mentor):
    MentorProfile.objects.filter(user=mentor).update(
        bio="<p>ok</p><script>alert(1)</script><img src=x onerror=alert(1)>"
    )
    html = learner_client.get(f"/mentors/{mentor.pk}/").content.decode()
    assert "<p>ok</p>" in html
    assert "alert(1)" not in html and "onerror" not in html


def test_non_mentors_and_unknown_ids_are_404(learner_client, learner, staff):
    assert learner_client.get(f"/mentors/{learner.pk}/").status_code == 404
    assert learner_client.get(f"/mentors/{staff.pk}/").status_code == 404
    assert learner_client.get("/mentors/999999/").status_code == 404


def test_a_mentor_without_a_profile_row_still_has_a_page(learner_client):
    bare = User.objects.create_user(username="admin_made", password="x", role=User.Role.MENTOR)
    response = learner_client.get(f"/mentors/{bare.pk}/")
    assert response.status_code == 200
    assert "admin_made" in response.content.decode()
    assert MentorProfile.objects.filter(user=bare).exists()


def test_an_inactive_mentor_is_404(learner_client, mentor):
    User.objects.filter(pk=mentor.pk).update(is_active=False)
    assert learner_client.get(f"/mentors/{mentor.pk}/").status_code == 404


def test_mentors_see_their_own_page_with_an_edit_link(mentor_client, mentor):
    html = mentor_client.get(f"/mentors/{mentor.pk}/").content.decode()
    assert "This is your public page" in html
    assert "Request a session" not in html


def test_anonymous_visitors_must_sign_in(anon_client, mentor):
    for url in ("/mentors/", f"/mentors/{mentor.pk}/"):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_a_mentor_created_anywhere_is_listed_on_the_mentors_page(learner_client):
    from accounts.models import User

    User.objects.create_user("fresh_mentor", password="x" * 12, role=User.Role.MENTOR)
    page = learner_client.get("/mentors/")
    assert page.status_code == 200 and "fresh_mentor" in page.content.decode()
