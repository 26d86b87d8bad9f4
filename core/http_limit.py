"""Bound how many Django HTTP requests one server process works on at once.

Django runs each ASGI request's sync code in a thread of its own. On a
CPU-bound process those threads only take turns on the GIL, and SQLite
releases the GIL on every row it steps, so with many threads each query waits
behind the others' time slices (a GIL convoy): 16 concurrent requests were
served at half the rate of one at a time. Requests beyond the limit wait
here, in the event loop, which costs nothing; WebSockets are not affected.
"""

from __future__ import annotations

import asyncio


class BoundedHTTP:
    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.limit <= 0:
            return await self.app(scope, receive, send)
        if self._slots is None:  # created inside the server's event loop
            self._slots = asyncio.Semaphore(self.limit)
        async with self._slots:
            return await self.app(scope, receive, send)
