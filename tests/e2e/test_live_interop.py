"""The signaling protocol is not tied to our JS: an aiortc peer joins a browser;
and calls still connect when every packet must go through TURN (coturn)."""

import asyncio
import json
import secrets
import shutil
import socket
import subprocess
import threading

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from aiortc.sdp import candidate_from_sdp
from django.conf import settings
from playwright.sync_api import expect
from websockets.asyncio.client import connect

from accounts.tokens import issue_tokens
from tests.e2e.conftest import open_signed_in, start_server, stop_server
from tests.e2e.test_live import CONNECTED, REMOTE_FRAMES, status
from tests.live.builders import book, make_session
from tests.support.server import free_port, port_open
from tests.support.wait import wait_until


def _lan_address() -> str:
    """aioice ignores loopback: the browser must offer a real interface address."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.123", 9))  # no packet is sent (UDP connect)
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


class AiortcPeer:
    """A learner written with aiortc that speaks the room protocol (live/consumers.py)."""

    def __init__(self, ws_url: str, origin: str, cookie: str):
        self.ws_url, self.origin, self.cookie = ws_url, origin, cookie
        self.client = "aiortc" + secrets.token_hex(4)
        self.me = ""
        self.pcs: dict[str, tuple[str, RTCPeerConnection]] = {}
        self.connected = threading.Event()
        self.got_frame = threading.Event()
        self.frame_size: tuple[int, int] | None = None
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self.tasks: set = set()

    def run(self):
        try:
            asyncio.run(self.main())
        except BaseException as exc:  # reported to the test thread
            self.error = exc

    async def main(self):
        async with connect(
            self.ws_url, origin=self.origin, additional_headers={"Cookie": self.cookie}
        ) as ws:
            self.ws = ws
            hello = json.loads(await ws.recv())
            assert hello["type"] == "hello" and hello["session"] == "live", hello
            await ws.send(json.dumps({"type": "join", "client": self.client}))
            while not self.stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                await self.on_message(json.loads(raw))
            for _gen, pc in self.pcs.values():
                await pc.close()

    def new_pc(self, peer: str, gen: str) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pcs[peer] = (gen, pc)

        @pc.on("connectionstatechange")
        def _state():
            if pc.connectionState == "connected":
                self.connected.set()

        @pc.on("track")
        def _track(track):
            if track.kind == "video":
                task = asyncio.ensure_future(self.read_frame(track))
                self.tasks.add(task)

        return pc

    async def read_frame(self, track):
        frame = await track.recv()
        self.frame_size = (frame.width, frame.height)
        self.got_frame.set()

    async def send(self, kind: str, to: str, data: dict):
        await self.ws.send(json.dumps({"type": kind, "to": to, "data": data}))

    async def initiate(self, peer: str):
        """The impolite side offers: one audio and one video transceiver."""
        pc = self.new_pc(peer, secrets.token_hex(4))
        pc.addTrack(AudioStreamTrack())
        pc.addTrack(VideoStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers first: no trickle
        desc = pc.localDescription
        await self.send(
            "offer", peer, {"type": desc.type, "sdp": desc.sdp, "gen": self.pcs[peer][0]}
        )

    async def on_message(self, msg: dict):
        kind = msg["type"]
        if kind == "welcome":
            self.me = msg["peer"]
            for info in msg["peers"]:
                if self.me > info["peer"]:
                    await self.initiate(info["peer"])
        elif kind == "join" and self.me > msg["from"]:
            await self.initiate(msg["from"])
        elif kind == "offer":
            data = msg["data"]
            pc = self.new_pc(msg["from"], data["gen"])
            await pc.setRemoteDescription(RTCSessionDescription(sdp=data["sdp"], type="offer"))
            pc.addTrack(AudioStreamTrack())  # reuses the offered transceivers
            pc.addTrack(VideoStreamTrack())
            await pc.setLocalDescription(await pc.createAnswer())
            desc = pc.localDescription
            await self.send(
                "answer", msg["from"], {"type": "answer", "sdp": desc.sdp, "gen": data["gen"]}
            )
        elif kind == "answer":
            gen, pc = self.pcs.get(msg["from"], (None, None))
            if pc is not None and msg["data"].get("gen") == gen:
                await pc.setRemoteDescription(
                    RTCSessionDescription(sdp=msg["data"]["sdp"], type="answer")
                )
        elif kind == "ice":
            gen, pc = self.pcs.get(msg["from"], (None, None))
            data = msg["data"] or {}
            if pc is None or data.get("gen") != gen or not data.get("candidate"):
                return
            candidate = candidate_from_sdp(data["candidate"].split(":", 1)[1])
            candidate.sdpMid = data.get("sdpMid")
            candidate.sdpMLineIndex = data.get("sdpMLineIndex")
            await pc.addIceCandidate(candidate)


def test_an_aiortc_peer_joins_through_the_same_signaling_and_connects_to_a_browser(
    browser, server_url, mentor, learner
):
    # aioice skips loopback: the browser's host candidates on the machine's
    # interface address are what the aiortc peer connects to.
    if _lan_address() == "127.0.0.1":
        pytest.skip("aioice needs a non-loopback interface and this machine has none")
    session = make_session(mentor)
    book(session, learner)
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, f"/live/{session.pk}/")
    mpage.get_by_role("button", name="Join", exact=True).click()
    expect(status(mpage)).to_have_text("Waiting for learners to join…")

    _refresh, access = issue_tokens(learner)
    peer = AiortcPeer(
        server_url.replace("http", "ws", 1) + f"/ws/live/{session.pk}/",
        server_url,
        f"{settings.JWT_ACCESS_COOKIE}={access}",
    )
    thread = threading.Thread(target=peer.run, daemon=True)
    thread.start()
    try:
        mpage.wait_for_function(CONNECTED, timeout=30000)
        mpage.wait_for_function(REMOTE_FRAMES, timeout=20000)  # aiortc's frames arrive
        expect(status(mpage)).to_have_text("Connected")
        assert peer.connected.wait(10), peer.error
        assert peer.got_frame.wait(10), peer.error  # the browser's camera arrives
        assert peer.frame_size[0] > 0
        expect(
            mpage.locator("#participants [data-user-id]").filter(has_text=learner.display_name)
        ).to_contain_text("In the room")
    finally:
        peer.stop.set()
        thread.join(10)
    assert peer.error is None, peer.error
    m_ctx.close()


# --- Relay only (TURN) -------------------------------------------------------------------------


@pytest.fixture
def coturn(tmp_path):
    binary = shutil.which("turnserver")
    if binary is None:
        pytest.skip("coturn is not installed (apt-get install -y coturn): relay-only test skipped")
    secret = secrets.token_hex(16)
    port = free_port(socket.SOCK_DGRAM)
    relay_low = 40000 + (port % 2000) * 10
    proc = subprocess.Popen(
        [
            binary,
            "--use-auth-secret",
            f"--static-auth-secret={secret}",
            "--realm=mentorhub.test",
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            f"--listening-port={port}",
            f"--min-port={relay_low}",
            f"--max-port={relay_low + 9}",
            "--allow-loopback-peers",
            "--no-cli",
            "--no-tls",
            "--no-dtls",
            "--no-stdout-log",
            f"--log-file={tmp_path / 'turn.log'}",
            f"--db={tmp_path / 'turndb'}",
            f"--pidfile={tmp_path / 'turn.pid'}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def listening() -> bool:  # TCP listener up means UDP is up too
        if proc.poll() is not None:
            pytest.fail("turnserver exited at start")
        return port_open(port)

    wait_until(listening, 10, interval=0.1, what="turnserver")
    yield {"url": f"turn:127.0.0.1:{port}?transport=udp", "secret": secret}
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


SELECTED_TYPES = """async () => {
  const pc = Object.values(window.__live.pcs)[0];
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
  if (!pair) stats.forEach(r => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r; });
  return pair ? [stats.get(pair.localCandidateId).candidateType, stats.get(pair.remoteCandidateId).candidateType] : null;
}"""


def test_two_browsers_connect_through_turn_only(browser, mentor, learner, coturn, transactional_db):
    server = start_server(
        extra_env={
            "WEBRTC_TURN_URLS": coturn["url"],
            "WEBRTC_TURN_SECRET": coturn["secret"],
            "WEBRTC_TURN_TTL_SECONDS": "600",
            "WEBRTC_ICE_TRANSPORT_POLICY": "relay",
        }
    )
    try:
        base = server.url
        session = make_session(mentor)
        book(session, learner)
        m_ctx, mpage = open_signed_in(browser, base, mentor, f"/live/{session.pk}/")
        rtc = mpage.evaluate("window.__live.state.rtc")
        assert rtc["iceTransportPolicy"] == "relay"
        assert rtc["iceServers"][0]["username"].endswith(f":{mentor.pk}")
        mpage.get_by_role("button", name="Join", exact=True).click()
        l_ctx, lpage = open_signed_in(browser, base, learner, f"/live/{session.pk}/")
        lpage.get_by_role("button", name="Join", exact=True).click()
        for page in (mpage, lpage):
            page.wait_for_function(CONNECTED, timeout=30000)
            page.wait_for_function(REMOTE_FRAMES, timeout=20000)
            expect(status(page)).to_have_text("Connected")
            assert page.evaluate(SELECTED_TYPES) == ["relay", "relay"]
        m_ctx.close()
        l_ctx.close()
    finally:
        stop_server(server)
