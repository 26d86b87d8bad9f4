"""Malformed frames never crash a socket (issue 16, point 8).

A corpus of odd frames goes to both consumers through the real ASGI stack.
Each socket must either ignore the frame and keep serving, or close with a
code Daphne can send (4000–4999); nothing raises, nothing logs an error, and
a room socket that ends never leaves its presence (a ghost) behind.
"""

import json
import logging

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from live import services as live_services
from live.models import Presence
from tests.live.builders import book, make_session
from tests.support.sockets import communicator, ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _nested(depth: int):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


CORPUS: dict[str, str | bytes] = {
    "last-id-1e999": '{"type": "ping", "last_id": 1e999}',
    "last-id-minus-1e999": '{"type": "hello", "last_id": -1e999}',
    "last-id-nan": '{"type": "ping", "last_id": NaN}',
    "last-id-infinity": '{"type": "ping", "last_id": Infinity}',
    "last-id-400-digits": '{"type": "ping", "last_id": ' + "9" * 400 + "}",
    "last-id-5000-digits": '{"type": "ping", "last_id": ' + "9" * 5000 + "}",
    "last-id-float": '{"type": "hello", "last_id": 1.5}',
    "last-id-bool": '{"type": "hello", "last_id": true}',
    "last-id-list": '{"type": "ping", "last_id": [1, 2]}',
    "last-id-object": '{"type": "ping", "last_id": {"$gt": 0}}',
    "last-id-negative": '{"type": "ping", "last_id": -5}',
    "binary": b"\x00\xffbinary\x80",
    "empty-binary": b"",
    "empty-text": "",
    "nul": "\x00",
    "lone-surrogate": "\ud800",
    "escaped-surrogate-client": '{"type": "join", "client": "\\ud800abcdef"}',
    "deep-array": "[" * 3000 + "]" * 3000,
    "deep-array-under-64kb": "[" * 30_000 + "]" * 30_000,  # RecursionError in json
    "deep-object": '{"a": ' * 2000 + "1" + "}" * 2000,
    "unbalanced": "[" * 1000,
    "deep-payload": json.dumps({"type": "state", "data": {"audio": _nested(40)}}),
    "array": "[]",
    "null": "null",
    "number": "1",
    "string": '"ping"',
    "true": "true",
    "type-number": '{"type": 1}',
    "type-object": '{"type": {"x": 1}}',
    "type-list": '{"type": ["ping"]}',
    "type-null": '{"type": null}',
    "type-dunder": '{"type": "__init__"}',
    "join-client-number": '{"type": "join", "client": 123}',
    "join-client-list": '{"type": "join", "client": ["abcdefgh"]}',
    "join-no-client": '{"type": "join"}',
    "offer-to-number": '{"type": "offer", "to": 5, "data": []}',
    "offer-sdp-number": '{"type": "offer", "to": "1-abcdefgh", "data": {"sdp": 1}}',
    "ice-data-string": '{"type": "ice", "to": "1-abcdefgh", "data": "x"}',
    "state-data-list": '{"type": "state", "data": [1]}',
    "state-data-nested": '{"type": "state", "data": {"audio": {"x": 1}}}',
    "end-with-junk": '{"type": "end", "data": 1e999}',
    "many-keys": "{" + ",".join(f'"k{i}": {i}' for i in range(5000)) + "}",
    "over-64kb": json.dumps({"type": "ping", "pad": "x" * 70_000}),
    "over-1mb": "x" * 1_100_000,
}


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def server_errors():
    handler = _Errors()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


async def _socket(user, path: str) -> WebsocketCommunicator:
    return await ws(user, path)


async def _send(comm, frame: str | bytes) -> None:
    # send_input, not send_to: empty frames are frames too.
    key = "bytes" if isinstance(frame, bytes) else "text"
    await comm.send_input({"type": "websocket.receive", key: frame})


async def _closed_or_answers(comm, ping: dict, answer: str) -> int | None:
    """The close code if the server closed the socket; None if it still answers a ping.

    An exception inside the consumer surfaces here (the communicator re-raises it).
    """
    await comm.send_json_to(ping)
    while True:
        output = await comm.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]
        if json.loads(output["text"])["type"] == answer:
            return None


def _assert_valid_close(code: int | None) -> None:
    assert code is None or 4000 <= code <= 4999, f"close code {code} (Daphne sends 1000, 3000-4999)"
    assert code != 4011, "the consumer failed on the frame (handled, but a bug)"


@pytest.mark.parametrize("name", list(CORPUS))
async def test_the_notification_socket_survives_malformed_frames(mentor, server_errors, name):
    comm = await _socket(mentor, "/ws/notifications/")
    await comm.send_json_to({"type": "hello", "last_id": 0})
    await _send(comm, CORPUS[name])
    code = await _closed_or_answers(comm, {"type": "ping", "last_id": 0}, "pong")
    _assert_valid_close(code)
    if code is None:
        await comm.disconnect()
    assert not server_errors, [r.getMessage() for r in server_errors]


open_presences = sync_to_async(
    lambda session: list(
        Presence.objects.filter(session=session, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
)


async def _joined(user, session, client: str) -> tuple[WebsocketCommunicator, str]:
    comm = await _socket(user, f"/ws/live/{session.pk}/")
    await comm.send_json_to({"type": "join", "client": client})
    while (frame := await comm.receive_json_from(timeout=5))["type"] != "welcome":
        pass
    return comm, frame["peer"]


async def _next_leave(comm) -> dict:
    while (frame := await comm.receive_json_from(timeout=5))["type"] != "leave":
        pass
    return frame


@pytest.mark.parametrize("name", list(CORPUS))
async def test_a_room_socket_survives_malformed_frames_and_leaves_no_ghost(
    mentor, learner, server_errors, name
):
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    m, _ = await _joined(mentor, session, "mentorpage1")
    a, a_peer = await _joined(learner, session, "learnerAAA")

    await _send(a, CORPUS[name])
    code = await _closed_or_answers(a, {"type": "ping"}, "pong")

    _assert_valid_close(code)
    if code is not None:
        # Closed by the server: the call hears it and no presence is left open.
        assert (await _next_leave(m))["from"] == a_peer
        assert await open_presences(session) == [mentor.pk]
    await a.disconnect()
    assert await open_presences(session) == [mentor.pk]
    await m.disconnect()
    assert await open_presences(session) == []
    assert not server_errors, [r.getMessage() for r in server_errors]


async def test_a_failing_handler_closes_cleanly_and_releases_presence(mentor, learner, monkeypatch):
    """Whatever goes wrong inside, the socket closes with a valid code and no ghost stays."""
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    m, _ = await _joined(mentor, session, "mentorpage1")
    a, a_peer = await _joined(learner, session, "learnerAAA")

    def broken(channel_name):
        raise RuntimeError("database went away")

    monkeypatch.setattr(live_services, "touch", broken)
    code = await _closed_or_answers(a, {"type": "ping"}, "pong")

    assert code == 4011
    assert (await _next_leave(m))["from"] == a_peer  # no 100-second ghost
    assert await open_presences(session) == [mentor.pk]
    await m.disconnect()


async def test_a_room_id_beyond_the_database_integer_is_refused_cleanly(mentor, server_errors):
    comm = await communicator(mentor, "/ws/live/99999999999999999999/")
    connected, _ = await comm.connect()
    assert not connected
    assert not server_errors, [r.getMessage() for r in server_errors]
