"""WebSocket plumbing: JWT cookie auth and Origin checks on /ws/notifications/."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tokens import issue_tokens
from mentorhub.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def headers(cookie: str | None = None, origin: str = "http://localhost"):
    result = [(b"origin", origin.encode()), (b"host", b"localhost")]
    if cookie:
        result.append((b"cookie", cookie.encode()))
    return result


@sync_to_async
def access_cookie(user) -> str:
    _refresh, access = issue_tokens(user)
    return f"{settings.JWT_ACCESS_COOKIE}={access}"


async def test_anonymous_is_refused():
    comm = WebsocketCommunicator(application, "/ws/notifications/", headers=headers())
    connected, _ = await comm.connect()
    assert not connected


async def test_foreign_origin_is_refused(mentor):
    comm = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=headers(await access_cookie(mentor), "http://evil.example"),
    )
    connected, _ = await comm.connect()
    assert not connected


async def test_mentor_is_accepted(mentor):
    comm = WebsocketCommunicator(
        application, "/ws/notifications/", headers=headers(await access_cookie(mentor))
    )
    connected, _ = await comm.connect()
    assert connected
    await comm.disconnect()


async def test_expired_token_is_closed_with_4001(mentor):
    token = AccessToken.for_user(mentor)
    token.set_exp(lifetime=-timedelta(seconds=5))
    comm = WebsocketCommunicator(
        application, "/ws/notifications/", headers=headers(f"{settings.JWT_ACCESS_COOKIE}={token}")
    )
    connected, _ = await comm.connect()
    assert connected  # accepted only to say why it closes
    message = await comm.receive_output()
    assert message == {"type": "websocket.close", "code": 4001}
