"""Learner sign-up, email verification, the refused sign-in before it, resend, throttling."""

import pytest
from django.core import signing
from django.test import Client
from rest_framework.test import APIClient

from accounts import services
from accounts.models import MentorApplication, User
from tests.conftest import make_user

from .signup_helpers import links_in, path_of_link, signup_data

pytestmark = pytest.mark.django_db


def sign_up(client, **overrides):
    return client.post("/signup/", signup_data(**overrides))


def test_the_signup_page_links_to_sign_in_and_the_mentor_application():
    response = Client().get("/signup/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("display_name", "username", "email", "password1", "password2"):
        assert f'name="{name}"' in html
    assert 'href="/login/"' in html and 'href="/signup/mentor/"' in html
    login = Client().get("/login/").content.decode()
    assert 'href="/signup/"' in login and 'href="/password-reset/"' in login


def test_signing_up_creates_an_unverified_learner_and_emails_a_link(mailoutbox, committed):
    response = committed(sign_up, Client())
    assert response.status_code == 200
    assert b"Check your email" in response.content
    user = User.objects.get(username="nora")
    assert user.role == User.Role.LEARNER
    assert user.email_verified is False
    assert user.display_name == "Nora Quinn"
    assert user.check_password("plum-lantern-42")
    assert not MentorApplication.objects.exists()
    [message] = mailoutbox
    assert message.to == ["nora@example.com"]
    assert message.subject == "Confirm your email address for MentorHub"
    assert message.alternatives[0].mimetype == "text/html"
    assert "List-Unsubscribe" not in message.extra_headers
    [link] = links_in(message)
    assert link.startswith("http://127.0.0.1:8000/signup/verify/")
    assert link in message.alternatives[0].content


def test_an_unverified_account_cannot_sign_in_until_the_link_is_followed(mailoutbox, committed):
    committed(sign_up, Client())
    client = Client()
    refused = client.post("/login/", {"username": "nora", "password": "plum-lantern-42"})
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Please confirm your email address first" in html
    assert 'href="/signup/resend/?email=nora%40example.com"' in html
    assert "mh_access" not in refused.cookies

    verified = client.get(path_of_link(mailoutbox[0], "/signup/verify/"))
    assert verified.status_code == 200
    assert b"Email confirmed" in verified.content
    assert User.objects.get(username="nora").email_verified is True

    signed_in = client.post("/login/", {"username": "nora", "password": "plum-lantern-42"})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_token_api_refuses_an_unverified_account_with_a_clear_message(mailoutbox, committed):
    committed(sign_up, Client())
    api = APIClient()
    refused = api.post("/api/token/", {"username": "nora", "password": "plum-lantern-42"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "email_not_verified"
    assert "confirm your email" in refused.json()["detail"]
    assert refused.json()["resend_url"] == "/signup/resend/"
    Client().get(path_of_link(mailoutbox[0], "/signup/verify/"))
    accepted = api.post("/api/token/", {"username": "nora", "password": "plum-lantern-42"})
    assert accepted.status_code == 200
    assert set(accepted.json()) == {"access", "refresh"}


def test_a_wrong_password_of_an_unverified_account_says_wrong_password_not_unverified():
    sign_up(Client())
    response = Client().post("/login/", {"username": "nora", "password": "nope-nope-nope"})
    assert response.status_code == 400
    assert b"Wrong username or password." in response.content
    assert b"confirm your email" not in response.content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"display_name": "   "}, "display_name", "This field is required."),
        ({"username": "no spaces"}, "username", "Enter a valid username"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"password2": "something-else-1"}, "password2", "The two passwords don"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "too common"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        (
            {"password1": "nora-quinn", "password2": "nora-quinn"},
            "password1",
            "too similar",
        ),
    ],
)
def test_bad_input_answers_422_with_the_message_on_its_field(overrides, field, message):
    response = sign_up(Client(), **overrides)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert message in html.replace("&#x27;", "'")
    assert not User.objects.filter(username=overrides.get("username", "nora")).exists()


def test_the_username_and_the_email_are_unique_whatever_their_case(mailoutbox, committed):
    make_user("Taken", email="Taken@Example.com")
    response = committed(sign_up, Client(), username="taken", email="TAKEN@example.COM")
    html = response.content.decode()
    assert response.status_code == 422
    assert "This username is taken" in html
    assert "An account with this email address already exists." in html
    assert User.objects.count() == 1
    assert mailoutbox == []


