"""Account emails through a real SMTP server (aiosmtpd): sign up → receive →
follow the link → sign in; password reset end to end; multipart, absolute links,
no List-Unsubscribe."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings

from accounts.models import User
from tests.support.smtp import SmtpServer, html_part, text_part

from .signup_helpers import signup_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp():
    with (
        SmtpServer() as server,
        override_settings(
            MAILERS=server.mailers(),
            SITE_URL="https://mentorhub.example",
        ),
    ):
        yield server


def link(message, contains: str) -> str:
    url = re.search(rf"https://mentorhub\.example{re.escape(contains)}[^\s]+", text_part(message))
    assert url, text_part(message)
    return url.group(0)


def path(url: str) -> str:
    return urlsplit(url).path


def test_sign_up_receive_follow_the_link_and_sign_in(smtp, committed):
    response = committed(Client().post, "/signup/", signup_data())
    assert response.status_code == 200
    message = smtp.wait_for("nora@example.com")
    assert message["Subject"] == "Confirm your email address for MentorHub"
    assert message.is_multipart()
    assert message["List-Unsubscribe"] is None
    url = link(message, "/signup/verify/")
    assert url in html_part(message)

    client = Client()
    refused = client.post("/login/", {"username": "nora", "password": "plum-lantern-42"})
    assert refused.status_code == 403
    assert client.get(path(url)).status_code == 200
    signed_in = client.post("/login/", {"username": "nora", "password": "plum-lantern-42"})
    assert signed_in.status_code == 302
    assert User.objects.get(username="nora").email_verified


def test_password_reset_end_to_end_through_smtp(smtp, committed):
    User.objects.create_user("rita", email="rita@example.com", password="old-password-1")
    reset = committed(Client().post, "/password-reset/", {"email": "rita@example.com"})
    assert reset.status_code == 302
    message = smtp.wait_for("rita@example.com")
    assert message["Subject"] == "Reset your MentorHub password"
    assert message["List-Unsubscribe"] is None
    url = link(message, "/password-reset/")
    client = Client()
    form = client.get(path(url), follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "velvet-harbor-77", "new_password2": "velvet-harbor-77"},
    )
    assert done["Location"] == "/password-reset/done/"
    assert (
        Client().post("/login/", {"username": "rita", "password": "velvet-harbor-77"}).status_code
        == 302
    )
    unknown = committed(Client().post, "/password-reset/", {"email": "nobody@example.com"})
    assert unknown.status_code == 302
    assert smtp.to("nobody@example.com") == []


def test_a_mail_server_that_is_down_does_not_break_the_signup_page(committed):
    from tests.support.server import free_port

    closed = free_port()  # nothing listens there
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed, "timeout": 2},
        }
    }
    with override_settings(MAILERS=mailers):
        response = committed(Client().post, "/signup/", signup_data())
    assert response.status_code == 200
    assert b"Check your email" in response.content
    assert not User.objects.get(username="nora").email_verified
    assert b"send the link again" in response.content
    # Kept in the outbox and tried again later (mailer), not lost.
    from mailer.models import Outbox

    queued = Outbox.objects.get(to="nora@example.com")
    assert queued.status == Outbox.Status.RETRYING and queued.kind == "account"
