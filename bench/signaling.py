"""The live room's signaling protocol, as much of it as the relay benchmark needs.

`handshake` joins two sockets to the room (see live/consumers.py for the
protocol); `relay_once` times one ICE candidate from A to B through the
server: A sends it, B receives it (p50/p99 in bench/run.py).
"""

from __future__ import annotations

import json
import time


async def _next_of(ws, kind: str) -> dict:
    while True:
        message = json.loads(await ws.recv())
        if message.get("type") == kind:
            return message
        if message.get("type") == "error":
            raise RuntimeError(f"signaling error: {message}")


async def handshake(a, b) -> str:
    """Both sockets join the call; returns B's peer id (A addresses it)."""
    for ws in (a, b):
        await _next_of(ws, "hello")
    await a.send(json.dumps({"type": "join", "client": "benchpeerA"}))
    await _next_of(a, "welcome")
    await b.send(json.dumps({"type": "join", "client": "benchpeerB"}))
    welcome = await _next_of(b, "welcome")
    await _next_of(a, "join")  # A hears B arrive
    return welcome["peer"]


async def relay_once(a, b, peer_b: str, index: int) -> float:
    """Milliseconds from A sending an ICE candidate to B receiving it."""
    candidate = {
        "candidate": f"candidate:{index} 1 udp 2122260223 192.0.2.1 {50000 + index % 1000} typ host",
        "sdpMid": "0",
        "sdpMLineIndex": 0,
    }
    started = time.perf_counter()
    await a.send(json.dumps({"type": "ice", "to": peer_b, "data": candidate}))
    while True:
        message = json.loads(await b.recv())
        if message.get("type") == "ice" and message.get("data") == candidate:
            return (time.perf_counter() - started) * 1000
