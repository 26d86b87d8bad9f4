"""The shared test helpers do what the suite relies on."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator

from tests.support import asgi
from tests.support.race import race
from tests.support.sockets import access_cookie, ws_headers
from tests.support.wait import WaitTimeout, wait_until


async def _busy() -> dict:
    response = await HttpCommunicator(asgi.application, "GET", asgi.BUSY_PATH).get_response()
    assert response["status"] == 200
    return json.loads(response["body"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_test_server_counts_a_socket_until_its_consumer_has_returned(mentor):
    cookie = await sync_to_async(access_cookie)(mentor)
    comm = WebsocketCommunicator(asgi.application, "/ws/notifications/", headers=ws_headers(cookie))
    connected, _ = await comm.connect()
    assert connected
    assert await _busy() == {"http": 0, "websocket": 1}
    await comm.disconnect()  # returns once the consumer's disconnect() has run
    assert await _busy() == {"http": 0, "websocket": 0}


def test_race_returns_each_result_or_exception_in_order():
    def work(i):
        if i == 1:
            raise ValueError("lost")
        return i * 10

    outcomes = race(3, work)
    assert outcomes[0] == 0 and outcomes[2] == 20
    assert isinstance(outcomes[1], ValueError)


def test_wait_until_returns_the_first_truthy_value_and_fails_when_time_is_up():
    calls = iter([0, None, "ready"])
    assert wait_until(lambda: next(calls), timeout=5, interval=0) == "ready"
    with pytest.raises(WaitTimeout, match="never"):
        wait_until(lambda: False, timeout=0, what="never")
