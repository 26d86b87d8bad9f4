"""Start, wait for and stop an ASGI server process (Daphne or Uvicorn).

Shared by the browser tests (tests/e2e/conftest.py) and the benchmarks
(bench/run.py runs from the repository root with it on sys.path).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.support.wait import WaitTimeout, wait_until

ROOT = Path(__file__).resolve().parents[2]


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def daphne_command(
    port: int, app: str, *, tls: tuple[str, str] | None = None, quiet: bool = False
) -> list[str]:
    """`tls=(cert, key)` serves HTTPS + WSS; `quiet` drops the access log."""
    if tls:
        cert, key = tls
        listen = ["-e", f"ssl:{port}:privateKey={key}:certKey={cert}:interface=127.0.0.1"]
    else:
        listen = ["-b", "127.0.0.1", "-p", str(port)]
    extra = ["--access-log", "/dev/null"] if quiet else []
    return [sys.executable, "-m", "daphne", *listen, *extra, app]


def uvicorn_command(port: int, app: str) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", app, "--port", str(port),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


class ServerProcess:
    def __init__(self, proc: subprocess.Popen, port: int, url: str, log_path: Path):
        self.proc = proc
        self.port = port
        self.url = url
        self.log_path = log_path

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server used so far (for the bench)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 0.2):
            return True
    except OSError:
        return False


def answers(url: str) -> bool:
    """The URL answers 2xx (the server has loaded the app, not just bound its port)."""
    try:
        urllib.request.urlopen(url, timeout=1).read()
        return True
    except (OSError, urllib.error.URLError):
        return False


def launch(
    command: list[str],
    *,
    port: int,
    env: dict,
    log_path: Path,
    scheme: str = "http",
    ready: Callable[[ServerProcess], bool] | None = None,
    timeout: float = 30.0,
) -> ServerProcess:
    """Start `command` in the repository root and wait until it is ready
    (default: its port accepts connections)."""
    with open(log_path, "w") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = ServerProcess(proc, port, f"{scheme}://127.0.0.1:{port}", log_path)
    probe = ready or (lambda s: port_open(s.port))

    def up() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"{command[2]} exited early; see {log_path}")
        return probe(server)

    try:
        wait_until(up, timeout, interval=0.1, what=f"{command[2]} on port {port}")
    except WaitTimeout:
        server.stop()
        raise RuntimeError(
            f"{command[2]} did not start in {timeout:.0f} s; see {log_path}"
        ) from None
    return server
