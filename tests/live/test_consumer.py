"""SignalingConsumer: who may connect, what is relayed to whom, presence."""

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from live import services
from live.models import Presence
from sessions_app.models import Booking, Session
from tests.conftest import make_user
from tests.live.builders import book, make_session
from tests.support import sockets
from tests.support.sockets import ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def communicator(user, session_id, *, origin="http://localhost"):
    return await sockets.communicator(user, f"/ws/live/{session_id}/", origin=origin)


async def connect(user, session_id) -> WebsocketCommunicator:
    comm = await ws(user, f"/ws/live/{session_id}/")
    hello = await comm.receive_json_from(timeout=2)
    assert hello["type"] == "hello"
    return comm


async def join(user, session_id, client: str) -> tuple[WebsocketCommunicator, dict]:
    comm = await connect(user, session_id)
    await comm.send_json_to({"type": "join", "client": client})
    welcome = await next_of(comm, "welcome")
    return comm, welcome


async def next_of(comm, kind: str) -> dict:
    while True:
        frame = await comm.receive_json_from(timeout=2)
        if frame["type"] == kind:
            return frame


async def refused(user, session_id, **kwargs) -> bool:
    comm = await communicator(user, session_id, **kwargs)
    connected, _ = await comm.connect()
    if connected:
        await comm.disconnect()
    return not connected


presences = sync_to_async(lambda session: list(Presence.objects.filter(session=session)))
booking_of = sync_to_async(lambda session, user: Booking.objects.get(session=session, learner=user))


# --- Who may connect -----------------------------------------------------------------------


async def test_it_accepts_the_mentor_and_a_booked_learner(mentor, learner, live_session):
    for user in (mentor, learner):
        comm = await communicator(user, live_session.pk)
        connected, _ = await comm.connect()
        assert connected
        hello = await comm.receive_json_from(timeout=2)
        assert hello == {
            "type": "hello",
            "session": "live",
            "you": {"user_id": user.pk, "name": user.display_name, "role": hello["you"]["role"]},
            "chat": [],  # the recent chat (tests/live/test_chat.py)
        }
        await comm.disconnect()


async def test_it_refuses_anonymous_sockets(live_session):
    assert await refused(None, live_session.pk)


async def test_it_refuses_a_learner_who_did_not_book(other_learner, live_session):
    assert await refused(other_learner, live_session.pk)


async def test_it_refuses_a_learner_whose_booking_was_cancelled(live_session):
    leaver = await sync_to_async(make_user)("learner_cancelled")
    await sync_to_async(book)(live_session, leaver, Booking.Status.CANCELLED)
    assert await refused(leaver, live_session.pk)


async def test_it_refuses_another_mentor(other_mentor, live_session):
    assert await refused(other_mentor, live_session.pk)


async def test_it_refuses_a_foreign_origin(mentor, live_session):
    assert await refused(mentor, live_session.pk, origin="https://evil.example")


async def test_it_refuses_a_room_that_does_not_exist(mentor):
    assert await refused(mentor, 999999)


# --- Messages ---------------------------------------------------------------------------------


async def test_it_answers_unknown_types_and_malformed_json_with_an_error(mentor, live_session):
    comm = await connect(mentor, live_session.pk)
    await comm.send_json_to({"type": "shell", "cmd": "rm -rf /"})
    assert (await comm.receive_json_from(timeout=2))["code"] == "unknown_type"
    await comm.send_to(text_data="{not json")
    assert (await comm.receive_json_from(timeout=2))["code"] == "malformed"
    await comm.send_to(text_data="[1, 2]")
    assert (await comm.receive_json_from(timeout=2))["code"] == "malformed"
    # The connection is still usable.
    await comm.send_json_to({"type": "ping"})
    assert (await comm.receive_json_from(timeout=2)) == {"type": "pong", "session": "live"}
    await comm.disconnect()


