"""Session banners leave open pages without a reload: the services store the
change, then push the "banners" live fragment after commit; a page that
missed the push gets the truth back with its next hello."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from notifications import consumers
from sessions_app import services
from sessions_app.models import Booking
from tests.sessions_app.builders import make_booking, make_session
from tests.support.sockets import ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

BANNERS = [{"name": "banners", "key": {}}]


@pytest.fixture(autouse=True)
def no_catch_up_throttle(monkeypatch):
    monkeypatch.setattr(consumers, "MIN_CATCH_UP_SECONDS", 0)


@sync_to_async
def _soon(mentor, learner):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(minutes=3))
    make_booking(session, learner)
    assert services.send_session_reminders() == 1
    return session


async def _hello(user, last_id=None):
    """Connect and say hello with the banner list on the page; returns the
    socket and the banners fragment sent before "ready"."""
    comm = await ws(user, "/ws/notifications/")
    if last_id is None:
        last_id = await sync_to_async(_newest)(user)
    await comm.send_json_to({"type": "hello", "last_id": last_id, "fragments": BANNERS})
    banners = None
    while (frame := await comm.receive_json_from(timeout=3))["type"] != "ready":
        if frame["type"] == "update" and frame["kind"] == "banners":
            banners = frame["html"]
    return comm, banners


def _newest(user) -> int:
    from notifications.queries import newest_id

    return newest_id(user)


async def _next_banners(comm) -> str:
    """The next "banners" update (notification frames may come first)."""
    while True:
        frame = await comm.receive_json_from(timeout=3)
        if frame["type"] == "update" and frame["kind"] == "banners":
            return frame["html"]


def _room(session) -> str:
    return f'href="/live/{session.pk}/"'


async def test_start_then_end_take_the_banners_off_both_sides_pages(mentor, learner):
    session = await _soon(mentor, learner)
    mentor_ws, mentor_banners = await _hello(mentor)
    learner_ws, learner_banners = await _hello(learner)
    assert 'id="banners" hx-swap-oob="innerHTML"' in mentor_banners
    assert "starts in" in mentor_banners and _room(session) in learner_banners

    await sync_to_async(services.start_session)(mentor, session)
    assert _room(session) not in await _next_banners(mentor_ws)  # they are in it
    live = await _next_banners(learner_ws)
    assert 'data-countdown="live"' in live and "Join now" in live

    await sync_to_async(services.end_session)(mentor, session)
    assert _room(session) not in await _next_banners(learner_ws)
    assert _room(session) not in await _next_banners(mentor_ws)
    await mentor_ws.disconnect()
    await learner_ws.disconnect()


async def test_cancelling_pushes_both_sides(mentor, learner):
    session = await _soon(mentor, learner)
    mentor_ws, _ = await _hello(mentor)
    learner_ws, _ = await _hello(learner)
    await sync_to_async(services.cancel_session)(mentor, session, "Ill")
    assert _room(session) not in await _next_banners(mentor_ws)
    assert _room(session) not in await _next_banners(learner_ws)
    await mentor_ws.disconnect()
    await learner_ws.disconnect()


async def test_a_learner_who_cancels_the_seat_loses_the_banner_live(mentor, learner):
    session = await _soon(mentor, learner)
    learner_ws, banners = await _hello(learner)
    assert _room(session) in banners
    booking = await Booking.objects.aget(session=session, learner=learner)
    await sync_to_async(services.cancel_booking)(learner, booking)
    assert _room(session) not in await _next_banners(learner_ws)
    await learner_ws.disconnect()


async def test_a_page_that_missed_the_push_is_put_right_by_its_hello(mentor, learner):
    session = await _soon(mentor, learner)
    # The page was rendered (and its socket dropped) while the banner was open…
    last_seen = await sync_to_async(_newest)(learner)
    await sync_to_async(services.start_session)(mentor, session)
    await sync_to_async(services.end_session)(mentor, session)
    # …it reconnects: the missed "is live" row is replayed, then the list that
    # holds neither banner replaces what the page shows.
    comm, banners = await _hello(learner, last_id=last_seen)
    assert banners is not None and _room(session) not in banners
    await comm.disconnect()
