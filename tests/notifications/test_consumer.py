"""UserConsumer: own events only, catch-up after reconnect, heartbeat, live fragments."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction

from notifications import consumers, services
from tests.notifications.builders import make_notification
from tests.support.sockets import access_cookie, ws, ws_headers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def no_catch_up_throttle(monkeypatch):
    monkeypatch.setattr(consumers, "MIN_CATCH_UP_SECONDS", 0)


headers = ws_headers
_cookie = sync_to_async(access_cookie)


async def connect(user, last_id: int = 0) -> WebsocketCommunicator:
    comm = await ws(user, "/ws/notifications/")
    await comm.send_json_to({"type": "hello", "last_id": last_id})
    return comm


async def frames_until(comm, kind: str) -> list[dict]:
    """Every frame up to and including the first one of type `kind`."""
    frames = []
    while True:
        frame = await comm.receive_json_from(timeout=2)
        frames.append(frame)
        if frame["type"] == kind:
            return frames


notify = sync_to_async(lambda *args, **kwargs: _in_transaction(services.notify, *args, **kwargs))
push_update = sync_to_async(lambda *args, **kw: _in_transaction(services.push_update, *args, **kw))
create = sync_to_async(make_notification)


def _in_transaction(func, *args, **kwargs):
    with transaction.atomic():
        return func(*args, **kwargs)


async def test_it_receives_its_own_notification_as_a_toast_and_bell_count(mentor):
    comm = await connect(mentor)
    assert await frames_until(comm, "ready") == [{"type": "ready", "last_id": 0}]
    created = await notify(mentor, "booking", "Lea booked “Django”", body="1 of 4", url="/x/")
    frame = await comm.receive_json_from(timeout=2)
    assert frame["type"] == "notification"
    assert frame["id"] == created.pk
    assert (frame["level"], frame["title"], frame["url"]) == ("info", "Lea booked “Django”", "/x/")
    html = frame["html"]
    assert 'id="bell-count" hx-swap-oob="true"' in html
    assert 'data-count="1"' in html
    assert 'hx-swap-oob="beforeend:#toasts"' in html
    assert "Lea booked “Django”" in html
    assert "#banners" not in html
    await comm.disconnect()


async def test_an_urgent_notification_is_a_banner(mentor):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    await notify(
        mentor,
        "session_reminder",
        "Starts in 5 minutes",
        url="/live/1/",
        level="urgent",
        action="Start Session",
    )
    frame = await comm.receive_json_from(timeout=2)
    assert frame["level"] == "urgent"
    assert 'hx-swap-oob="afterbegin:#banners"' in frame["html"]
    assert 'role="alert"' in frame["html"]
    assert "Start Session" in frame["html"] and 'href="/live/1/"' in frame["html"]
    assert "#toasts" not in frame["html"]
    await comm.disconnect()


async def test_it_never_receives_another_users_notification(mentor, other_mentor):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    await notify(other_mentor, "booking", "For Bob only")
    mine = await notify(mentor, "booking", "For Ann")
    frame = await comm.receive_json_from(timeout=2)
    assert frame["id"] == mine.pk  # Bob's never arrived first, nor at all
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_hello_replays_exactly_the_missed_rows_in_order(mentor, other_mentor):
    seen = await create(mentor, "seen before")
    missed = [await create(mentor, f"missed {i}") for i in range(3)]
    await create(other_mentor, "not mine")
    comm = await connect(mentor, last_id=seen.pk)
    frames = await frames_until(comm, "ready")
    assert [f["id"] for f in frames[:-1]] == [n.pk for n in missed]
    assert [f["title"] for f in frames[:-1]] == ["missed 0", "missed 1", "missed 2"]
    assert frames[-1] == {"type": "ready", "last_id": missed[-1].pk}
    # The catch-up is not repeated by the next heartbeat: no duplicates.
    await comm.send_json_to({"type": "ping", "last_id": seen.pk})
    assert await frames_until(comm, "pong") == [{"type": "pong", "last_id": missed[-1].pk}]
    await comm.disconnect()


async def test_a_push_for_a_row_already_replayed_is_not_sent_twice(mentor):
    comm = await ws(mentor, "/ws/notifications/")
    # Stored and pushed before the client said hello: the push is dropped and
    # the hello catch-up delivers the row, once.
    created = await notify(mentor, "system", "early")
    await comm.send_json_to({"type": "hello", "last_id": 0})
    frames = await frames_until(comm, "ready")
    assert [f.get("id") for f in frames] == [created.pk, None]
    # A late duplicate push (e.g. a second process) is ignored too.
    from channels.layers import get_channel_layer

    await get_channel_layer().group_send(
        services.user_group(mentor.pk), {"type": "notification.created", "id": created.pk}
    )
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_the_heartbeat_delivers_rows_stored_by_other_processes(mentor):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    # Stored without a push, as another server process with its own in-memory
    # channel layer would have done.
    stored = await create(mentor, "from the operator")
    assert await comm.receive_nothing(timeout=0.2)
    await comm.send_json_to({"type": "ping", "last_id": 0})
    frames = await frames_until(comm, "pong")
    assert [f.get("id") for f in frames] == [stored.pk, None]
    assert frames[-1]["last_id"] == stored.pk
    await comm.disconnect()


async def test_live_updates_are_rendered_from_fresh_state(mentor):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    for i in range(7):
        await create(mentor, f"unread {i}")  # stored without a push
    await push_update(mentor, "bell")  # the hint carries no count: it is read now
    frame = await comm.receive_json_from(timeout=2)
    assert frame["type"] == "update"
    assert frame["kind"] == "bell"
    assert 'id="bell-count" hx-swap-oob="true" data-live-fragment="bell"' in frame["html"]
    assert ">7<" in frame["html"]
    await comm.disconnect()


async def test_unknown_or_unsafe_live_fragments_are_dropped(mentor):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    with pytest.raises(ValueError):
        await push_update(mentor.pk, "no_such_fragment")
    with pytest.raises(ValueError):
        await push_update(mentor.pk, "participants", session_id="1; DROP")
    # Hints from elsewhere (another process, an older version) are checked again.
    layer = get_channel_layer()
    for event in (
        {"type": "live.update", "name": "../../base", "key": {}},
        {"type": "live.update", "name": "participants", "key": {"session_id": True}},
        {"type": "live.update", "name": "bell", "key": {"extra": 1}},
        {"type": "live.update"},
    ):
        await layer.group_send(services.user_group(mentor.pk), event)
    assert await comm.receive_nothing(timeout=0.3)
    # The socket is still fine.
    await comm.send_json_to({"type": "ping", "last_id": 0})
    assert (await comm.receive_json_from(timeout=2))["type"] == "pong"
    await comm.disconnect()


async def test_garbage_frames_are_ignored(mentor):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    await comm.send_to(text_data="not json")
    await comm.send_json_to(["a", "list"])
    await comm.send_json_to({"type": "ping", "last_id": "DROP TABLE"})
    assert (await comm.receive_json_from(timeout=2))["type"] == "pong"
    await comm.disconnect()


async def test_a_ping_flood_costs_at_most_one_catch_up_a_second(mentor, monkeypatch):
    monkeypatch.setattr(consumers, "MIN_CATCH_UP_SECONDS", 60)
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    await create(mentor, "stored elsewhere")
    for _ in range(5):
        await comm.send_json_to({"type": "ping", "last_id": 0})
    frames = [await comm.receive_json_from(timeout=2) for _ in range(5)]
    assert {f["type"] for f in frames} == {"pong"}  # no queries, just pongs
    await comm.send_to(text_data='{"type": "ping", "last_id": 0, "pad": "' + "x" * 5000 + '"}')
    assert await comm.receive_nothing(timeout=0.3)  # oversized frames are ignored
    await comm.disconnect()


async def test_a_socket_whose_token_expired_closes_with_4001_at_the_next_heartbeat(
    mentor, monkeypatch
):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    # Later than the access token's lifetime: the connection's token has expired.
    later = consumers._now() + settings.ACCESS_TOKEN_LIFETIME.total_seconds() + 1
    monkeypatch.setattr(consumers, "_now", lambda: later)
    await comm.send_json_to({"type": "ping", "last_id": 0})
    assert await comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}


async def test_a_socket_whose_token_expired_delivers_no_more_events(mentor, monkeypatch):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    later = consumers._now() + settings.ACCESS_TOKEN_LIFETIME.total_seconds() + 1
    monkeypatch.setattr(consumers, "_now", lambda: later)
    await notify(mentor, "booking", "Not for a stale socket")
    await push_update(mentor.pk, "bell")
    # Closed instead of delivered (the client reconnects and catches up).
    assert await comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}
    assert await comm.receive_nothing(timeout=0.3)


async def test_a_socket_with_a_valid_token_keeps_going(mentor):
    comm = await connect(mentor)
    await frames_until(comm, "ready")
    expires = consumers.token_expiry({"headers": [(b"cookie", (await _cookie(mentor)).encode())]})
    assert expires is not None and expires > consumers._now()
    await comm.send_json_to({"type": "ping", "last_id": 0})
    assert (await comm.receive_json_from(timeout=2))["type"] == "pong"
    await comm.disconnect()


async def test_a_users_sockets_share_one_read_and_render_of_a_notification(
    mentor, other_mentor, monkeypatch
):
    """Five tabs: one row read, one count, one render in the process, not five."""
    monkeypatch.setattr(consumers, "SHARED_RENDER_SECONDS", 30)
    renders = []
    real = consumers.render_notifications

    def counting(user, rows):
        renders.append((user.pk, [row.pk for row in rows]))
        return real(user, rows)

    monkeypatch.setattr(consumers, "render_notifications", counting)
    tabs = [await connect(mentor) for _ in range(5)]
    other = await connect(other_mentor)
    for comm in [*tabs, other]:
        await frames_until(comm, "ready")
    renders.clear()
    created = await notify(mentor, "booking", "One render", body="for five tabs")
    frames = [await comm.receive_json_from(timeout=2) for comm in tabs]
    assert renders == [(mentor.pk, [created.pk])]
    assert all(frame == frames[0] for frame in frames)
    assert frames[0]["id"] == created.pk and 'data-count="1"' in frames[0]["html"]
    assert await other.receive_nothing(timeout=0.2)  # another user's socket: nothing
    # The next notification is read and rendered afresh (its own row, the new count).
    second = await notify(mentor, "booking", "Another")
    frames = [await comm.receive_json_from(timeout=2) for comm in tabs]
    assert renders[-1] == (mentor.pk, [second.pk])
    assert len(renders) == 2
    assert {f["id"] for f in frames} == {second.pk}
    assert 'data-count="2"' in frames[0]["html"]
    for comm in [*tabs, other]:
        await comm.disconnect()


async def test_a_shared_render_never_crosses_users(mentor, other_mentor, monkeypatch):
    """The render is keyed by user: a push naming another user's row id sends nothing."""
    monkeypatch.setattr(consumers, "SHARED_RENDER_SECONDS", 30)
    mine, theirs = await connect(mentor), await connect(other_mentor)
    for comm in (mine, theirs):
        await frames_until(comm, "ready")
    created = await notify(mentor, "booking", "For Ann only")
    assert (await mine.receive_json_from(timeout=2))["id"] == created.pk
    await get_channel_layer().group_send(
        services.user_group(other_mentor.pk), {"type": "notification.created", "id": created.pk}
    )
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_frames_keep_their_order_on_every_socket(mentor, monkeypatch):
    monkeypatch.setattr(consumers, "SHARED_RENDER_SECONDS", 30)
    tabs = [await connect(mentor) for _ in range(3)]
    for comm in tabs:
        await frames_until(comm, "ready")
    created = [await notify(mentor, "system", f"n{i}") for i in range(4)]
    for comm in tabs:
        frames = [await comm.receive_json_from(timeout=2) for _ in created]
        assert [f["id"] for f in frames] == [n.pk for n in created]
        assert [f["title"] for f in frames] == ["n0", "n1", "n2", "n3"]
        await comm.disconnect()
