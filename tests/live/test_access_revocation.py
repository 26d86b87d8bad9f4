"""A member who loses access leaves the room at once (issue 16, points 3 and 4).

Booking cancelled (by the learner or an operator), session cancelled, signed
out, account deactivated: their open signaling socket closes and the others
in the call hear "left". The token's expiry is checked on every message.
"""

import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from accounts.tokens import issue_tokens
from live import consumers
from live.models import Presence
from mentorhub.asgi import application
from sessions_app import services as session_services
from sessions_app.models import Booking, Session
from tests.conftest import jwt_client
from tests.live.builders import book, make_session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@sync_to_async
def _pair(user) -> tuple[str, str]:
    refresh, access = issue_tokens(user)
    return str(refresh), str(access)


def _headers(access: str, refresh: str | None = None) -> list[tuple[bytes, bytes]]:
    cookie = f"{settings.JWT_ACCESS_COOKIE}={access}"
    if refresh:
        cookie += f"; {settings.JWT_REFRESH_COOKIE}={refresh}"
    return [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie.encode())]


async def _open(user, path: str, pair: tuple[str, str] | None = None) -> WebsocketCommunicator:
    refresh, access = pair or await _pair(user)
    comm = WebsocketCommunicator(application, path, headers=_headers(access, refresh))
    connected, _ = await comm.connect()
    assert connected
    return comm


async def room(user, session, pair=None) -> WebsocketCommunicator:
    comm = await _open(user, f"/ws/live/{session.pk}/", pair)
    assert (await comm.receive_json_from(timeout=2))["type"] == "hello"
    return comm


async def joined(user, session, client: str, pair=None) -> tuple[WebsocketCommunicator, str]:
    comm = await room(user, session, pair)
    await comm.send_json_to({"type": "join", "client": client})
    welcome = await next_of(comm, "welcome")
    return comm, welcome["peer"]


async def next_of(comm, kind: str) -> dict:
    while True:
        frame = await comm.receive_json_from(timeout=2)
        if frame["type"] == kind:
            return frame


async def closed_with(comm) -> int:
    """The close code the server sent (frames before it are skipped)."""
    while True:
        output = await comm.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return output["code"]


open_presences = sync_to_async(
    lambda session, user: Presence.objects.filter(
        session=session, user=user, left_at__isnull=True
    ).count()
)
booking_of = sync_to_async(lambda session, user: Booking.objects.get(session=session, learner=user))


async def test_cancelling_the_booking_closes_the_learners_room_socket(mentor, learner):
    session = await sync_to_async(make_session)(
        mentor, status=Session.Status.SCHEDULED, starts_in_minutes=30
    )
    await sync_to_async(book)(session, learner)
    waiting = await room(learner, session)
    booking = await booking_of(session, learner)

    await sync_to_async(session_services.cancel_booking)(learner, booking)

    assert (await next_of(waiting, "error"))["code"] == "access_lost"
    assert await closed_with(waiting) == 4003
    # The seat is gone: the room refuses the same learner from now on.
    again = WebsocketCommunicator(
        application, f"/ws/live/{session.pk}/", headers=_headers((await _pair(learner))[1])
    )
    assert (await again.connect())[0] is False


async def test_an_operator_cancelling_a_booking_mid_call_removes_the_learner(mentor, learner):
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    m, m_peer = await joined(mentor, session, "mentorpage1")
    a, a_peer = await joined(learner, session, "learnerAAA")
    await next_of(m, "join")

    # What the admin's change form does: a full save of the booking.
    booking = await booking_of(session, learner)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    await sync_to_async(booking.save)()

    assert (await next_of(a, "error"))["code"] == "access_lost"
    assert await closed_with(a) == 4003
    leave = await next_of(m, "leave")
    assert leave["from"] == a_peer and leave["reason"] == "left"  # not a signal blip
    assert await open_presences(session, learner) == 0
    # The closed socket can no longer reach the mentor.
    await a.send_json_to({"type": "offer", "to": m_peer, "data": {"sdp": "x"}})
    assert await m.receive_nothing(timeout=0.3)
    await m.disconnect()


async def test_a_join_after_the_booking_was_cancelled_is_refused(mentor, learner):
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    m, _ = await joined(mentor, session, "mentorpage1")
    lingering = await room(learner, session)
    # Cancelled by a write that pushes nothing (as from another process without Redis).
    await sync_to_async(Booking.objects.filter(session=session, learner=learner).update)(
        status=Booking.Status.CANCELLED
    )
    await lingering.send_json_to({"type": "join", "client": "learnerAAA"})
    assert (await next_of(lingering, "error"))["code"] == "access_lost"
    assert await closed_with(lingering) == 4003
    assert await m.receive_nothing(timeout=0.3)  # no "join" ever reached the mentor
    assert await open_presences(session, learner) == 0
    await m.disconnect()


