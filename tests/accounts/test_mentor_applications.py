"""/signup/mentor/ → a MentorApplication → staff Approve / Reject in admin."""

import pytest
from django.test import Client

from accounts.models import MentorApplication, MentorProfile, User
from tests.conftest import make_user

from .signup_helpers import mentor_signup_data, path_of_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def applied(committed, mailoutbox):
    """A mentor applicant who followed the verification link."""
    response = committed(Client().post, "/signup/mentor/", mentor_signup_data())
    assert response.status_code == 200
    Client().get(path_of_link(mailoutbox[0], "/signup/verify/"))
    mailoutbox.clear()
    return MentorApplication.objects.get(user__username="omar")


def decide(client, action, applications, note=""):
    return client.post(
        "/admin/accounts/mentorapplication/",
        {
            "action": action,
            "_selected_action": [a.pk for a in applications],
            "note": note,
            "index": 0,
        },
        follow=True,
    )


def test_the_mentor_signup_page_has_the_account_and_mentoring_fields():
    html = Client().get("/signup/mentor/").content.decode()
    for name in ("display_name", "username", "email", "password1", "password2"):
        assert f'name="{name}"' in html
    for name in ("headline", "expertise", "motivation"):
        assert f'name="{name}"' in html
    assert 'href="/login/"' in html and 'href="/signup/"' in html


def test_applying_creates_an_unverified_learner_and_a_pending_application(mailoutbox, committed):
    response = committed(Client().post, "/signup/mentor/", mentor_signup_data())
    assert response.status_code == 200
    assert b"We received your mentor application" in response.content
    user = User.objects.get(username="omar")
    assert user.role == User.Role.LEARNER and not user.email_verified
    application = user.mentor_applications.get()
    assert application.status == MentorApplication.Status.PENDING
    assert application.headline == "Data engineer · Spark and SQL"
    assert application.expertise == ["SQL", "Spark", "data modelling"]  # cleaned, no duplicates
    assert application.motivation.startswith("Ten years")
    [message] = mailoutbox
    assert message.to == ["omar@example.com"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"headline": ""}, "headline", "This field is required."),
        ({"expertise": " , ,"}, "expertise", "Name at least one topic."),
        ({"expertise": ",".join(f"t{i}" for i in range(11))}, "expertise", "At most 10 topics."),
        ({"motivation": "too short"}, "motivation", "at least 20 characters"),
        ({"password2": "not-the-same-1"}, "password2", "The two passwords don"),
    ],
)
def test_bad_application_input_answers_422_on_its_field(overrides, field, message):
    response = Client().post("/signup/mentor/", mentor_signup_data(**overrides))
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 422
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert not User.objects.filter(username="omar").exists()
    assert not MentorApplication.objects.exists()


def test_staff_see_applications_under_mentor_applications_with_approve_and_reject(
    applied, admin_client
):
    index = admin_client.get("/admin/").content.decode()
    assert "Mentor applications" in index
    page = admin_client.get("/admin/accounts/mentorapplication/").content.decode()
    assert "omar@example.com" in page
    assert '<option value="approve">Approve</option>' in page
    assert '<option value="reject">Reject</option>' in page
    assert 'name="note"' in page
    detail = admin_client.get(f"/admin/accounts/mentorapplication/{applied.pk}/change/")
    assert b"Ten years of data pipelines" in detail.content


def test_approving_makes_the_account_a_mentor_with_a_profile_and_emails_them(
    applied, admin_client, staff, mailoutbox, committed
):
    response = committed(decide, admin_client, "approve", [applied], "Welcome aboard!")
    assert response.status_code == 200
    assert b"Approved 1 application(s)." in response.content
    applied.refresh_from_db()
    assert applied.status == MentorApplication.Status.APPROVED
    assert applied.decided_by == staff and applied.decided_at is not None
    assert applied.note == "Welcome aboard!"
    user = User.objects.get(username="omar")
    assert user.is_mentor
    profile = MentorProfile.objects.get(user=user)
    assert profile.display_name == "Omar Reyes"
    assert profile.headline == "Data engineer · Spark and SQL"
    assert profile.expertise == ["SQL", "Spark", "data modelling"]
    [message] = mailoutbox
    assert message.to == ["omar@example.com"]
    assert message.subject == "You're a MentorHub mentor now"
    assert "Welcome aboard!" in message.body
    assert "http://127.0.0.1:8000/mentor/dashboard" in message.body

    client = Client()
    signed_in = client.post("/login/", {"username": "omar", "password": "plum-lantern-42"})
    assert signed_in["Location"] == "/mentor/dashboard"
    assert client.get("/mentor/dashboard").status_code == 200


def test_rejecting_keeps_a_learner_and_sends_the_note(applied, admin_client, mailoutbox, committed):
    committed(decide, admin_client, "reject", [applied], "More experience first, please.")
    applied.refresh_from_db()
    assert applied.status == MentorApplication.Status.REJECTED
    assert User.objects.get(username="omar").is_learner
    [message] = mailoutbox
    assert "More experience first, please." in message.body
    assert message.subject == "About your MentorHub mentor application"


def test_an_application_is_decided_once(applied, admin_client, mailoutbox, committed):
    committed(decide, admin_client, "reject", [applied])
    response = committed(decide, admin_client, "approve", [applied])
    assert b"1 application(s) were already decided." in response.content
    applied.refresh_from_db()
    assert applied.status == MentorApplication.Status.REJECTED
    assert User.objects.get(username="omar").is_learner
    assert len(mailoutbox) == 1


def test_a_non_staff_user_cannot_open_the_applications(applied, learner):
    client = Client()
    client.force_login(learner)
    response = client.get("/admin/accounts/mentorapplication/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_mentor_applications_are_throttled_like_sign_ups(settings, committed):
    settings.ACCOUNT_THROTTLE_RATES = {"signup": "1/hour"}
    client = Client()
    assert committed(client.post, "/signup/mentor/", mentor_signup_data()).status_code == 200
    again = client.post(
        "/signup/mentor/", mentor_signup_data(username="omar2", email="o2@example.com")
    )
    assert again.status_code == 429
    assert not User.objects.filter(username="omar2").exists()


def test_approval_keeps_a_profile_the_account_already_had(admin_client, committed, staff):
    user = make_user("had", email="had@example.com")
    application = MentorApplication.objects.create(
        user=user, headline="New headline", expertise=["Go"], motivation="x" * 30
    )
    committed(decide, admin_client, "approve", [application])
    user.refresh_from_db()
    assert user.is_mentor
    assert user.mentor_profile.headline == "New headline"
