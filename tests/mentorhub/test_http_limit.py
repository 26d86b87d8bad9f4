"""BoundedHTTP: at most N HTTP requests in the Django app at once; WebSockets pass."""

import asyncio
import threading

import pytest
from asgiref.sync import ThreadSensitiveContext, sync_to_async

from core.http_limit import BoundedHTTP


class Recorder:
    def __init__(self):
        self.inside = self.most = 0

    async def __call__(self, scope, receive, send):
        self.inside += 1
        self.most = max(self.most, self.inside)
        # Hand the loop to the other requests (no wall-clock wait): without the
        # limit they would all be inside now.
        for _ in range(3):
            await asyncio.sleep(0)
        self.inside -= 1
        await send({"type": scope["type"], "done": True})


async def _run(app, kind: str, n: int) -> list:
    sent = []

    async def send(message):
        sent.append(message)

    await asyncio.gather(*(app({"type": kind}, None, send) for _ in range(n)))
    return sent


@pytest.mark.asyncio
async def test_http_requests_beyond_the_limit_wait_their_turn_and_all_finish():
    inner = Recorder()
    sent = await _run(BoundedHTTP(inner, 2), "http", 8)
    assert inner.most == 2
    assert len(sent) == 8


@pytest.mark.asyncio
async def test_websockets_and_a_zero_limit_are_not_bounded():
    inner = Recorder()
    await _run(BoundedHTTP(inner, 2), "websocket", 6)
    assert inner.most == 6
    inner = Recorder()
    await _run(BoundedHTTP(inner, 0), "http", 5)
    assert inner.most == 5


def test_the_server_application_is_bounded_by_the_setting(settings):
    from mentorhub.asgi import application

    http = application.app.application_mapping["http"]
    assert isinstance(http, BoundedHTTP)
    assert http.limit == settings.HTTP_CONCURRENCY == 2


@pytest.mark.asyncio
async def test_the_sync_code_of_every_request_runs_on_one_of_limit_long_lived_threads():
    threads = set()

    async def app(scope, receive, send):
        # Django's handler opens its own per-request context: inside a lane it does nothing.
        async with ThreadSensitiveContext():
            threads.add(await sync_to_async(threading.get_ident)())
            await asyncio.sleep(0)
            threads.add(await sync_to_async(threading.get_ident)())
        await send({"type": "http", "done": True})

    bounded = BoundedHTTP(app, 2)
    for _ in range(3):
        sent = await _run(bounded, "http", 8)
        assert len(sent) == 8
    assert len(threads) == 2
    assert threading.get_ident() not in threads
