"""/password-reset/: Django's flow with our templates and emails, no enumeration."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.conftest import jwt_client, make_user

from .signup_helpers import path_of_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora(db):
    return make_user("nora", email="nora@example.com")


def _comparable(content: bytes) -> bytes:
    return re.sub(rb'(nonce|value)="[^"]{16,}"|"X-CSRFToken": "[^"]+"', b"", content)


def test_the_reset_page_has_an_email_field_and_links_back_to_sign_in(committed):
    html = Client().get("/password-reset/").content.decode()
    assert 'name="email"' in html and 'href="/login/"' in html


def test_a_known_and_an_unknown_address_get_the_same_answer(nora, mailoutbox, committed):
    known = committed(Client().post, "/password-reset/", {"email": "NORA@example.com"})
    unknown = committed(Client().post, "/password-reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password-reset/sent/"
    page_known = Client().get(known["Location"])
    page_unknown = Client().get(unknown["Location"])
    assert _comparable(page_known.content) == _comparable(page_unknown.content)
    assert b"If an account uses this address" in page_known.content
    [message] = mailoutbox
    assert message.to == ["nora@example.com"]


def test_the_reset_email_is_text_and_html_with_an_absolute_link(nora, mailoutbox, committed):
    committed(Client().post, "/password-reset/", {"email": "nora@example.com"})
    [message] = mailoutbox
    assert message.subject == "Reset your MentorHub password"
    assert "List-Unsubscribe" not in message.extra_headers
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    link = re.search(r"http://127\.0\.0\.1:8000/password-reset/[^\s]+/", message.body).group(0)
    assert link in html


def test_resetting_end_to_end_sets_the_password_and_signs_out_other_sessions(
    nora, mailoutbox, committed
):
    other_browser = jwt_client(nora)
    assert other_browser.get("/").status_code == 200
    committed(Client().post, "/password-reset/", {"email": "nora@example.com"})
    client = Client()
    form = client.get(path_of_link(mailoutbox[0], "/password-reset/"), follow=True)
    assert form.status_code == 200
    assert b"Choose a new password" in form.content
    done = committed(
        client.post,
        form.redirect_chain[-1][0],
        {"new_password1": "velvet-harbor-77", "new_password2": "velvet-harbor-77"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/password-reset/done/"
    nora.refresh_from_db()
    assert nora.check_password("velvet-harbor-77")
    signed_in = Client().post("/login/", {"username": "nora", "password": "velvet-harbor-77"})
    assert signed_in.status_code == 302
    other = other_browser.get("/")
    assert other.status_code == 302 and other["Location"].startswith("/login/")


def test_a_reset_link_works_once(nora, mailoutbox, committed):
    committed(Client().post, "/password-reset/", {"email": "nora@example.com"})
    path = path_of_link(mailoutbox[0], "/password-reset/")
    client = Client()
    url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(url, {"new_password1": "velvet-harbor-77", "new_password2": "velvet-harbor-77"})
    again = Client().get(path, follow=True)
    assert b"This link doesn" in again.content
    assert b"new_password1" not in again.content


def test_a_weak_new_password_is_refused_on_its_field(nora, mailoutbox, committed):
    committed(Client().post, "/password-reset/", {"email": "nora@example.com"})
    client = Client()
    url = client.get(path_of_link(mailoutbox[0], "/password-reset/"), follow=True)
    response = client.post(
        url.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 422
    assert b'id="id_new_password2-error"' in response.content
    assert b"too short" in response.content
    nora.refresh_from_db()
    assert nora.check_password("pw-nora")


def test_a_reset_confirms_the_address_of_an_unverified_account(mailoutbox, committed):
    user = make_user("unv", email="unv@example.com", email_verified=False)
    committed(Client().post, "/password-reset/", {"email": "unv@example.com"})
    client = Client()
    url = client.get(path_of_link(mailoutbox[0], "/password-reset/"), follow=True)
    client.post(
        url.redirect_chain[-1][0],
        {"new_password1": "velvet-harbor-77", "new_password2": "velvet-harbor-77"},
    )
    user.refresh_from_db()
    assert user.email_verified
    token = APIClient().post("/api/token/", {"username": "unv", "password": "velvet-harbor-77"})
    assert token.status_code == 200


def test_bad_input_is_a_field_error(committed):
    response = committed(Client().post, "/password-reset/", {"email": "not an email"})
    assert response.status_code == 422
    assert b'id="id_email-error"' in response.content


def test_reset_requests_are_throttled(nora, settings, mailoutbox, committed):
    settings.ACCOUNT_THROTTLE_RATES = {"password_reset": "2/hour"}
    client = Client()
    for _ in range(2):
        assert (
            committed(client.post, "/password-reset/", {"email": "nora@example.com"}).status_code
            == 302
        )
    refused = committed(client.post, "/password-reset/", {"email": "nora@example.com"})
    assert refused.status_code == 429
    assert b"Too many attempts" in refused.content
    assert len(mailoutbox) == 2


def test_an_inactive_account_gets_no_reset_email(mailoutbox, committed):
    make_user("gone", email="gone@example.com", is_active=False)
    assert (
        committed(Client().post, "/password-reset/", {"email": "gone@example.com"}).status_code
        == 302
    )
    assert mailoutbox == []
    assert User.objects.get(username="gone").check_password("pw-gone")