async def test_it_closes_on_a_message_over_64_kb(mentor, learner, live_session):
    comm, _ = await join(mentor, live_session.pk, "mentorpage1")
    other, welcome = await join(learner, live_session.pk, "learnerpage1")
    big = {"type": "offer", "to": welcome["peer"], "data": {"type": "offer", "sdp": "x" * 70000}}
    await comm.send_to(text_data=json.dumps(big))
    assert (await next_of(comm, "error"))["code"] == "too_large"
    assert (await comm.receive_output(timeout=2)) == {"type": "websocket.close", "code": 4013}
    await comm.disconnect()  # the server finishes the close handshake
    # Nothing reached the other peer, apart from the mentor leaving.
    frame = await next_of(other, "leave")
    assert frame["reason"] == "disconnected"
    assert await other.receive_nothing(timeout=0.3)
    await other.disconnect()


async def test_messages_reach_only_the_addressed_peer(mentor, learner, live_session):
    learner2 = await sync_to_async(make_user)("learner_two")
    await sync_to_async(book)(live_session, learner2)
    m, m_welcome = await join(mentor, live_session.pk, "mentorpage1")
    a, a_welcome = await join(learner, live_session.pk, "learnerAAA")
    b, b_welcome = await join(learner2, live_session.pk, "learnerBBB")
    assert m_welcome["peers"] == []
    assert [p["peer"] for p in b_welcome["peers"]] == [m_welcome["peer"], a_welcome["peer"]]
    # Drain the join broadcasts.
    assert (await next_of(m, "join"))["from"] == a_welcome["peer"]
    assert (await next_of(m, "join"))["from"] == b_welcome["peer"]
    joined = await next_of(a, "join")
    assert joined == {
        "type": "join",
        "from": b_welcome["peer"],
        "user_id": learner2.pk,
        "name": learner2.display_name,
        "role": "learner",
    }

    offer = {"type": "offer", "sdp": "v=0 secret-offer", "gen": "g1"}
    await m.send_json_to({"type": "offer", "to": a_welcome["peer"], "data": offer})
    got = await next_of(a, "offer")
    assert got == {"type": "offer", "from": m_welcome["peer"], "data": offer}
    await m.send_json_to({"type": "ice", "to": a_welcome["peer"], "data": {"candidate": "c"}})
    assert (await next_of(a, "ice"))["data"] == {"candidate": "c"}
    assert await b.receive_nothing(timeout=0.3)  # b never sees a's offer or candidates
    assert await m.receive_nothing(timeout=0.1)
    for comm in (m, a, b):
        await comm.disconnect()


async def test_it_rejects_relays_before_join_and_to_bad_addresses(mentor, live_session):
    comm = await connect(mentor, live_session.pk)
    await comm.send_json_to({"type": "offer", "to": "1-abcdefgh", "data": {"sdp": "x"}})
    assert (await comm.receive_json_from(timeout=2))["code"] == "not_joined"
    await comm.send_json_to({"type": "join", "client": "mentorpage1"})
    await next_of(comm, "welcome")
    await comm.send_json_to({"type": "offer", "to": "group.everyone", "data": {"sdp": "x"}})
    assert (await comm.receive_json_from(timeout=2))["code"] == "bad_peer"
    await comm.send_json_to({"type": "answer", "to": "1-abcdefgh", "data": "nope"})
    assert (await comm.receive_json_from(timeout=2))["code"] == "bad_payload"
    await comm.send_json_to({"type": "join", "client": "../x"})
    assert (await comm.receive_json_from(timeout=2))["code"] == "bad_client"
    await comm.disconnect()


async def test_state_is_broadcast_to_the_others_in_the_call(mentor, learner, live_session):
    m, _ = await join(mentor, live_session.pk, "mentorpage1")
    a, _ = await join(learner, live_session.pk, "learnerAAA")
    await a.send_json_to({"type": "state", "data": {"audio": False, "video": True, "evil": 1}})
    frame = await next_of(m, "state")
    assert frame["data"] == {"audio": False, "video": True}
    await m.disconnect()
    await a.disconnect()


