"""Nothing is lost when Redis restarts mid-stream: catch-up comes from the database.

Runs against a private redis-server on a free port (the shared one is left
alone), so it works in the SQLite pass too; skipped where redis-server is missing.
"""

import shutil
import subprocess

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers

from notifications.services import notify
from tests.support.server import free_port, port_open
from tests.support.sockets import ws
from tests.support.wait import WaitTimeout, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

REDIS = shutil.which("redis-server")


def _start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: port_open(port), 10, what="redis-server")
    except WaitTimeout:
        proc.kill()
        raise
    return proc


@pytest.fixture
def private_redis(settings):
    if REDIS is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = _start_redis(port)
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{port}/0"], "prefix": "restart-test"},
        }
    }
    channel_layers.backends = {}
    state = {"proc": proc, "port": port}
    yield state
    state["proc"].kill()
    state["proc"].wait()
    channel_layers.backends = {}


async def _connect(user):
    return await ws(user, "/ws/notifications/")


async def _drain_until_ready(comm) -> list[int]:
    ids = []
    while True:
        frame = await comm.receive_json_from(timeout=5)
        if frame["type"] == "notification":
            ids.append(frame["id"])
        elif frame["type"] == "ready":
            return ids


async def test_catch_up_after_a_redis_restart_delivers_exactly_the_missed_rows(
    mentor, private_redis
):
    comm = await _connect(mentor)
    await comm.send_json_to({"type": "hello", "last_id": 0})
    assert await _drain_until_ready(comm) == []

    first = await sync_to_async(notify)(mentor, "system", "Before the outage")
    frame = await comm.receive_json_from(timeout=5)
    assert frame["id"] == first.pk

    # Redis dies: pushes fail (logged, not raised) but the rows are stored.
    private_redis["proc"].kill()
    private_redis["proc"].wait()
    missed = [
        await sync_to_async(notify)(mentor, "system", f"During the outage {i}") for i in range(3)
    ]
    try:
        await comm.disconnect()
    except Exception:  # the consumer's receive loop may already have died with Redis
        pass

    # Redis comes back on the same port; the client reconnects with its last id.
    private_redis["proc"] = _start_redis(private_redis["port"])
    channel_layers.backends = {}
    comm = await _connect(mentor)
    await comm.send_json_to({"type": "hello", "last_id": first.pk})
    assert await _drain_until_ready(comm) == [n.pk for n in missed]

    # And live pushes work again.
    after = await sync_to_async(notify)(mentor, "system", "After the outage")
    frame = await comm.receive_json_from(timeout=5)
    assert frame["id"] == after.pk
    await comm.disconnect()
