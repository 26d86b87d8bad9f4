"""WebSocket Origin check (issue 16, point 9): scheme, host and port, like CSRF."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from accounts.tokens import issue_tokens
from mentorhub.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@sync_to_async
def _cookie(user) -> bytes:
    _refresh, access = issue_tokens(user)
    return f"{settings.JWT_ACCESS_COOKIE}={access}".encode()


async def accepted(user, host: str, origin: str | None, **extra: str) -> bool:
    headers = [(b"host", host.encode()), (b"cookie", await _cookie(user))]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers += [(name.encode(), value.encode()) for name, value in extra.items()]
    comm = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _ = await comm.connect()
    if connected:
        await comm.disconnect()
    return connected


async def test_another_port_of_the_same_host_is_a_foreign_origin(mentor):
    assert not await accepted(mentor, "127.0.0.1:8000", "http://127.0.0.1:9999")
    assert not await accepted(mentor, "127.0.0.1", "http://127.0.0.1:9999")
    assert not await accepted(mentor, "127.0.0.1:8000", "http://127.0.0.1")
    assert not await accepted(mentor, "localhost:8000", "http://127.0.0.1:8000")


async def test_the_sites_own_origin_is_accepted(mentor):
    assert await accepted(mentor, "127.0.0.1:8000", "http://127.0.0.1:8000")
    assert await accepted(mentor, "localhost", "http://localhost")
    assert await accepted(mentor, "LocalHost:8000", "http://localhost:8000")


async def test_the_scheme_counts_when_the_proxy_says_it(mentor):
    # Behind the documented nginx (X-Forwarded-Proto), as request.is_secure() says.
    proto = {"x-forwarded-proto": "https"}
    assert await accepted(mentor, "localhost", "https://localhost", **proto)
    assert not await accepted(mentor, "localhost", "http://localhost", **proto)
    plain = {"x-forwarded-proto": "http"}
    assert not await accepted(mentor, "localhost", "https://localhost", **plain)


async def test_a_host_outside_allowed_hosts_is_refused_even_with_a_matching_origin(mentor):
    assert not await accepted(mentor, "evil.example", "http://evil.example")


async def test_trusted_origins_are_accepted(mentor, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com", "https://*.mentorhub.test"]
    assert await accepted(mentor, "localhost:8000", "https://app.example.com")
    assert await accepted(mentor, "localhost:8000", "https://eu.mentorhub.test")
    assert not await accepted(mentor, "localhost:8000", "http://app.example.com")
    assert not await accepted(mentor, "localhost:8000", "https://app.example.com:8443")


async def test_a_missing_or_null_origin_is_refused(mentor):
    # Browsers always send an Origin on a WebSocket handshake.
    assert not await accepted(mentor, "localhost", None)
    assert not await accepted(mentor, "localhost", "null")
    assert not await accepted(mentor, "localhost", "http://[")