async def test_a_learner_cannot_end_the_session(learner, live_session):
    comm, _ = await join(learner, live_session.pk, "learnerAAA")
    await comm.send_json_to({"type": "end"})
    assert (await next_of(comm, "error"))["code"] == "forbidden"
    await sync_to_async(live_session.refresh_from_db)()
    assert live_session.status == Session.Status.LIVE
    await comm.disconnect()


async def test_the_mentor_ends_the_session_for_everyone(mentor, learner, live_session):
    m, _ = await join(mentor, live_session.pk, "mentorpage1")
    a, _ = await join(learner, live_session.pk, "learnerAAA")
    await m.send_json_to({"type": "end"})
    assert (await next_of(a, "state")) == {"type": "state", "session": "completed"}
    while (await a.receive_output(timeout=2))["type"] != "websocket.close":
        pass
    await sync_to_async(live_session.refresh_from_db)()
    assert live_session.status == Session.Status.COMPLETED
    assert (await booking_of(live_session, learner)).status == Booking.Status.ATTENDED
    assert all(p.left_at for p in await presences(live_session))
    await m.disconnect()


async def test_join_is_refused_while_the_session_is_not_live(mentor, learner):
    session = await sync_to_async(make_session)(mentor, status=Session.Status.SCHEDULED)
    await sync_to_async(book)(session, learner)
    comm = await connect(learner, session.pk)
    await comm.send_json_to({"type": "join", "client": "learnerAAA"})
    assert (await comm.receive_json_from(timeout=2)) == {"type": "state", "session": "scheduled"}
    assert (await comm.receive_json_from(timeout=2))["code"] == "not_live"
    assert await presences(session) == []
    await comm.disconnect()


async def test_a_waiting_page_hears_that_the_session_started(mentor, learner):
    session = await sync_to_async(make_session)(
        mentor, status=Session.Status.SCHEDULED, starts_in_minutes=5
    )
    await sync_to_async(book)(session, learner)
    comm = await connect(learner, session.pk)
    await sync_to_async(services.start_room)(mentor, session)
    assert (await comm.receive_json_from(timeout=2)) == {"type": "state", "session": "live"}
    await comm.disconnect()


# --- Presence and attendance ---------------------------------------------------------------


async def test_presence_is_recorded_on_join_and_closed_on_disconnect(mentor, learner, live_session):
    comm, welcome = await join(learner, live_session.pk, "learnerAAA")
    rows = await presences(live_session)
    assert len(rows) == 1 and rows[0].left_at is None
    assert rows[0].user_id == learner.pk and rows[0].peer_id == welcome["peer"]
    assert welcome["peer"] == f"{learner.pk}-learnerAAA"
    booking = await booking_of(live_session, learner)
    assert booking.joined_at is not None  # attendance
    first_join = booking.joined_at

    m, m_welcome = await join(mentor, live_session.pk, "mentorpage1")
    assert [p["peer"] for p in m_welcome["peers"]] == [welcome["peer"]]
    await comm.disconnect()
    leave = await next_of(m, "leave")
    assert leave["from"] == welcome["peer"] and leave["reason"] == "disconnected"
    rows = [r for r in await presences(live_session) if r.user_id == learner.pk]
    assert rows[0].left_at is not None
    assert await sync_to_async(services.online_user_ids)(live_session.pk) == {mentor.pk}

    # Joining again keeps the first attendance time.
    again, _ = await join(learner, live_session.pk, "learnerBBB")
    assert (await booking_of(live_session, learner)).joined_at == first_join
    for c in (again, m):
        await c.disconnect()


async def test_an_explicit_leave_says_left_and_keeps_the_socket(mentor, learner, live_session):
    m, _ = await join(mentor, live_session.pk, "mentorpage1")
    a, a_welcome = await join(learner, live_session.pk, "learnerAAA")
    await a.send_json_to({"type": "leave"})
    leave = await next_of(m, "leave")
    assert leave == {
        "type": "leave",
        "from": a_welcome["peer"],
        "name": learner.display_name,
        "reason": "left",
    }
    await a.send_json_to({"type": "ping"})
    assert (await next_of(a, "pong"))["session"] == "live"
    for c in (m, a):
        await c.disconnect()


