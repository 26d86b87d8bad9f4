"""The browser-test server's application: the real one, plus a count of the
work in flight so a test's teardown can wait for the server to go quiet.

`GET /__tests__/busy/` answers how many HTTP requests and WebSocket connections
are open. A closed page's room socket writes its leave (presence, then reads of
the session for the pushes) after the browser has gone; the test database must
not be flushed (TRUNCATE on PostgreSQL) while that runs, or the two deadlock.
A connection counts until its consumer has returned, i.e. after `disconnect()`.
"""

from __future__ import annotations

import json

from mentorhub.asgi import application as real_application

BUSY_PATH = "/__tests__/busy/"
_open = {"http": 0, "websocket": 0}


async def application(scope, receive, send):
    kind = scope["type"]
    if kind == "http" and scope["path"] == BUSY_PATH:
        await _answer_busy(send)
        return
    if kind not in _open:
        await real_application(scope, receive, send)
        return
    _open[kind] += 1
    try:
        await real_application(scope, receive, send)
    finally:
        _open[kind] -= 1


async def _answer_busy(send) -> None:
    body = json.dumps(_open).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
