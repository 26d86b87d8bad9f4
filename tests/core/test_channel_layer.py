"""core.channel_layer: channels' in-memory layer with the expiry walk throttled."""

import asyncio

import pytest
from channels.layers import get_channel_layer

from core import channel_layer
from core.channel_layer import InMemoryChannelLayer


def test_it_is_the_layer_without_redis(settings):
    if settings.REDIS_URL:
        pytest.skip("the Redis layer is configured")
    assert isinstance(get_channel_layer(), InMemoryChannelLayer)


@pytest.mark.asyncio
async def test_the_expiry_walk_runs_at_most_once_per_interval(monkeypatch):
    layer = InMemoryChannelLayer()
    walks = []
    monkeypatch.setattr(
        channel_layer._ChannelsInMemoryChannelLayer, "_clean_expired", lambda self: walks.append(1)
    )
    channel = await layer.new_channel()
    await layer.group_add("g", channel)
    for i in range(20):
        await layer.group_send("g", {"type": "x", "i": i})
        assert (await layer.receive(channel))["i"] == i
    assert len(walks) == 1
    now = channel_layer.time.monotonic()
    monkeypatch.setattr(channel_layer.time, "monotonic", lambda: now + layer.CLEAN_INTERVAL + 0.1)
    await layer.group_send("g", {"type": "x"})
    assert len(walks) == 2


@pytest.mark.asyncio
async def test_expired_messages_and_members_are_still_dropped(monkeypatch):
    layer = InMemoryChannelLayer(expiry=0.05)
    monkeypatch.setattr(layer, "CLEAN_INTERVAL", 0.01)
    stale, fresh = await layer.new_channel(), await layer.new_channel()
    for channel in (stale, fresh):
        await layer.group_add("g", channel)
    await layer.send(stale, {"type": "old"})
    await asyncio.sleep(0.1)
    await layer.group_send("g", {"type": "new"})  # walks: stale's old message expired
    assert stale not in layer.groups["g"]  # a channel that stopped reading leaves its groups
    assert (await layer.receive(fresh))["type"] == "new"
    await layer.flush()
    assert layer.groups == {} and layer.channels == {}