async def test_a_second_window_replaces_the_first_without_a_ghost(mentor, learner, live_session):
    m, _ = await join(mentor, live_session.pk, "mentorpage1")
    first, first_welcome = await join(learner, live_session.pk, "learnerAAA")
    second, _ = await join(learner, live_session.pk, "learnerBBB")
    assert (await next_of(first, "state")) == {"type": "state", "session": "replaced"}
    output = await first.receive_output(timeout=2)
    assert output == {"type": "websocket.close", "code": 4009}
    leave = await next_of(m, "leave")
    assert leave["from"] == first_welcome["peer"] and leave["reason"] == "replaced"
    open_rows = [r for r in await presences(live_session) if r.left_at is None]
    assert sorted(r.peer_id for r in open_rows) == sorted(
        [f"{mentor.pk}-mentorpage1", f"{learner.pk}-learnerBBB"]
    )
    for c in (m, second):
        await c.disconnect()


async def test_stale_presence_is_closed_and_announced(mentor, learner, live_session):
    m, _ = await join(mentor, live_session.pk, "mentorpage1")
    ghost = await sync_to_async(Presence.objects.create)(
        session=live_session, user=learner, channel_name="gone!x", peer_id=f"{learner.pk}-ghost1"
    )
    old = timezone.now() - timedelta(seconds=settings.LIVE_PRESENCE_TIMEOUT_SECONDS + 5)
    await sync_to_async(Presence.objects.filter(pk=ghost.pk).update)(last_seen_at=old)
    assert await sync_to_async(services.close_stale_presence)() == 1
    frame = await next_of(m, "leave")
    assert frame == {"type": "leave", "from": f"{learner.pk}-ghost1", "reason": "disconnected"}
    await sync_to_async(ghost.refresh_from_db)()
    assert ghost.left_at == old
    assert await sync_to_async(services.close_stale_presence)() == 0  # idempotent
    await m.disconnect()


async def test_expired_token_closes_with_4001_so_the_page_can_refresh(mentor, live_session):
    cookie = f"{settings.JWT_REFRESH_COOKIE}=whatever"
    comm = await ws(None, f"/ws/live/{live_session.pk}/", cookie=cookie)
    assert (await comm.receive_output(timeout=2)) == {"type": "websocket.close", "code": 4001}


async def test_a_session_ended_by_the_periodic_job_closes_the_room(mentor, learner):
    from sessions_app.services import end_overdue_sessions

    session = await sync_to_async(make_session)(mentor, starts_in_minutes=-200)
    await sync_to_async(book)(session, learner)
    comm, _ = await join(learner, session.pk, "learnerAAA")
    assert await sync_to_async(end_overdue_sessions)() == 1
    assert (await next_of(comm, "state")) == {"type": "state", "session": "completed"}
    assert (await comm.receive_output(timeout=2)) == {"type": "websocket.close", "code": 4010}
    assert all(p.left_at for p in await presences(session))
    assert (await booking_of(session, learner)).status == Booking.Status.ATTENDED


async def test_a_no_show_learner_hears_the_session_ended_instead_of_a_refusal(mentor, learner):
    # A waiting page whose socket reconnects after the end must be able to say
    # "Session ended", not "Connection lost — retrying" forever.
    session = await sync_to_async(make_session)(mentor, status=Session.Status.COMPLETED)
    await sync_to_async(book)(session, learner, Booking.Status.NO_SHOW)
    comm = await communicator(learner, session.pk)
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_json_from(timeout=2))["session"] == "completed"
    await comm.send_json_to({"type": "join", "client": "learnerAAA"})
    assert (await comm.receive_json_from(timeout=2)) == {"type": "state", "session": "completed"}
    assert (await comm.receive_json_from(timeout=2))["code"] == "not_live"
    assert await presences(session) == []
    await comm.disconnect()
