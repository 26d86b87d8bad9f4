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


def rtp_range_start() -> int:
    """100 RTP ports of its own per run, below coturn's relay ports (40000+,
    tests/e2e/test_live_interop.py): random, to keep apart from other runs on the
    machine, and each pytest-xdist worker in a block of its own (gw0 30000-32499,
    gw1 32500-34999, ...), so the two Janus of one `-n 2` run never share one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    block = int(worker) % 4 if worker.isdigit() else 0
    return 30000 + block * 2500 + secrets.randbelow(25) * 100


def launch_janus() -> JanusServer:
    if not janus.binary():
        pytest.skip("janus binary not found: apt-get install janus (the SFU for group sessions)")
    port = janus.free_port()
    rtp = rtp_range_start()
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
