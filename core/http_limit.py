"""Bound how many Django HTTP requests one server process works on at once,
and give each of them a thread that lives as long as the process (a lane).

Django runs each ASGI request's sync code in a thread of its own. On a
CPU-bound process those threads only take turns on the GIL, and SQLite
releases the GIL on every row it steps, so with many threads each query waits
behind the others' time slices (a GIL convoy): 16 concurrent requests were
served at half the rate of one at a time. Requests beyond the limit wait
here, in the event loop, which costs nothing; WebSockets are not affected.

Lanes: a request holds one of `limit` single-thread executors while it runs
(asgiref's `ThreadSensitiveContext(executor=...)`; Django's own per-request
context inside it then does nothing), so its middleware, view and signal
receivers run on that lane's thread, and the next request on the lane reuses
the same thread. Django's connections are per thread, so a persistent
database connection (settings: CONN_MAX_AGE) is opened once per lane instead
of once per request, and can never leak through a dead thread: the number of
request threads, hence of their connections, is `limit` for the process's life.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext


class BoundedHTTP:
    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit
        self._lanes: asyncio.Queue[ThreadPoolExecutor] | None = None

    def _make_lanes(self) -> asyncio.Queue[ThreadPoolExecutor]:
        lanes: asyncio.Queue[ThreadPoolExecutor] = asyncio.Queue()
        for i in range(self.limit):
            lanes.put_nowait(ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"http-lane-{i}"))
        return lanes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.limit <= 0:
            return await self.app(scope, receive, send)
        if self._lanes is None:  # created inside the server's event loop
            self._lanes = self._make_lanes()
        lane = await self._lanes.get()
        try:
            async with ThreadSensitiveContext(executor=lane):
                return await self.app(scope, receive, send)
        finally:
            self._lanes.put_nowait(lane)
