"""live/janus.py and live/sfu.py against a real Janus (tests/support/janus.py).

Who may enter a Janus room: our server (api secret) creates it; a browser
needs a signed token to talk to Janus at all and a member's pin (from our
signaling socket) to join the room. Knowing the room id is not enough.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from core.errors import DomainError
from live import janus, sfu
from live.models import JanusRoom
from sessions_app import rules
from sessions_app.models import Booking
from tests.conftest import make_user
from tests.live.builders import book, make_session
from tests.live.test_consumer import connect, next_of


def browser(server, token=None):
    """A browser-like client: no api secret, only a token."""
    return janus.Janus(server.url, "", token=token or "")


@pytest.mark.asyncio
async def join_as_publisher(client, room: int, pin: str | None) -> dict:
    """Janus answers an async join with an "event": the plugin's data."""
    body = {"request": "join", "ptype": "publisher", "room": room, "display": "someone"}
    if pin is not None:
        body["token"] = pin
    answer = await client.request({"janus": "message", "handle_id": client.handle_id, "body": body})
    return answer["plugindata"]["data"]


@pytest.mark.asyncio
async def test_the_server_creates_and_destroys_a_room(janus_server):
    room, secret = janus.new_room_id(), janus.new_secret()
    async with janus.Janus(janus_server.url, janus_server.api_secret) as server:
        created = await server.create_room(room, secret, publishers=6, description="Workshop")
        assert created["videoroom"] == "created"
        assert await server.exists(room)
        with pytest.raises(janus.JanusError) as wrong:
            await server.destroy_room(room, "not-the-secret")
        assert wrong.value.code == 433  # unauthorized
        await server.destroy_room(room, secret)
        assert not await server.exists(room)
        await server.destroy_room(room, secret)  # already gone: fine


@pytest.mark.asyncio
async def test_janus_refuses_clients_without_the_secret_or_a_valid_token(janus_server):
    for token in ("", "not-a-token", janus.sign_token("another-secret", 60)):
        with pytest.raises(janus.JanusError) as refused:
            async with browser(janus_server, token):
                pass
        assert refused.value.code == 403
    expired = janus.sign_token(janus_server.api_secret, 60, now=0)
    with pytest.raises(janus.JanusError):
        async with browser(janus_server, expired):
            pass
    async with browser(janus_server, janus.sign_token(janus_server.api_secret, 60)) as ok:
        assert ok.handle_id


@pytest.mark.asyncio
async def test_a_token_holder_cannot_create_rooms(janus_server):
    """The VideoRoom admin_key: only our server creates rooms."""
    async with browser(janus_server, janus.sign_token(janus_server.api_secret, 60)) as b:
        with pytest.raises(janus.JanusError) as missing:
            await b.message({"request": "create", "room": janus.new_room_id(), "publishers": 3})
        assert missing.value.code == 429  # the admin_key is mandatory
        with pytest.raises(janus.JanusError) as wrong:
            await b.message(
                {"request": "create", "room": janus.new_room_id(), "admin_key": "guess"}
            )
        assert wrong.value.code == 433


@pytest.mark.asyncio
async def test_knowing_the_room_id_is_not_enough_to_join(janus_server):
    room, secret = janus.new_room_id(), janus.new_secret()
    async with janus.Janus(janus_server.url, janus_server.api_secret) as server:
        await server.create_room(room, secret, publishers=6, allowed=["member-pin"])
        token = janus.sign_token(janus_server.api_secret, 60)
        async with browser(janus_server, token) as outsider:
            for pin in (None, "guess"):
                refused = await join_as_publisher(outsider, room, pin)
                assert refused["error_code"] == 433, refused
        async with browser(janus_server, token) as member:
            joined = await join_as_publisher(member, room, "member-pin")
            assert joined["videoroom"] == "joined"
            assert joined["room"] == room
        await server.disallow(room, secret, ["member-pin"])
        async with browser(janus_server, token) as late:
            assert (await join_as_publisher(late, room, "member-pin"))["error_code"] == 433
        await server.allow(room, secret, ["second-pin"])
        async with browser(janus_server, token) as second:
            assert (await join_as_publisher(second, room, "second-pin"))["videoroom"] == "joined"
        await server.destroy_room(room, secret)


