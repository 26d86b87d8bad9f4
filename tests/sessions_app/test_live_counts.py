"""The mentor's open dashboards get the participant count over /ws/notifications/."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from sessions_app import services
from tests.sessions_app.builders import make_session
from tests.support.sockets import ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _connect(user) -> WebsocketCommunicator:
    comm = await ws(user, "/ws/notifications/")
    await comm.send_json_to({"type": "hello", "last_id": 0})
    return comm


async def _participant_updates(comm, want: int) -> list[str]:
    found = []
    while len(found) < want:
        frame = await comm.receive_json_from(timeout=3)
        if frame.get("type") == "update" and frame.get("kind") == "participants":
            found.append(frame["html"])
    return found


async def test_booking_and_cancelling_push_the_count_to_the_mentor(mentor, learner):
    session = await sync_to_async(make_session)(mentor, capacity=3)
    comm = await _connect(mentor)
    booking = await sync_to_async(services.book_session)(learner, session)
    [html] = await _participant_updates(comm, 1)
    assert f'<span id="participants-{session.pk}" hx-swap-oob="true"' in html and ">1 / 3<" in html
    await sync_to_async(services.cancel_booking)(learner, booking)
    [html] = await _participant_updates(comm, 1)
    assert f'id="participants-{session.pk}"' in html and ">0 / 3<" in html
    await comm.disconnect()


async def test_a_learner_never_gets_the_mentors_counts(mentor, learner):
    session = await sync_to_async(make_session)(mentor, capacity=3)
    comm = await _connect(learner)
    await sync_to_async(services.book_session)(learner, session)
    frames = []
    while not await comm.receive_nothing(timeout=1):
        frames.append(await comm.receive_json_from())
    assert not [f for f in frames if f.get("kind") == "participants"]
    await comm.disconnect()


async def test_booking_through_the_page_pushes_the_count_after_commit(mentor, learner):
    """The confirmation dialog's POST (the HTMX view) reaches the mentor's open dashboard."""
    from tests.conftest import jwt_client

    session = await sync_to_async(make_session)(mentor, capacity=4)
    comm = await _connect(mentor)

    def book_through_the_page():
        client = jwt_client(learner)
        return client.post(f"/sessions/{session.pk}/book/", headers={"HX-Request": "true"})

    response = await sync_to_async(book_through_the_page)()
    assert response.status_code == 200 and "1 / 4 booked" in response.content.decode()
    [html] = await _participant_updates(comm, 1)
    assert f'id="participants-{session.pk}"' in html and ">1 / 4<" in html
    await comm.disconnect()


async def test_a_refused_booking_pushes_nothing(mentor, learner, other_learner):
    session = await sync_to_async(make_session)(mentor, capacity=1)
    await sync_to_async(services.book_session)(other_learner, session)
    comm = await _connect(mentor)
    with pytest.raises(Exception, match="full"):
        await sync_to_async(services.book_session)(learner, session)
    frames = []
    while not await comm.receive_nothing(timeout=1):
        frames.append(await comm.receive_json_from())
    assert not [f for f in frames if f.get("kind") == "participants"]
    await comm.disconnect()
