"""Open a WebSocket to the real ASGI application as a signed-in browser would."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

ORIGIN = "http://localhost"


def access_cookie(user) -> str:
    """`<access cookie name>=<token>` for `user` (sync: issuing may touch the database)."""
    from django.conf import settings

    from accounts.tokens import issue_tokens

    _refresh, access = issue_tokens(user)
    return f"{settings.JWT_ACCESS_COOKIE}={access}"


def ws_headers(cookie: str | None = None, origin: str = ORIGIN) -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", origin.encode()), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return headers


async def communicator(
    user, path: str, *, origin: str = ORIGIN, cookie: str | None = None
) -> WebsocketCommunicator:
    """A not yet connected communicator; `user=None` sends no cookie unless `cookie` is given."""
    from mentorhub.asgi import application

    if cookie is None and user is not None:
        cookie = await sync_to_async(access_cookie)(user)
    return WebsocketCommunicator(application, path, headers=ws_headers(cookie, origin))


async def ws(user, path: str, **kwargs) -> WebsocketCommunicator:
    """Connect `user` to `path`; fails the test when the handshake is refused."""
    comm = await communicator(user, path, **kwargs)
    connected, _ = await comm.connect()
    assert connected, f"{path} refused {user}"
    return comm


# --- A signed-in browser's token pair (the refresh and access cookies) -------------


@sync_to_async
def token_pair(user) -> tuple[str, str]:
    """(refresh, access) freshly issued for `user`, as the login sets them."""
    from accounts.tokens import issue_tokens

    refresh, access = issue_tokens(user)
    return str(refresh), str(access)


def pair_cookie(pair: tuple[str, str]) -> str:
    from django.conf import settings

    refresh, access = pair
    return f"{settings.JWT_ACCESS_COOKIE}={access}; {settings.JWT_REFRESH_COOKIE}={refresh}"


async def ready_notification_socket(pair: tuple[str, str]) -> WebsocketCommunicator:
    """/ws/notifications/ with both cookies, after the hello → ready handshake."""
    comm = await communicator(None, "/ws/notifications/", cookie=pair_cookie(pair))
    connected, _ = await comm.connect()
    assert connected
    await comm.send_json_to({"type": "hello", "last_id": 0})
    while (await comm.receive_json_from(timeout=2))["type"] != "ready":
        pass
    return comm