@pytest.mark.asyncio
async def test_destroying_the_room_ends_it_for_those_inside(janus_server):
    room, secret = janus.new_room_id(), janus.new_secret()
    async with janus.Janus(janus_server.url, janus_server.api_secret) as server:
        await server.create_room(room, secret, publishers=4, allowed=["pin"])
        token = janus.sign_token(janus_server.api_secret, 60)
        async with browser(janus_server, token) as member:
            assert (await join_as_publisher(member, room, "pin"))["videoroom"] == "joined"
            assert len(await server.participants(room, secret)) == 1
            await server.destroy_room(room, secret)
        async with browser(janus_server, token) as again:
            assert (await join_as_publisher(again, room, "pin"))["error_code"] == 426  # no room


def test_sign_token_format():
    token = janus.sign_token("secret", 30, now=1000)
    data, signature = token.split(":")
    assert data == "1030,janus,janus.plugin.videoroom"
    assert signature and janus.sign_token("secret", 30, now=1000) == token
    assert janus.sign_token("other", 30, now=1000) != token


def test_write_config_loads_only_the_videoroom_and_websockets(tmp_path):
    janus.write_config(tmp_path, api_secret="s", port=9999, rtp_ports=(40000, 40099))
    main = (tmp_path / "janus.jcfg").read_text()
    assert 'api_secret = "s"' in main and "token_auth = true" in main
    assert 'rtp_port_range = "40000-40099"' in main
    assert "libjanus_videoroom.so" not in main.split("plugins:")[1].split("}")[0]
    assert "ws_port = 9999" in (tmp_path / "janus.transport.websockets.jcfg").read_text()
    assert janus.admin_key("s") in (tmp_path / "janus.plugin.videoroom.jcfg").read_text()


# --- Capacity and transport (settings) ----------------------------------------------------


def test_capacity_above_the_mesh_is_refused_without_janus(settings):
    settings.JANUS_URL = ""
    with pytest.raises(DomainError) as refused:
        rules.check_capacity(settings.LIVE_MESH_LIMIT + 1)
    assert "media server" in refused.value.message
    assert rules.check_capacity(settings.LIVE_MESH_LIMIT) == settings.LIVE_MESH_LIMIT


def test_capacity_up_to_50_with_janus(settings):
    settings.JANUS_URL, settings.JANUS_API_SECRET = "ws://127.0.0.1:1", "s"
    assert rules.check_capacity(10) == 10
    assert rules.check_capacity(settings.LIVE_SFU_LIMIT) == settings.LIVE_SFU_LIMIT
    with pytest.raises(DomainError):
        rules.check_capacity(settings.LIVE_SFU_LIMIT + 1)


@pytest.mark.django_db
def test_transport_is_chosen_by_capacity(mentor, settings):
    settings.JANUS_URL, settings.JANUS_API_SECRET = "ws://127.0.0.1:1", "s"
    assert sfu.transport(make_session(mentor, capacity=1)) == "mesh"
    assert sfu.transport(make_session(mentor, capacity=settings.LIVE_MESH_LIMIT)) == "mesh"
    big = make_session(mentor, capacity=settings.LIVE_MESH_LIMIT + 1)
    assert sfu.transport(big) == "sfu"
    settings.JANUS_URL = ""
    assert sfu.transport(big) == "mesh"


