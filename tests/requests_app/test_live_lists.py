"""The mentor's lists follow new bookings and requests live (issue #20 point 3):
a learner's one-to-one booking pushes a new Scheduled stamp, a new request a new
Requests stamp, to every open dashboard of that mentor only; the first render of
each tab carries the same stamp the socket sends (so an unchanged one reloads
nothing), and a page that says it shows a stamp gets it again on `hello`."""

import re
from datetime import datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from requests_app import services
from requests_app.booking import book_slot
from requests_app.fragments import requests_version
from sessions_app.availability.services import mentor_today, update_availability
from sessions_app.fragments import scheduled_version
from tests.support.sockets import ws

from .builders import future

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(user, fragments=()) -> WebsocketCommunicator:
    comm = await ws(user, "/ws/notifications/")
    await comm.send_json_to({"type": "hello", "last_id": 0, "fragments": list(fragments)})
    return comm


async def stamp(comm, kind: str) -> str:
    """Read frames until the next `kind` update; return the version it carries."""
    while True:
        frame = await comm.receive_json_from(timeout=3)
        if frame["type"] == "update" and frame["kind"] == kind:
            assert 'hx-swap-oob="true"' in frame["html"]
            assert "data-live-refresh" in frame["html"]
            return re.search(r'data-version="([^"]+)"', frame["html"]).group(1)


async def drain(comm):
    while True:
        frame = await comm.receive_json_from(timeout=2)
        if frame["type"] == "ready":
            return


def _open(mentor):
    update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 540, "end": 720} for d in range(7)],
        min_notice_minutes=0,
        instant_booking=True,
    )
    day = mentor_today(mentor) + timedelta(days=3)
    return datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=mentor.tzinfo)


async def test_a_one_to_one_booking_pushes_a_new_scheduled_stamp_to_the_mentor_only(
    mentor, learner, other_mentor
):
    starts_at = await sync_to_async(_open)(mentor)
    before = await sync_to_async(scheduled_version)(mentor.pk)
    tab, bystander = await connect(mentor), await connect(other_mentor)
    await drain(tab)
    await drain(bystander)

    await sync_to_async(book_slot)(
        learner, mentor, starts_at=starts_at, duration_minutes=60, topic="Live list"
    )
    pushed = await stamp(tab, "scheduled_version")
    assert pushed != before
    assert pushed == await sync_to_async(scheduled_version)(mentor.pk)
    assert await bystander.receive_nothing(timeout=0.3)
    for comm in (tab, bystander):
        await comm.disconnect()


async def test_a_new_request_pushes_a_new_requests_stamp(mentor, learner):
    tab = await connect(mentor)
    await drain(tab)
    before = await sync_to_async(requests_version)(mentor.pk)
    await sync_to_async(services.create_request)(
        learner, mentor, topic="Live list", preferred_times=[future(30)]
    )
    pushed = await stamp(tab, "requests_version")
    assert pushed != before and pushed.startswith("1.")
    await tab.disconnect()


async def test_hello_resends_the_stamps_a_page_shows(mentor):
    fragments = [
        {"name": "scheduled_version", "key": {}},
        {"name": "requests_version", "key": {}},
    ]
    tab = await connect(mentor, fragments)
    assert await stamp(tab, "scheduled_version") == await sync_to_async(scheduled_version)(
        mentor.pk
    )
    assert await stamp(tab, "requests_version") == "0.0"
    await tab.disconnect()


async def test_a_learner_gets_no_stamp(learner):
    tab = await connect(learner, [{"name": "scheduled_version", "key": {}}])
    while True:
        frame = await tab.receive_json_from(timeout=2)
        assert frame.get("kind") not in ("scheduled_version", "requests_version")
        if frame["type"] == "ready":
            break
    await tab.disconnect()