async def test_the_heartbeat_rechecks_access_as_a_safety_net(mentor, learner, monkeypatch):
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 0, raising=False)
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    m, _ = await joined(mentor, session, "mentorpage1")
    a, a_peer = await joined(learner, session, "learnerAAA")
    await next_of(m, "join")
    await sync_to_async(Booking.objects.filter(session=session, learner=learner).update)(
        status=Booking.Status.CANCELLED
    )
    await a.send_json_to({"type": "ping"})
    assert await closed_with(a) == 4003
    assert (await next_of(m, "leave"))["from"] == a_peer
    await m.disconnect()


async def test_cancelling_the_session_closes_every_room_socket(mentor, learner):
    session = await sync_to_async(make_session)(
        mentor, status=Session.Status.SCHEDULED, starts_in_minutes=30
    )
    await sync_to_async(book)(session, learner)
    mentor_page = await room(mentor, session)
    learner_page = await room(learner, session)

    await sync_to_async(session_services.cancel_session)(mentor, session, "Ill")

    for comm in (mentor_page, learner_page):
        assert (await next_of(comm, "state")) == {"type": "state", "session": "cancelled"}
        assert await closed_with(comm) == 4010


async def test_a_session_cancelled_in_the_admin_closes_its_room(mentor, learner):
    session = await sync_to_async(make_session)(
        mentor, status=Session.Status.SCHEDULED, starts_in_minutes=30
    )
    await sync_to_async(book)(session, learner)
    waiting = await room(learner, session)
    session.status = Session.Status.CANCELLED
    await sync_to_async(session.save)()
    assert (await next_of(waiting, "state")) == {"type": "state", "session": "cancelled"}
    assert await closed_with(waiting) == 4010


async def test_deactivating_the_account_closes_its_sockets(mentor, learner):
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    m, _ = await joined(mentor, session, "mentorpage1")
    a, a_peer = await joined(learner, session, "learnerAAA")
    await next_of(m, "join")

    learner.is_active = False
    await sync_to_async(learner.save)()

    assert await closed_with(a) == 4001
    leave = await next_of(m, "leave")
    assert leave["from"] == a_peer and leave["reason"] == "left"
    assert await open_presences(session, learner) == 0
    await m.disconnect()


async def test_signing_out_closes_the_room_socket_and_it_cannot_come_back(mentor, learner):
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    pair = await _pair(learner)
    m, _ = await joined(mentor, session, "mentorpage1")
    a, a_peer = await joined(learner, session, "learnerAAA", pair)
    await next_of(m, "join")

    browser = await sync_to_async(jwt_client)(None)
    browser.cookies[settings.JWT_REFRESH_COOKIE], browser.cookies[settings.JWT_ACCESS_COOKIE] = pair
    response = await sync_to_async(browser.post)("/logout/")
    assert response.status_code == 302

    assert await closed_with(a) == 4001  # the page goes to sign-in
    leave = await next_of(m, "leave")
    assert leave["from"] == a_peer and leave["reason"] == "left"
    assert await open_presences(session, learner) == 0
    # The same (now revoked) cookies are not let back in, although the access
    # token itself has not expired yet.
    again = WebsocketCommunicator(
        application, f"/ws/live/{session.pk}/", headers=_headers(pair[1], pair[0])
    )
    assert (await again.connect())[0] is True  # accepted only to say why it closes
    assert await closed_with(again) == 4001
    await m.disconnect()


async def test_an_expired_token_closes_the_room_socket_at_the_next_message(
    mentor, learner, monkeypatch
):
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    m, m_peer = await joined(mentor, session, "mentorpage1")
    a, a_peer = await joined(learner, session, "learnerAAA")
    await next_of(m, "join")
    later = time.time() + settings.ACCESS_TOKEN_LIFETIME.total_seconds() + 1
    monkeypatch.setattr(consumers, "_now", lambda: later, raising=False)

    await a.send_json_to({"type": "offer", "to": m_peer, "data": {"sdp": "x"}})

    assert await closed_with(a) == 4001
    await a.disconnect()  # the server finishes the close handshake
    # A routine refresh: the others keep the media a moment ("disconnected").
    leave = await next_of(m, "leave")
    assert leave["from"] == a_peer and leave["reason"] == "disconnected"
    assert await m.receive_nothing(timeout=0.3)  # the offer was not relayed
    await m.disconnect()


async def test_a_valid_token_keeps_the_room_socket_open(mentor, learner):
    session = await sync_to_async(make_session)(mentor)
    await sync_to_async(book)(session, learner)
    comm = await room(learner, session)
    expires = consumers.token_expiry(comm.scope)
    assert expires is not None
    assert expires > consumers._now() + timedelta(minutes=1).total_seconds()
    await comm.send_json_to({"type": "ping"})
    assert (await next_of(comm, "pong"))["session"] == "live"
    await comm.disconnect()
