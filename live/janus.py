"""Janus (the SFU for group sessions): a local instance's config, signed tokens
for browsers, and a small async client of the Janus WebSocket API.

Who may do what on a Janus instance of ours:

- our server holds the `api_secret` (settings.JANUS_API_SECRET): it creates and
  destroys VideoRoom rooms (with the plugin's `admin_key`, derived from it),
  each with a random 53-bit id and its own secret;
- a browser never sees the api secret. Over our authenticated signaling socket
  a member gets a *ticket*: a core token signed with `token_auth_secret`
  (HMAC-SHA1, expires) that lets it talk to the VideoRoom plugin at all, and a
  random per-member room token that the room's `allowed` list holds. Janus
  refuses a join without a token on the list, so knowing the room id is not
  enough.

The secrets Janus needs are all derived from the one api secret, so the only
settings are JANUS_URL and JANUS_API_SECRET (docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import glob
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import websockets

VIDEOROOM = "janus.plugin.videoroom"
PROTOCOL = "janus-protocol"
KEEPALIVE_SECONDS = 25  # Janus drops a session silent for 60 s
ROOM_ID_BITS = 53  # JSON numbers stay exact in browsers


class JanusError(Exception):
    """Janus (the core or the VideoRoom plugin) refused a request."""

    def __init__(self, code: int, reason: str):
        super().__init__(f"Janus error {code}: {reason}")
        self.code = code
        self.reason = reason


# --- Secrets derived from the api secret --------------------------------------------------


def _derive(api_secret: str, label: str) -> str:
    return hmac.new(api_secret.encode(), label.encode(), hashlib.sha256).hexdigest()


def token_secret(api_secret: str) -> str:
    """Janus's `token_auth_secret`: signs the browsers' core tokens."""
    return _derive(api_secret, "mentorhub-janus-token")


def admin_key(api_secret: str) -> str:
    """The VideoRoom `admin_key`: only holders may create rooms."""
    return _derive(api_secret, "mentorhub-janus-videoroom-admin")


def sign_token(api_secret: str, ttl_seconds: int, *, now: float | None = None) -> str:
    """A Janus signed token for the VideoRoom plugin, valid `ttl_seconds`.

    Format (Janus auth.c): "<expiry>,janus,<plugin>:<base64 HMAC-SHA1 of the part
    before the colon>".
    """
    expiry = int(now if now is not None else time.time()) + int(ttl_seconds)
    data = f"{expiry},janus,{VIDEOROOM}"
    digest = hmac.new(token_secret(api_secret).encode(), data.encode(), hashlib.sha1).digest()
    return f"{data}:{base64.b64encode(digest).decode()}"


def new_room_id() -> int:
    return secrets.randbelow(2**ROOM_ID_BITS - 1) + 1


def new_secret() -> str:
    return secrets.token_urlsafe(24)


# --- A local instance (make run, the test fixture, the bench) --------------------------


def binary() -> str | None:
    return shutil.which("janus")


def _lib_dir() -> str:
    for candidate in sorted(glob.glob("/usr/lib/*/janus")) + [
        "/usr/lib/janus",
        "/usr/local/lib/janus",
    ]:
        if os.path.isdir(os.path.join(candidate, "plugins")):
            return candidate
    return "/usr/lib/janus"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


# Janus configs (str.format; braces doubled): the core, then the WebSockets transport.
JANUS_JCFG = """general: {{
\tconfigs_folder = "{folder}"
\tplugins_folder = "{lib}/plugins"
\ttransports_folder = "{lib}/transports"
\tevents_folder = "{lib}/events"
\tloggers_folder = "{lib}/loggers"
\tdebug_level = 3
\tapi_secret = "{api_secret}"
\ttoken_auth = true
\ttoken_auth_secret = "{token_auth_secret}"
\tadmin_secret = "{admin_secret}"
\tsession_timeout = 60
\tserver_name = "MentorHub"
\tprotected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys", "/usr", "/var"]
}}
certificates: {{
}}
media: {{
\trtp_port_range = "{rtp_low}-{rtp_high}"
}}
nat: {{
\tnice_debug = false
\t{nat}
}}
plugins: {{
\tdisable = "{disabled_plugins}"
}}
transports: {{
\tdisable = "{disabled_transports}"
}}
loggers: {{
\tdisable = "libjanus_jsonlog.so"
}}
events: {{
\tbroadcast = false
}}
"""

WEBSOCKETS_JCFG = """general: {{
\tjson = "compact"
\tws = true
\tws_port = {port}
\tws_ip = "{host}"
\twss = false
}}
admin: {{
\tadmin_ws = false
\tadmin_wss = false
}}
"""


def write_config(
    directory: str | os.PathLike,
    *,
    api_secret: str,
    port: int = 8188,
    host: str = "127.0.0.1",
    rtp_ports: tuple[int, int] = (20000, 20999),
    loopback: bool = True,
) -> Path:
    """Write janus.jcfg, the VideoRoom and the WebSockets configs; return the dir.

    Only the VideoRoom plugin and the WebSockets transport load. `loopback`
    gathers ICE candidates on the loopback interface only (browsers on the same
    machine; Chromium then needs --allow-loopback-in-peer-connection when the
    machine has no other address).
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    lib = _lib_dir()
    plugins = sorted(os.path.basename(p) for p in glob.glob(f"{lib}/plugins/*.so"))
    transports = sorted(os.path.basename(p) for p in glob.glob(f"{lib}/transports/*.so"))
    disabled_plugins = ",".join(p for p in plugins if p != "libjanus_videoroom.so")
    disabled_transports = ",".join(t for t in transports if t != "libjanus_websockets.so")
    nat = 'ice_enforce_list = "lo"\n\tignore_mdns = true' if loopback else "ignore_mdns = true"
    main = JANUS_JCFG.format(
        folder=folder,
        lib=lib,
        api_secret=api_secret,
        token_auth_secret=token_secret(api_secret),
        admin_secret=_derive(api_secret, "mentorhub-janus-admin-api"),
        rtp_low=rtp_ports[0],
        rtp_high=rtp_ports[1],
        nat=nat,
        disabled_plugins=disabled_plugins,
        disabled_transports=disabled_transports,
    )
    (folder / "janus.jcfg").write_text(main)
    (folder / "janus.plugin.videoroom.jcfg").write_text(
        f'general: {{\n\tadmin_key = "{admin_key(api_secret)}"\n\tlock_rtp_forward = true\n}}\n'
    )
    (folder / "janus.transport.websockets.jcfg").write_text(
        WEBSOCKETS_JCFG.format(port=port, host=host)
    )
    for name in ("janus.jcfg", "janus.plugin.videoroom.jcfg", "janus.transport.websockets.jcfg"):
        os.chmod(folder / name, 0o600)
    return folder