def test_the_database_refuses_a_second_account_with_the_same_email_in_another_case():
    from django.db import IntegrityError, transaction

    make_user("first", email="same@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("second", email="SAME@example.com")


def test_the_verification_link_expires(mailoutbox, monkeypatch, committed):
    committed(sign_up, Client())
    path = path_of_link(mailoutbox[0], "/signup/verify/")
    later = signing.time.time() + services.VERIFY_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = Client().get(path)
    assert response.status_code == 400
    assert b"This link has expired" in response.content
    assert User.objects.get(username="nora").email_verified is False


def test_a_forged_verification_link_is_refused():
    user = make_user("forged", email="forged@example.com", email_verified=False)
    token = signing.dumps({"u": user.pk, "e": user.email}, salt="another-salt")
    response = Client().get(f"/signup/verify/{token}/")
    assert response.status_code == 400
    assert b"This link is not valid" in response.content
    assert Client().get("/signup/verify/garbage/").status_code == 400
    user.refresh_from_db()
    assert user.email_verified is False


def test_resending_answers_the_same_whether_or_not_the_address_has_an_account(
    mailoutbox, committed
):
    committed(sign_up, Client())
    mailoutbox.clear()
    known = committed(Client().post, "/signup/resend/", {"email": "NORA@example.com"})
    unknown = committed(Client().post, "/signup/resend/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert b"If an unconfirmed account uses this address" in known.content
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    [message] = mailoutbox
    assert message.to == ["nora@example.com"]
    Client().get(path_of_link(message, "/signup/verify/"))
    assert User.objects.get(username="nora").email_verified


def _without_csrf(content: bytes) -> bytes:
    import re

    return re.sub(rb'(nonce|value)="[^"]{16,}"|"X-CSRFToken": "[^"]+"', b"", content)


def test_a_verified_account_gets_no_new_verification_email(mailoutbox, committed):
    make_user("done", email="done@example.com")
    response = committed(Client().post, "/signup/resend/", {"email": "done@example.com"})
    assert response.status_code == 200
    assert mailoutbox == []


def test_signups_from_one_address_are_throttled(settings, mailoutbox, committed):
    settings.ACCOUNT_THROTTLE_RATES = {"signup": "3/hour"}
    client = Client()
    for i in range(3):
        assert (
            committed(sign_up, client, username=f"u{i}", email=f"u{i}@example.com").status_code
            == 200
        )
    refused = committed(sign_up, client, username="u9", email="u9@example.com")
    assert refused.status_code == 429
    assert b"Too many attempts from your network" in refused.content
    assert not User.objects.filter(username="u9").exists()
    assert len(mailoutbox) == 3
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert committed(sign_up, other, username="u8", email="u8@example.com").status_code == 200


def test_resending_is_throttled(settings, mailoutbox, committed):
    settings.ACCOUNT_THROTTLE_RATES = {"verification": "2/hour"}
    committed(sign_up, Client())
    mailoutbox.clear()
    client = Client()
    for _ in range(2):
        assert (
            committed(client.post, "/signup/resend/", {"email": "nora@example.com"}).status_code
            == 200
        )
    assert (
        committed(client.post, "/signup/resend/", {"email": "nora@example.com"}).status_code == 429
    )
    assert len(mailoutbox) == 2


def test_a_signed_in_user_is_sent_home_from_the_signup_page(learner_client):
    response = learner_client.get("/signup/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_existing_accounts_count_as_verified(learner, mentor):
    assert learner.email_verified and mentor.email_verified


def test_an_account_made_by_admin_is_verified_by_default():
    assert User.objects.create_user("viaadmin", password="x").email_verified is True


def test_the_verification_link_of_an_old_address_does_not_verify_a_new_one(mailoutbox, committed):
    committed(sign_up, Client())
    path = path_of_link(mailoutbox[0], "/signup/verify/")
    User.objects.filter(username="nora").update(email="nora2@example.com")
    assert Client().get(path).status_code == 400
    assert User.objects.get(username="nora").email_verified is False
