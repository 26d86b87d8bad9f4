"""A reconnect restores every live value: hello re-sends the page's live fragments.

The client lists the fragments its page shows (data-live-fragment elements) in
`hello`; the consumer renders each from fresh state before `ready`. So data
changed while the socket was down (its pushes went nowhere) shows up again.
"""

import re

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from notifications import consumers, services
from notifications.models import Notification
from requests_app import services as request_services
from sessions_app import services as session_services
from tests.earnings.builders import completed_session
from tests.requests_app.builders import future
from tests.sessions_app.builders import make_session
from tests.support.sockets import ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _open(user) -> WebsocketCommunicator:
    return await ws(user, "/ws/notifications/")


async def _hello(comm, last_id: int, fragments) -> dict[str, str]:
    """Send hello; the `update` frames before `ready`, by fragment name."""
    await comm.send_json_to({"type": "hello", "last_id": last_id, "fragments": fragments})
    updates = {}
    while True:
        frame = await comm.receive_json_from(timeout=3)
        if frame["type"] == "ready":
            return updates
        if frame["type"] == "update":
            assert frame["kind"] not in updates  # each fragment once
            updates[frame["kind"]] = frame["html"]


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    return match.group(1).strip()


def _card(html: str, name: str) -> str:
    return re.search(rf'data-summary="{name}">[A-Z]{{3}}\xa0([0-9.,]+)<', html).group(1)


@sync_to_async
def _newest_id(user) -> int:
    return Notification.objects.filter(user=user).order_by("-pk").values_list("pk", flat=True)[0]


@sync_to_async
def _change_everything(mentor, learner, other_learner, session):
    """While the socket is down: every write pushes as usual (to nobody)."""
    request_services.create_request(
        other_learner, mentor, topic="Offline", preferred_times=[future(24)]
    )
    session_services.book_session(learner, session)
    completed_session(mentor, [other_learner], price="100.00")  # the ledger credit (90.00 net)
    services.notify(mentor, "system", "While you were away")


async def test_a_reconnect_restores_badge_counts_bell_and_earnings(mentor, learner, other_learner):
    session = await sync_to_async(make_session)(mentor, capacity=3, price="0.00")
    page = [
        {"name": "bell", "key": {}},
        {"name": "requests_badge", "key": {}},
        {"name": "participants", "key": {"session_id": session.pk}},
        {"name": "earnings_summary", "key": {}},
        {"name": "payout_history", "key": {}},
    ]
    comm = await _open(mentor)
    before = await _hello(comm, 0, page)
    assert set(before) == {f["name"] for f in page}
    assert _text(before["participants"], f"participants-{session.pk}") == "0 / 3"
    assert _text(before["requests_badge"], "requests-badge") == "0"
    assert _card(before["earnings_summary"], "total_earned") == "0.00"
    await comm.disconnect()  # the socket drops

    await _change_everything(mentor, learner, other_learner, session)

    comm = await _open(mentor)
    # The page already has every notification, so nothing but hello can bring the values.
    after = await _hello(comm, await _newest_id(mentor), page)
    assert _text(after["participants"], f"participants-{session.pk}") == "1 / 3"
    assert _text(after["requests_badge"], "requests-badge") == "1"
    unread = await sync_to_async(services.unread_count)(mentor)
    assert unread >= 3 and f'data-count="{unread}"' in after["bell"]
    assert _card(after["earnings_summary"], "total_earned") == "90.00"
    assert _card(after["earnings_summary"], "pending") == "90.00"
    assert 'hx-swap-oob="true"' in after["payout_history"]
    assert await comm.receive_nothing(timeout=0.2)
    await comm.disconnect()


async def test_hello_sends_nothing_for_fragments_the_user_may_not_see(mentor, other_mentor):
    theirs = await sync_to_async(make_session)(other_mentor)
    comm = await _open(mentor)
    updates = await _hello(
        comm,
        0,
        [
            {"name": "participants", "key": {"session_id": theirs.pk}},
            {"name": "room_presence", "key": {"session_id": theirs.pk}},
            {"name": "no_such_fragment", "key": {}},
            {"name": "bell", "key": {}},
        ],
    )
    assert list(updates) == ["bell"]
    await comm.disconnect()


@pytest.mark.parametrize(
    "fragments",
    [
        "bell",
        {"name": "bell"},
        [{"name": "bell", "key": {"session_id": 1e300}}],
        [{"name": "participants", "key": {"session_id": "1 OR 1=1"}}],
        [[["deep"]]],
        [{"name": "bell", "key": {}}] * (consumers.MAX_PAGE_FRAGMENTS + 1),
    ],
)
async def test_malformed_fragment_lists_are_ignored_not_fatal(mentor, fragments):
    comm = await _open(mentor)
    assert await _hello(comm, 0, fragments) == {}
    await comm.send_json_to({"type": "ping", "last_id": 0})
    assert (await comm.receive_json_from(timeout=2))["type"] == "pong"
    await comm.disconnect()


async def test_a_hello_without_fragments_still_works(mentor):
    comm = await _open(mentor)
    await comm.send_json_to({"type": "hello", "last_id": 0})
    assert await comm.receive_json_from(timeout=2) == {"type": "ready", "last_id": 0}
    await comm.disconnect()


async def test_a_notification_from_another_process_refreshes_the_pages_fragments(
    mentor, monkeypatch
):
    """A write in another process (operator command, in-memory layer) reaches the
    page only as a stored notification; the heartbeat that catches it up re-sends
    the live fragments."""
    monkeypatch.setattr(consumers, "MIN_CATCH_UP_SECONDS", 0)
    comm = await _open(mentor)
    await _hello(comm, 0, [{"name": "requests_badge", "key": {}}])

    @sync_to_async
    def elsewhere():
        from requests_app.models import SessionRequest
        from tests.conftest import make_user

        learner = make_user("lena", "learner")
        SessionRequest.objects.create(learner=learner, mentor=mentor, topic="CLI")
        Notification.objects.create(user=mentor, kind="new_request", title="New request")

    await elsewhere()
    await comm.send_json_to({"type": "ping", "last_id": 0})
    frames = []
    while not frames or frames[-1]["type"] != "pong":
        frames.append(await comm.receive_json_from(timeout=2))
    assert [f["type"] for f in frames] == ["notification", "update", "pong"]
    assert _text(frames[1]["html"], "requests-badge") == "1"
    await comm.disconnect()


async def test_a_push_is_rendered_from_state_read_when_it_arrives(mentor, learner):
    session = await sync_to_async(make_session)(mentor, capacity=5)
    comm = await _open(mentor)
    await _hello(comm, 0, [])
    # The hint names the fragment; the count is whatever the database says now.
    await sync_to_async(session_services.book_session)(learner, session)
    frame = await comm.receive_json_from(timeout=2)
    while frame["type"] != "update":
        frame = await comm.receive_json_from(timeout=2)
    assert _text(frame["html"], f"participants-{session.pk}") == "1 / 5"
    # A late or repeated hint can't show an old value either.
    await get_channel_layer().group_send(
        services.user_group(mentor.pk),
        {"type": "live.update", "name": "participants", "key": {"session_id": session.pk}},
    )
    frame = await comm.receive_json_from(timeout=2)
    while frame["type"] != "update":
        frame = await comm.receive_json_from(timeout=2)
    assert _text(frame["html"], f"participants-{session.pk}") == "1 / 5"
    await comm.disconnect()
