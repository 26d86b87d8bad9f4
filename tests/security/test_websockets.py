"""WebSocket attacks: bad credentials, foreign origins, strangers in rooms, garbage frames."""

import json
import logging
from datetime import timedelta

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from mentorhub.asgi import application
from tests.security.builders import access_cookie_header, build_world
from tests.security.routes import websocket_routes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

LIVE_ROUTE = "ws/live/<int:session_id>/"

GARBAGE_TEXT = [
    "not json",
    "{",
    "[]",
    "null",
    "42",
    '"a string"',
    json.dumps({"type": "no-such-type"}),
    json.dumps({"type": None}),
    json.dumps({"type": ["hello"]}),
    json.dumps({"type": "hello", "last_id": "DROP TABLE"}),
    json.dumps({"type": "ping", "last_id": -1}),
    json.dumps({"type": "ping", "last_id": 10**40}),
    json.dumps({"type": "offer", "sdp": {"$": "x" * 100}, "to": "nobody"}),
    json.dumps({"type": "hello", "last_id": {"nested": [1, 2, {"deep": True}]}}),
    "\x00\x01\x02",
]
OVERSIZE = json.dumps({"type": "ping", "pad": "x" * 1_100_000})


def headers(cookie: bytes = b"", origin: bytes = b"http://localhost"):
    result = [(b"origin", origin), (b"host", b"localhost")]
    if cookie:
        result.append((b"cookie", cookie))
    return result


async def refused(comm: WebsocketCommunicator) -> bool:
    """Not connected, or accepted only to be closed at once."""
    connected, _ = await comm.connect()
    if not connected:
        return True
    if await comm.receive_nothing(timeout=0.3):
        await comm.disconnect()
        return False
    message = await comm.receive_output()
    if message.get("type") == "websocket.close":
        return True
    await comm.disconnect()
    return False


@pytest_asyncio.fixture
async def world():
    return await sync_to_async(build_world)()


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def server_errors():
    """ERROR records logged anywhere during the test (works with -p no:logging too)."""
    handler = _Errors()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


def _paths(world) -> list[str]:
    paths = ["/ws/notifications/"]
    if LIVE_ROUTE in websocket_routes():
        paths.append(f"/ws/live/{world.live.pk}/")
    return paths


async def test_no_cookie_is_refused_everywhere(world):
    for path in _paths(world):
        assert await refused(WebsocketCommunicator(application, path, headers=headers())), path


async def test_garbage_cookie_header_is_refused(world):
    for cookie in (b"=;;;;===", b"mh_access=" + b"A" * 5000, b"\xff\xfe"):
        for path in _paths(world):
            comm = WebsocketCommunicator(application, path, headers=headers(cookie))
            assert await refused(comm), (path, cookie[:20])


async def test_expired_or_forged_token_is_refused(world):
    expired = AccessToken.for_user(world.owner)
    expired.set_exp(lifetime=-timedelta(seconds=5))
    forged = str(AccessToken.for_user(world.owner))[:-4] + "AAAA"
    for token in (str(expired), forged):
        cookie = f"{settings.JWT_ACCESS_COOKIE}={token}".encode()
        for path in _paths(world):
            comm = WebsocketCommunicator(application, path, headers=headers(cookie))
            assert await refused(comm), path


async def test_foreign_or_missing_origin_is_refused(world):
    cookie = await sync_to_async(access_cookie_header)(world.owner)
    for origin in (b"http://evil.example", b"null", b"http://localhost.evil.example"):
        for path in _paths(world):
            comm = WebsocketCommunicator(application, path, headers=headers(cookie, origin))
            assert await refused(comm), (path, origin)


async def test_non_member_is_refused_from_a_live_room(world):
    if LIVE_ROUTE not in websocket_routes():
        pytest.skip("the Live issue has not added /ws/live/<id>/ yet")
    path = f"/ws/live/{world.live.pk}/"
    for persona in ("other", "other_learner", "staff"):
        cookie = await sync_to_async(access_cookie_header)(getattr(world, persona))
        comm = WebsocketCommunicator(application, path, headers=headers(cookie))
        assert await refused(comm), persona
    # A room that doesn't exist is refused too.
    cookie = await sync_to_async(access_cookie_header)(world.owner)
    comm = WebsocketCommunicator(application, "/ws/live/999999/", headers=headers(cookie))
    assert await refused(comm)


async def _member_socket(world, path: str) -> WebsocketCommunicator:
    cookie = await sync_to_async(access_cookie_header)(world.owner)
    comm = WebsocketCommunicator(application, path, headers=headers(cookie))
    connected, _ = await comm.connect()
    assert connected, path
    return comm


async def _still_alive_or_closed(comm: WebsocketCommunicator, path: str) -> None:
    """After bad input the socket is either closed cleanly or still serves the protocol."""
    while not await comm.receive_nothing(timeout=0.2):
        message = await comm.receive_output()
        if message.get("type") == "websocket.close":
            return
    if path == "/ws/notifications/":
        await comm.send_json_to({"type": "ping", "last_id": 0})
        reply = await comm.receive_json_from(timeout=2)
        while reply["type"] == "notification":  # the ping's catch-up comes first
            reply = await comm.receive_json_from(timeout=2)
        assert reply["type"] == "pong"
    await comm.disconnect()


@pytest.mark.parametrize("frame", GARBAGE_TEXT, ids=[f"frame{i}" for i in range(len(GARBAGE_TEXT))])
async def test_garbage_frames_are_ignored_or_closed_without_server_errors(
    world, server_errors, frame
):
    for path in _paths(world):
        comm = await _member_socket(world, path)
        await comm.send_to(text_data=frame)
        await _still_alive_or_closed(comm, path)
    assert not server_errors, [r.getMessage() for r in server_errors]


async def test_binary_frames_are_ignored_or_closed_without_server_errors(world, server_errors):
    for path in _paths(world):
        comm = await _member_socket(world, path)
        await comm.send_to(bytes_data=b"\x00binary\xff")
        await _still_alive_or_closed(comm, path)
    assert not server_errors, [r.getMessage() for r in server_errors]


async def test_oversize_frames_are_refused_without_server_errors(world, server_errors):
    for path in _paths(world):
        comm = await _member_socket(world, path)
        await comm.send_to(text_data=OVERSIZE)
        await _still_alive_or_closed(comm, path)
    assert not server_errors, [r.getMessage() for r in server_errors]