# --- Tickets over the signaling socket, destroy on end -------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_member_gets_a_ticket_that_opens_the_room(mentor, learner, janus_settings):
    session = await sync_to_async(make_session)(mentor, capacity=10)
    await sync_to_async(book)(session, learner)
    comm = await connect(learner, session.pk)
    await comm.send_json_to({"type": "join", "client": "pageAAAA"})
    await next_of(comm, "welcome")
    ticket = await next_of(comm, "sfu")
    row = await sync_to_async(JanusRoom.objects.get)(session=session)
    assert ticket["room"] == row.room_id and ticket["url"] == janus_settings.url
    assert row.secret not in json.dumps(ticket)  # the room secret never leaves the server
    async with browser(janus_settings, ticket["token"]) as page:
        joined = await join_as_publisher(page, ticket["room"], ticket["pin"])
        assert joined["videoroom"] == "joined"
    # Another learner who did not book can't even get a socket (and so no ticket).
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_mesh_session_gets_no_ticket(mentor, learner, janus_settings):
    session = await sync_to_async(make_session)(mentor, capacity=2)
    await sync_to_async(book)(session, learner)
    comm = await connect(learner, session.pk)
    await comm.send_json_to({"type": "join", "client": "pageBBBB"})
    await next_of(comm, "welcome")
    assert await comm.receive_nothing(timeout=1)  # no "sfu" frame
    assert not await sync_to_async(JanusRoom.objects.filter(session=session).exists)()
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_two_first_joins_share_one_room(mentor, janus_settings):
    session = await sync_to_async(make_session)(mentor, capacity=10)
    first, second = await asyncio.gather(
        sfu.ticket(session.pk, mentor, []), sfu.ticket(session.pk, mentor, [])
    )
    assert first["room"] == second["room"]
    assert first["pin"] == second["pin"]  # one entry per member
    other = await sfu.ticket(session.pk, await sync_to_async(make_user)("someone_else"), [])
    assert other["pin"] != first["pin"]
    assert await sync_to_async(JanusRoom.objects.filter(session=session).count)() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_destroy_removes_the_room_and_marks_the_row(mentor, janus_settings):
    session = await sync_to_async(make_session)(mentor, capacity=10)
    ticket = await sfu.ticket(session.pk, mentor, [])
    assert await sfu.destroy(session.pk)
    async with janus.Janus(janus_settings.url, janus_settings.api_secret) as server:
        assert not await server.exists(ticket["room"])
    row = await sync_to_async(JanusRoom.objects.get)(session=session)
    assert row.destroyed_at is not None
    assert not await sfu.destroy(session.pk)  # once


