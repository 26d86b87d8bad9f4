"""A real Janus for tests: generated config, free ports, stopped at the end.

    from tests.support.janus import janus_server  # a session-scoped fixture

Skips (with the reason) when the `janus` binary is missing: apt-get install janus.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass

import pytest

from live import janus


@dataclass
class JanusServer:
    url: str
    api_secret: str
    folder: str
    process: object

    @property
    def log(self) -> str:
        try:
            with open(os.path.join(self.folder, "janus.log"), errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def cpu_seconds(self) -> float:
        """User + system CPU time Janus used so far (for the bench)."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks


def launch_janus() -> JanusServer:
    if not janus.binary():
        pytest.skip("janus binary not found: apt-get install janus (the SFU for group sessions)")
    port = janus.free_port()
    rtp = 30000 + secrets.randbelow(200) * 100  # a range of its own per run
    folder = tempfile.mkdtemp(prefix="mentorhub-janus-")
    secret = secrets.token_urlsafe(24)
    janus.write_config(
        folder, api_secret=secret, port=port, rtp_ports=(rtp, rtp + 99), loopback=False
    )
    process = janus.start(folder)
    janus.wait_ready("127.0.0.1", port, process)
    return JanusServer(f"ws://127.0.0.1:{port}", secret, folder, process)


@pytest.fixture(scope="session")
def janus_server():
    server = launch_janus()
    yield server
    janus.stop(server.process)


@pytest.fixture
def janus_settings(janus_server, settings):
    """Django settings pointing at the test Janus (the in-process app)."""
    settings.JANUS_URL = janus_server.url
    settings.JANUS_PUBLIC_URL = janus_server.url
    settings.JANUS_API_SECRET = janus_server.api_secret
    return janus_server
