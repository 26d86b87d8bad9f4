"""The learner's home cards follow the mentor live (issue #20): when the mentor moves,
edits, starts or cancels a session, each booked learner's open home gets that
booking's card again (live fragment `learner_booking`), read fresh; nobody else's."""

import pytest
from asgiref.sync import sync_to_async

from sessions_app.services import cancel_session, reschedule_session
from tests.support.sockets import ws

from .test_learner_bookings import _slot, one_to_one

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(user, fragments=()):
    comm = await ws(user, "/ws/notifications/")
    await comm.send_json_to({"type": "hello", "last_id": 0, "fragments": list(fragments)})
    return comm


async def card(comm, booking_id):
    while True:
        frame = await comm.receive_json_from(timeout=3)
        if frame["type"] == "update" and frame["kind"] == "learner_booking":
            html = frame["html"]
            assert f'id="booking-{booking_id}" hx-swap-oob="true"' in html
            return html


async def ready(comm):
    while (await comm.receive_json_from(timeout=2))["type"] != "ready":
        pass


async def test_the_card_shows_the_mentors_move_then_the_cancel(mentor, learner, other_learner):
    booking = await sync_to_async(one_to_one)(mentor, learner)
    page = await connect(learner)
    stranger = await connect(other_learner)
    await ready(page)
    await ready(stranger)

    target = _slot(mentor, "11:00", days=5)
    session = await sync_to_async(lambda: booking.session)()
    await sync_to_async(reschedule_session)(mentor, session, target, "Clash")
    html = await card(page, booking.pk)
    assert f'datetime="{target.astimezone(learner.tzinfo).isoformat()}"' in html
    assert 'data-booking-status="booked"' in html and "Scheduled" in html

    await sync_to_async(cancel_session)(mentor, session, "Ill")
    html = await card(page, booking.pk)
    assert "Cancelled" in html and "/cancel/" not in html
    assert await stranger.receive_nothing(timeout=0.3)
    for comm in (page, stranger):
        await comm.disconnect()


async def test_hello_restores_only_the_learners_own_card(mentor, learner, other_learner):
    booking = await sync_to_async(one_to_one)(mentor, learner)
    fragments = [{"name": "learner_booking", "key": {"booking_id": booking.pk}}]
    own = await connect(learner, fragments)
    assert "Scheduled" in await card(own, booking.pk)
    other = await connect(other_learner, fragments)
    while True:
        frame = await other.receive_json_from(timeout=2)
        assert frame.get("kind") != "learner_booking"
        if frame["type"] == "ready":
            break
    for comm in (own, other):
        await comm.disconnect()
