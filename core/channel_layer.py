"""The in-memory channel layer (no REDIS_URL) without a full scan per message.

Channels' InMemoryChannelLayer calls `_clean_expired()` on every `receive()`
and every `group_send()`: a walk over every queued channel and every group
membership, to drop messages older than `expiry` (60 s) and memberships older
than `group_expiry` (a day). With 1,000 open notification sockets that walk
(2,000 memberships) ran once per delivered frame and per push, and was the
largest cost of the layer (issue 19). Here it runs at most once per
`CLEAN_INTERVAL` seconds: expiry is a safety net for consumers that stopped
reading, measured in tens of seconds, so a second's slack changes nothing a
client can see. Everything else is channels' own code.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as _ChannelsInMemoryChannelLayer


class InMemoryChannelLayer(_ChannelsInMemoryChannelLayer):
    CLEAN_INTERVAL = 1.0  # seconds between two expiry walks

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_clean = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now < self._next_clean:
            return
        self._next_clean = now + self.CLEAN_INTERVAL
        super()._clean_expired()

    async def flush(self):
        await super().flush()
        self._next_clean = 0.0
