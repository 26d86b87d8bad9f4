"""/account/: change email (re-verified), change password, Sign out everywhere."""

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.conftest import jwt_client, make_user

from .signup_helpers import path_of_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora(db):
    return make_user("nora", email="nora@example.com")


def test_the_account_page_needs_a_signed_in_user():
    response = Client().get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/account/"


def test_the_account_page_shows_email_password_preferences_slot_and_sign_out_everywhere(nora):
    response = jwt_client(nora).get("/account/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "nora@example.com" in html
    assert 'name="new_email"' in html
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"' in html
    assert "Sign out everywhere" in html
    assert 'hx-get="/account/sign-out-everywhere/"' in html


def test_the_header_links_to_the_account_page(learner_client, mentor_client):
    assert 'href="/account/"' in learner_client.get("/").content.decode()
    assert 'href="/account/"' in mentor_client.get("/mentor/dashboard").content.decode()


def test_changing_the_email_needs_the_link_sent_to_the_new_address(nora, mailoutbox, committed):
    client = jwt_client(nora)
    response = committed(
        client.post, "/account/email/", {"new_email": "nora.q@example.org", "password": "pw-nora"}
    )
    assert response.status_code == 302
    page = client.get("/account/").content.decode()
    assert "We sent a link to nora.q@example.org" in page
    nora.refresh_from_db()
    assert nora.email == "nora@example.com"  # not until the link is followed
    [message] = mailoutbox
    assert message.to == ["nora.q@example.org"]
    assert message.subject == "Confirm your new email address for MentorHub"
    confirmed = Client().get(path_of_link(message, "/account/email/confirm/"))
    assert confirmed.status_code == 200
    assert b"nora.q@example.org" in confirmed.content
    nora.refresh_from_db()
    assert nora.email == "nora.q@example.org" and nora.email_verified
    assert Client().get(path_of_link(message, "/account/email/confirm/")).status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"new_email": "nope", "password": "pw-nora"}, "new_email", "Enter a valid email"),
        (
            {"new_email": "NORA@example.com", "password": "pw-nora"},
            "new_email",
            "already your email",
        ),
        ({"new_email": "TAKEN@example.com", "password": "pw-nora"}, "new_email", "already exists"),
        ({"new_email": "x@example.com", "password": "wrong"}, "password", "not right"),
    ],
)
def test_a_bad_email_change_is_a_field_error(nora, mailoutbox, committed, data, field, message):
    make_user("taken", email="taken@example.com")
    response = committed(jwt_client(nora).post, "/account/email/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert mailoutbox == []


def test_an_email_change_link_is_refused_when_the_address_was_taken_meanwhile(
    nora, mailoutbox, committed
):
    committed(
        jwt_client(nora).post,
        "/account/email/",
        {"new_email": "n2@example.com", "password": "pw-nora"},
    )
    make_user("fast", email="N2@example.com")
    response = Client().get(path_of_link(mailoutbox[0], "/account/email/confirm/"))
    assert response.status_code == 400
    assert b"already exists" in response.content
    nora.refresh_from_db()
    assert nora.email == "nora@example.com"


def test_a_tampered_email_change_link_is_refused(nora):
    response = Client().get("/account/email/confirm/abc:def:ghi/")
    assert response.status_code == 400
    assert b"This link is not valid" in response.content


def test_changing_the_password_keeps_this_browser_and_signs_out_the_others(nora):
    here, elsewhere = jwt_client(nora), jwt_client(nora)
    response = here.post(
        "/account/password/",
        {
            "old_password": "pw-nora",
            "new_password1": "velvet-harbor-77",
            "new_password2": "velvet-harbor-77",
        },
    )
    assert response.status_code == 302
    page = here.get("/account/")
    assert page.status_code == 200
    assert b"Your password was changed" in page.content
    nora.refresh_from_db()
    assert nora.check_password("velvet-harbor-77")
    gone = elsewhere.get("/account/")
    assert gone.status_code == 302 and gone["Location"].startswith("/login/")


def test_a_wrong_old_password_is_a_field_error(nora):
    response = jwt_client(nora).post(
        "/account/password/",
        {"old_password": "nope", "new_password1": "velvet-77x", "new_password2": "velvet-77x"},
    )
    assert response.status_code == 422
    assert b'id="id_old_password-error"' in response.content
    nora.refresh_from_db()
    assert nora.check_password("pw-nora")


def test_sign_out_everywhere_asks_for_confirmation_first(nora):
    client = jwt_client(nora)
    dialog = client.get("/account/sign-out-everywhere/", headers={"HX-Request": "true"})
    html = dialog.content.decode()
    assert dialog.status_code == 200
    assert html.lstrip().startswith("<dialog data-modal")
    assert "Yes, sign out everywhere" in html
    full = client.get("/account/sign-out-everywhere/")
    assert b"Yes, sign out everywhere" in full.content and b"<html" in full.content
    assert client.get("/account/").status_code == 200  # nothing happened on GET


def test_sign_out_everywhere_revokes_every_refresh_token_and_access_token(nora, learner):
    here, browser_two = jwt_client(nora), jwt_client(nora)
    api = APIClient()
    pair = api.post("/api/token/", {"username": "nora", "password": "pw-nora"}).json()
    bystander = jwt_client(learner)

    response = here.post("/account/sign-out-everywhere/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?signed_out=everywhere"
    assert response.cookies[settings.JWT_ACCESS_COOKIE].value == ""
    assert b"You were signed out on every device." in Client().get(response["Location"]).content

    for client in (here, browser_two):
        answer = client.get("/account/")
        assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    refreshed = APIClient().post("/api/token/refresh/", {"refresh": pair["refresh"]})
    assert refreshed.status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert api.get("/api/me/").status_code == 401
    assert bystander.get("/").status_code == 200
    # Signing in again works.
    again = Client().post("/login/", {"username": "nora", "password": "pw-nora"})
    assert again.status_code == 302 and again["Location"] == "/"


def test_sign_out_everywhere_needs_a_signed_in_post():
    response = Client().post("/account/sign-out-everywhere/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_sign_out_everywhere_needs_the_csrf_token(nora):
    client = jwt_client(nora, enforce_csrf=True)
    assert client.post("/account/sign-out-everywhere/").status_code == 403
    assert User.objects.get(pk=nora.pk).auth_version == nora.auth_version


def test_the_preferences_slot_shows_the_section_the_email_channel_provides(
    nora, settings, tmp_path
):
    section = tmp_path / "notifications" / "_preferences_section.html"
    section.parent.mkdir()
    section.write_text('<section id="prefs-slot">Preferences of {{ user.username }}</section>')
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    settings.TEMPLATES = templates
    html = jwt_client(nora).get("/account/").content.decode()
    assert '<section id="prefs-slot">Preferences of nora</section>' in html
