"""SFU benchmark: a real Janus (live/janus.py starts it), one publisher and N
subscribers, all aiortc peers over loopback.

For each N it measures
- join time: a subscriber's attach → join → answer → first decoded video frame
  (median over the N subscribers, joining one after another);
- Janus CPU per forwarded stream: Janus's CPU time (from /proc) over a window
  while it forwards the publisher's video to N subscribers, divided by N and
  by the window (percent of one core).

    .venv/bin/python bench/sfu.py [--subscribers 1,3,6] [--seconds 8]

bench/run.py calls `run()` (section "sfu" of docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from live import janus  # noqa: E402 - needs the repository root on sys.path

WIDTH, HEIGHT, FPS = 320, 240, 30  # aiortc's VideoStreamTrack paces at 30 fps


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _video_track():
    """A moving test picture (cheap to encode: flat colours that change)."""
    import av
    from aiortc import VideoStreamTrack

    class Moving(VideoStreamTrack):
        def __init__(self):
            super().__init__()
            self.n = 0

        async def recv(self):
            pts, time_base = await self.next_timestamp()
            frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
            self.n += 1
            luma = frame.planes[0]
            row = bytes((x + self.n * 4) % 256 for x in range(luma.line_size))
            luma.update(row * luma.height)  # a gradient sliding sideways
            for plane in frame.planes[1:]:
                plane.update(bytes([128]) * (plane.line_size * plane.height))
            frame.pts, frame.time_base = pts, time_base
            return frame

    return Moving()


class Peer:
    """One VideoRoom handle with its aiortc connection."""

    def __init__(self, client: janus.Janus):
        from aiortc import RTCConfiguration, RTCPeerConnection

        self.client = client
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.handle = None

    async def attach(self):
        answer = await self.client.request({"janus": "attach", "plugin": janus.VIDEOROOM})
        self.handle = answer["data"]["id"]

    async def send(self, body: dict, jsep: dict | None = None) -> dict:
        payload = {"janus": "message", "handle_id": self.handle, "body": body}
        if jsep:
            payload["jsep"] = jsep
        answer = await self.client.request(payload)
        data = answer.get("plugindata", {}).get("data", {})
        if "error_code" in data:
            raise janus.JanusError(data["error_code"], data.get("error", ""))
        return answer

    async def close(self):
        await self.pc.close()


async def publish(client, room: int, pin: str) -> tuple[Peer, int]:
    peer = Peer(client)
    await peer.attach()
    joined = await peer.send(
        {"request": "join", "ptype": "publisher", "room": room, "display": "bench", "token": pin}
    )
    peer.pc.addTrack(_video_track())
    await peer.pc.setLocalDescription(await peer.pc.createOffer())
    local = peer.pc.localDescription
    answer = await peer.send(
        {"request": "publish", "audio": False, "video": True},
        {"type": local.type, "sdp": local.sdp},
    )
    from aiortc import RTCSessionDescription

    await peer.pc.setRemoteDescription(RTCSessionDescription(**answer["jsep"]))
    feed = joined["plugindata"]["data"]["id"]
    # The feed exists for subscribers once Janus has the publisher's media.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = await peer.send({"request": "listparticipants", "room": room})
        people = listed.get("plugindata", {}).get("data", {}).get("participants", [])
        if any(p.get("id") == feed and p.get("publisher") for p in people):
            return peer, feed
        await asyncio.sleep(0.1)
    raise RuntimeError("the publisher's media never reached Janus")


async def subscribe(client, room: int, pin: str, feed: int) -> tuple[Peer, float, asyncio.Task]:
    """Join as a subscriber; returns the peer, ms to the first frame, the frame counter."""
    from aiortc import RTCSessionDescription

    started = time.perf_counter()
    peer = Peer(client)
    await peer.attach()
    first = asyncio.get_running_loop().create_future()
    peer.frames = 0

    async def consume(track):
        while True:
            await track.recv()
            peer.frames += 1
            if not first.done():
                first.set_result(time.perf_counter())

    tasks = []
    peer.pc.on("track", lambda track: tasks.append(asyncio.ensure_future(consume(track))))
    offer = await peer.send(
        {
            "request": "join",
            "ptype": "subscriber",
            "room": room,
            "streams": [{"feed": feed}],
            "token": pin,
        }
    )
    await peer.pc.setRemoteDescription(RTCSessionDescription(**offer["jsep"]))
    await peer.pc.setLocalDescription(await peer.pc.createAnswer())
    local = peer.pc.localDescription
    await peer.send({"request": "start"}, {"type": local.type, "sdp": local.sdp})
    at = await asyncio.wait_for(first, 30)
    peer.tasks = tasks
    return peer, (at - started) * 1000


async def _measure(
    url: str, secret: str, pid: int, counts: list[int], seconds: float
) -> list[dict]:
    rows = []
    async with janus.Janus(url, secret, timeout=30) as admin:
        for n in counts:
            room, room_secret, pin = janus.new_room_id(), janus.new_secret(), secrets.token_hex(8)
            await admin.create_room(room, room_secret, publishers=2, allowed=[pin])
            async with janus.Janus(url, secret, timeout=30) as client:
                publisher, feed = await publish(client, room, pin)
                subscribers, joins = [], []
                for _ in range(n):
                    peer, ms = await subscribe(client, room, pin, feed)
                    subscribers.append(peer)
                    joins.append(ms)
                await asyncio.sleep(1)  # past the first keyframes
                frames = [p.frames for p in subscribers]
                cpu0, t0 = _cpu_seconds(pid), time.perf_counter()
                await asyncio.sleep(seconds)
                cpu = _cpu_seconds(pid) - cpu0
                elapsed = time.perf_counter() - t0
                fps = statistics.median(
                    (p.frames - f) / elapsed for p, f in zip(subscribers, frames, strict=True)
                )
                rows.append(
                    {
                        "subscribers": n,
                        "join_ms_median": round(statistics.median(joins), 1),
                        "join_ms_max": round(max(joins), 1),
                        "janus_cpu_percent": round(100 * cpu / elapsed, 2),
                        "janus_cpu_percent_per_stream": round(100 * cpu / elapsed / n, 3),
                        "received_fps_median": round(fps, 1),
                    }
                )
                for peer in [*subscribers, publisher]:
                    for task in getattr(peer, "tasks", []):
                        task.cancel()
                    await peer.close()
            await admin.destroy_room(room, room_secret)
    return rows


def run(counts=(1, 3, 6, 10), seconds: float = 8.0) -> dict:
    """Start a Janus, measure each N, stop it. {"rows": [...]} or {"skipped": why}."""
    if not janus.binary():
        return {"skipped": "janus binary not found (apt-get install janus)"}
    try:
        import aiortc  # noqa: F401
    except ImportError:
        return {"skipped": "aiortc not installed (requirements-dev.txt)"}
    folder = tempfile.mkdtemp(prefix="bench-janus-")
    port, secret = janus.free_port(), secrets.token_urlsafe(24)
    janus.write_config(
        folder, api_secret=secret, port=port, rtp_ports=(32000, 32999), loopback=False
    )
    process = janus.start(folder)
    try:
        janus.wait_ready("127.0.0.1", port, process)
        rows = asyncio.run(
            _measure(f"ws://127.0.0.1:{port}", secret, process.pid, list(counts), seconds)
        )
    finally:
        janus.stop(process)
    return {
        "video": f"{WIDTH}x{HEIGHT} VP8 at {FPS} fps, one publisher, aiortc peers on loopback",
        "window_s": seconds,
        "rows": rows,
    }


def report_lines(result: dict) -> list[str]:
    """The "SFU (Janus)" section of docs/benchmarks.md: a row per N."""
    lines = ["", "## SFU (Janus)", ""]
    if "rows" not in result:
        return [*lines, f"Skipped: {result.get('skipped') or result.get('error')}"]
    lines += [
        f"{result['video']}; CPU over {result['window_s']} s. Join: attach → first decoded frame.",
        "",
        "| subscribers | join p50 ms | join max ms | Janus CPU % | CPU % per forwarded stream | fps received |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['subscribers']} | {r['join_ms_median']} | {r['join_ms_max']} | "
            f"{r['janus_cpu_percent']} | {r['janus_cpu_percent_per_stream']} | {r['received_fps_median']} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", default="1,3,6")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    result = run([int(n) for n in args.subscribers.split(",")], args.seconds)
    print(json.dumps(result, indent=2))
    print("\n".join(report_lines(result)))
    return 0 if "rows" in result else 1


if __name__ == "__main__":
    sys.exit(main())
