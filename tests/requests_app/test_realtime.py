"""The Requests badge updates live on every open dashboard of the mentor."""

import re

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from requests_app import services
from requests_app.models import SessionRequest
from tests.support.sockets import ws

from .builders import future

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(user) -> WebsocketCommunicator:
    comm = await ws(user, "/ws/notifications/")
    await comm.send_json_to({"type": "hello", "last_id": 0})
    assert (await comm.receive_json_from(timeout=2))["type"] == "ready"
    return comm


async def badge_count(comm) -> int:
    """Read frames until the next requests_badge update; return the count it shows."""
    while True:
        frame = await comm.receive_json_from(timeout=3)
        if frame["type"] == "update" and frame["kind"] == "requests_badge":
            html = frame["html"]
            assert 'id="requests-badge"' in html
            assert 'hx-swap-oob="true"' in html
            return int(re.search(r">(\d+)</span>", html).group(1))


create = sync_to_async(
    lambda learner, mentor: services.create_request(
        learner, mentor, topic="Live badge", preferred_times=[future(24)]
    )
)
accept = sync_to_async(lambda mentor, r: services.accept_request(mentor, r, future(30)))
decline = sync_to_async(lambda mentor, r: services.decline_request(mentor, r, ""))
withdraw = sync_to_async(services.withdraw_request)


async def test_every_open_dashboard_of_the_mentor_sees_the_pending_count_change(
    mentor, learner, other_mentor
):
    tab_one, tab_two = await connect(mentor), await connect(mentor)
    bystander = await connect(other_mentor)

    first = await create(learner, mentor)
    assert await badge_count(tab_one) == 1
    assert await badge_count(tab_two) == 1
    second = await create(learner, mentor)
    assert await badge_count(tab_one) == 2
    await accept(mentor, first)
    assert await badge_count(tab_one) == 1
    await withdraw(learner, second)
    assert await badge_count(tab_one) == 0
    third = await create(learner, mentor)
    assert await badge_count(tab_one) == 1
    await decline(mentor, third)
    assert await badge_count(tab_one) == 0

    assert await bystander.receive_nothing(timeout=0.3)
    for comm in (tab_one, tab_two, bystander):
        await comm.disconnect()


async def test_the_pushed_count_is_read_after_commit(mentor, learner):
    """The badge shows the committed count, not one read mid-transaction.

    Here a second change commits together with the request (as another
    answer committing at the same moment would): the pushed count includes it.
    """
    tab = await connect(mentor)

    @sync_to_async
    def send_then_withdraw_in_one_transaction():
        with transaction.atomic():
            r = services.create_request(
                learner, mentor, topic="Gone at once", preferred_times=[future(24)]
            )
            SessionRequest.objects.filter(pk=r.pk).update(status="withdrawn")

    await send_then_withdraw_in_one_transaction()
    assert await badge_count(tab) == 0
    await tab.disconnect()