def start(
    directory: str | os.PathLike, *, log_path: str | os.PathLike | None = None
) -> subprocess.Popen:
    """Start Janus on a config written by write_config (its own process group)."""
    folder = Path(directory)
    log = open(log_path or folder / "janus.log", "ab")  # noqa: SIM115 (the child owns it)
    try:
        return subprocess.Popen(
            [binary() or "janus", "-F", str(folder), "-C", str(folder / "janus.jcfg"), "-o"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        log.close()


def wait_ready(host: str, port: int, process: subprocess.Popen | None = None, timeout=20.0) -> None:
    """Wait until the WebSocket port accepts connections (or raise)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"janus exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"janus did not listen on {host}:{port} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- The client -------------------------------------------------------------------------------


class Janus:
    """One Janus session with one VideoRoom handle, used as an async context manager:

        async with Janus(url, api_secret) as janus:
            await janus.create_room(room_id, secret, publishers=12)

    Only the plugin's synchronous requests are used (create, destroy, exists,
    allowed, listparticipants): each answers in one "success" frame.
    """

    def __init__(self, url: str, api_secret: str, *, timeout: float = 10.0, token: str = ""):
        self.url = url
        self.api_secret = api_secret
        self.token = token
        self.timeout = timeout
        self.ws = None
        self.session_id = None
        self.handle_id = None
        self._waiting: dict[str, asyncio.Future] = {}
        self._reader = None
        self._keepalive = None

    async def __aenter__(self) -> Janus:
        self.ws = await asyncio.wait_for(
            websockets.connect(self.url, subprotocols=[PROTOCOL], max_size=2**20),
            self.timeout,
        )
        self._reader = asyncio.create_task(self._read())
        try:
            created = await self.request({"janus": "create"})
            self.session_id = created["data"]["id"]
            attached = await self.request({"janus": "attach", "plugin": VIDEOROOM})
            self.handle_id = attached["data"]["id"]
        except BaseException:
            await self._close()
            raise
        self._keepalive = asyncio.create_task(self._keep_alive())
        return self

    async def __aexit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            if self.session_id is not None:
                await self.request({"janus": "destroy"})
        await self._close()

    async def _close(self) -> None:
        for task in (self._keepalive, self._reader):
            if task is not None:
                task.cancel()
        if self.ws is not None:
            await self.ws.close()
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(ConnectionError("janus connection closed"))

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if message.get("janus") == "ack":
                    continue  # asynchronous requests: we use only synchronous ones
                future = self._waiting.pop(message.get("transaction", ""), None)
                if future is not None and not future.done():
                    future.set_result(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            for future in self._waiting.values():
                if not future.done():
                    future.set_exception(ConnectionError("janus connection closed"))

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            with contextlib.suppress(Exception):
                await self.request({"janus": "keepalive"})

    async def request(self, payload: dict) -> dict:
        """Send a core request; return Janus's answer or raise JanusError."""
        transaction = secrets.token_hex(8)
        frame = {**payload, "transaction": transaction}
        if self.api_secret:
            frame["apisecret"] = self.api_secret
        if self.token:
            frame["token"] = self.token
        if self.session_id is not None and payload["janus"] != "create":
            frame["session_id"] = self.session_id
        future = asyncio.get_running_loop().create_future()
        self._waiting[transaction] = future
        await self.ws.send(json.dumps(frame))
        try:
            answer = await asyncio.wait_for(future, self.timeout)
        finally:
            self._waiting.pop(transaction, None)
        if answer.get("janus") == "error":
            error = answer.get("error") or {}
            raise JanusError(error.get("code", 0), error.get("reason", "unknown"))
        return answer

    async def message(self, body: dict) -> dict:
        """A synchronous VideoRoom request; returns the plugin's data."""
        answer = await self.request({"janus": "message", "handle_id": self.handle_id, "body": body})
        data = (answer.get("plugindata") or {}).get("data") or {}
        if "error_code" in data:
            raise JanusError(data["error_code"], data.get("error", "unknown"))
        return data

    # --- VideoRoom ---------------------------------------------------------------------

    async def create_room(
        self,
        room: int,
        secret: str,
        *,
        publishers: int,
        description: str = "",
        allowed: list[str] | None = None,
        bitrate: int = 512_000,
    ) -> dict:
        """A private, non-permanent room that only listed tokens may join."""
        return await self.message(
            {
                "request": "create",
                "admin_key": admin_key(self.api_secret),
                "room": room,
                "secret": secret,
                "description": description[:100] or f"room {room}",
                "is_private": True,
                "permanent": False,
                "publishers": publishers,
                "bitrate": bitrate,
                "fir_freq": 10,
                "videocodec": "vp8",
                "audiocodec": "opus",
                "notify_joining": True,
                "audiolevel_event": True,
                # "talking" after 1 s averaging louder than -30 dBov (Janus: 0 loud, 127 silent)
                "audio_active_packets": 50,
                "audio_level_average": 30,
                "allowed": list(allowed or []),
            }
        )

    async def exists(self, room: int) -> bool:
        data = await self.message({"request": "exists", "room": room})
        return bool(data.get("exists"))

    async def destroy_room(self, room: int, secret: str) -> None:
        """Destroy the room: every participant is kicked. A missing room is fine."""
        try:
            await self.message({"request": "destroy", "room": room, "secret": secret})
        except JanusError as exc:
            if exc.code != 426:  # JANUS_VIDEOROOM_ERROR_NO_SUCH_ROOM
                raise

    async def allow(self, room: int, secret: str, tokens: list[str]) -> None:
        await self.message(
            {
                "request": "allowed",
                "room": room,
                "secret": secret,
                "action": "add",
                "allowed": tokens,
            }
        )

    async def disallow(self, room: int, secret: str, tokens: list[str]) -> None:
        await self.message(
            {
                "request": "allowed",
                "room": room,
                "secret": secret,
                "action": "remove",
                "allowed": tokens,
            }
        )

    async def participants(self, room: int, secret: str) -> list[dict]:
        data = await self.message({"request": "listparticipants", "room": room, "secret": secret})
        return list(data.get("participants") or [])

    async def kick(self, room: int, secret: str, participant: int) -> None:
        await self.message({"request": "kick", "room": room, "secret": secret, "id": participant})