@pytest.mark.django_db
def test_a_mentor_creates_a_workshop_for_ten_only_when_janus_is_configured(mentor_api, settings):
    from tests.sessions_app.test_api import payload

    settings.JANUS_URL = ""
    refused = mentor_api.post("/api/sessions/", payload(capacity=10), format="json")
    assert refused.status_code == 400
    assert "media server" in json.dumps(refused.json())
    settings.JANUS_URL, settings.JANUS_API_SECRET = "ws://127.0.0.1:1", "s"
    created = mentor_api.post("/api/sessions/", payload(capacity=10), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["capacity"] == 10


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_learner_whose_booking_is_cancelled_is_put_out_of_the_janus_room(
    mentor, learner, janus_settings
):
    session = await sync_to_async(make_session)(mentor, capacity=10)
    await sync_to_async(book)(session, learner)
    comm = await connect(learner, session.pk)
    await comm.send_json_to({"type": "join", "client": "pageCCCC"})
    ticket = await next_of(comm, "sfu")
    row = await sync_to_async(JanusRoom.objects.get)(session=session)
    display = json.dumps(
        {"peer": f"{learner.pk}-pageCCCC", "kind": "camera", "user_id": learner.pk}
    )
    async with browser(janus_settings, ticket["token"]) as page:
        body = {"request": "join", "ptype": "publisher", "room": row.room_id, "display": display}
        body["token"] = ticket["pin"]
        answer = await page.request({"janus": "message", "handle_id": page.handle_id, "body": body})
        assert answer["plugindata"]["data"]["videoroom"] == "joined"
        async with janus.Janus(janus_settings.url, janus_settings.api_secret) as server:
            assert len(await server.participants(row.room_id, row.secret)) == 1
            # An operator cancels the booking mid-call (the admin's full save).
            booking = await sync_to_async(Booking.objects.get)(session=session, learner=learner)
            booking.status, booking.cancelled_at = Booking.Status.CANCELLED, timezone.now()
            await sync_to_async(booking.save)()
            assert (await next_of(comm, "error"))["code"] == "access_lost"
            for _ in range(50):  # the consumer evicts before closing the socket
                if not await server.participants(row.room_id, row.secret):
                    break
                await asyncio.sleep(0.1)
            assert await server.participants(row.room_id, row.secret) == []
    # The pin no longer opens the room, even with a valid Janus token.
    async with browser(janus_settings, ticket["token"]) as again:
        refused = await join_as_publisher(again, row.room_id, ticket["pin"])
        assert refused["error_code"] == 433


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_ending_the_session_destroys_its_janus_room(mentor, janus_settings):
    """ "End session for everyone" (session_completed) and an admin's cancel (post_save)."""
    from sessions_app.models import Session
    from sessions_app.services import end_session

    ended = await sync_to_async(make_session)(mentor, capacity=10)
    cancelled = await sync_to_async(make_session)(mentor, capacity=10)
    tickets = [await sfu.ticket(s.pk, mentor, []) for s in (ended, cancelled)]
    await sync_to_async(end_session)(mentor, ended)
    cancelled.status = Session.Status.CANCELLED
    await sync_to_async(cancelled.save)()
    async with janus.Janus(janus_settings.url, janus_settings.api_secret) as server:
        for ticket in tickets:
            for _ in range(100):  # destroyed after commit, in the background
                if not await server.exists(ticket["room"]):
                    break
                await asyncio.sleep(0.1)
            assert not await server.exists(ticket["room"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_page_that_lost_the_room_gets_a_fresh_ticket_and_the_room_back(
    mentor, janus_settings
):
    """Janus restarted (its rooms are gone): the page asks {"type": "sfu"} again."""
    session = await sync_to_async(make_session)(mentor, capacity=10)
    comm = await connect(mentor, session.pk)
    await comm.send_json_to({"type": "sfu"})
    assert (await next_of(comm, "error"))["code"] == "not_joined"
    await comm.send_json_to({"type": "join", "client": "pageDDDD"})
    first = await next_of(comm, "sfu")
    row = await sync_to_async(JanusRoom.objects.get)(session=session)
    async with janus.Janus(janus_settings.url, janus_settings.api_secret) as server:
        await server.destroy_room(row.room_id, row.secret)  # what a Janus restart does
        await comm.send_json_to({"type": "sfu"})
        again = await next_of(comm, "sfu")
        assert again["room"] == first["room"]
        assert await server.exists(row.room_id)
    async with browser(janus_settings, again["token"]) as page:
        assert (await join_as_publisher(page, again["room"], again["pin"]))["videoroom"] == "joined"
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_mesh_room_hands_out_no_tickets_on_request(mentor, learner, janus_settings):
    session = await sync_to_async(make_session)(mentor, capacity=2)
    comm = await connect(mentor, session.pk)
    await comm.send_json_to({"type": "join", "client": "pageEEEE"})
    await next_of(comm, "welcome")
    await comm.send_json_to({"type": "sfu"})
    assert (await next_of(comm, "error"))["code"] == "not_sfu"
    await comm.disconnect()


def test_run_server_starts_a_local_janus_for_make_run_and_stops_it(tmp_path):
    """scripts/run-server with JANUS_RUN_DIR (what `make run` sets): a Janus on a
    generated config, JANUS_URL/JANUS_API_SECRET for the server, stopped after."""

    if not janus.binary():
        pytest.skip("janus binary not found: apt-get install janus")
    root = Path(__file__).resolve().parents[2]
    port = janus.free_port()
    seen = tmp_path / "env.json"
    server = (
        "import json, os, socket, sys, time\n"
        "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen()\n"
        "keys = ('JANUS_URL', 'JANUS_API_SECRET')\n"
        "json.dump({k: os.environ.get(k) for k in keys}, open(sys.argv[2], 'w'))\n"
        "time.sleep(1.5)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("JANUS_")}
    env.update(JANUS_RUN_DIR=str(tmp_path / "janus"), JANUS_PORT=str(janus.free_port()))
    env["JANUS_RTP_PORTS"] = "33000-33099"
    done = subprocess.run(
        [sys.executable, str(root / "scripts/run-server"), "127.0.0.1", str(port)]
        + [sys.executable, "-c", server, str(port), str(seen)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Janus (group sessions) on ws://127.0.0.1:" in done.stdout
    got = json.loads(seen.read_text())
    assert got["JANUS_URL"] == f"ws://127.0.0.1:{env['JANUS_PORT']}"
    config = (tmp_path / "janus" / "janus.jcfg").read_text()
    assert f'api_secret = "{got["JANUS_API_SECRET"]}"' in config
    # Janus stopped with the server: its port no longer answers.
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", int(env["JANUS_PORT"])), timeout=0.2).close()
        except OSError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("janus still listening after the server stopped")


def test_run_server_without_janus_says_group_sessions_are_capped(tmp_path):
    root = Path(__file__).resolve().parents[2]
    port = janus.free_port()
    server = (
        "import socket, sys, time\n"
        "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); time.sleep(1)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("JANUS_")}
    env.update(JANUS_RUN_DIR=str(tmp_path / "janus"), PATH=str(tmp_path))  # no janus on PATH
    done = subprocess.run(
        [sys.executable, str(root / "scripts/run-server"), "127.0.0.1", str(port)]
        + [sys.executable, "-c", server, str(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Janus not found: group sessions are capped at 4 learners" in done.stderr
