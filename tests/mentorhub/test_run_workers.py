"""`make run` on several cores: scripts/run-server starts WEB_WORKERS Daphne
processes on one listening socket when the Redis channel layer is configured,
and one process (saying why) when it is not."""

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.mentorhub.make_run import ROOT, TEST_KEY

SCRIPT = ROOT / "scripts" / "run-server"
run_server = runpy.run_path(str(SCRIPT), run_name="run_server")


def test_worker_count_follows_redis_and_web_workers():
    count = run_server["worker_count"]
    assert count({"WEB_WORKERS": "3", "REDIS_URL": "redis://x"}) == (
        3,
        "3 server processes sharing port",
    )
    n, why = count({"WEB_WORKERS": "3"})
    assert n == 1 and "REDIS_URL" in why
    assert count({"WEB_WORKERS": "1", "REDIS_URL": "redis://x"}) == (1, "")
    assert count({"WEB_WORKERS": "two"})[0] == 1
    cores = os.cpu_count() or 1
    assert count({"REDIS_URL": "redis://x"})[0] == cores


def test_the_daphne_command_serves_the_shared_socket_instead_of_binding():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        cmd = run_server["on_fd"](
            ["daphne", "--access-log", "x", "-b", "127.0.0.1", "-p", "8000", "app:application"],
            sock,
        )
        fd = sock.fileno()
    assert cmd == [
        "daphne",
        "--fd",
        str(fd),
        "--access-log",
        "x",
        "app:application",
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1).ping()
    except Exception:
        return None
    return url


def _daphnes(parent: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _start(tmp_path, port: int, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SECRET_KEY=TEST_KEY,
        DJANGO_DEBUG="0",
        DJANGO_PLAIN_HTTP="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}",
        JANUS_URL="",
        PYTHONUNBUFFERED="1",
        REDIS_CHANNEL_PREFIX=f"runworkers{port}",
        **extra,
    )
    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    daphne = str(ROOT / ".venv" / "bin" / "daphne")
    cmd = [py, str(SCRIPT), "127.0.0.1", str(port), daphne, "--access-log", os.devnull]
    cmd += ["-b", "127.0.0.1", "-p", str(port), "mentorhub.asgi:application"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5).read()
            return proc
        except OSError:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.3)
    raise AssertionError("the server did not start")


def _stop(proc) -> tuple[str, str]:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.skipif(sys.platform != "linux", reason="pgrep/proc: Linux")
def test_two_workers_share_the_port_and_stop_together(tmp_path):
    redis_url = _redis_url()
    if redis_url is None:
        pytest.skip("Redis is not reachable")
    port = _free_port()
    proc = _start(tmp_path, port, WEB_WORKERS="2", REDIS_URL=redis_url)
    try:
        workers = _daphnes(proc.pid)
        assert len(workers) == 2

        def get(_):
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=20).status

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(get, range(40))) == {200}
        assert all(os.path.exists(f"/proc/{pid}") for pid in workers)
    finally:
        out, _ = _stop(proc)
    assert "2 server processes" in out
    assert not any(os.path.exists(f"/proc/{pid}") for pid in workers)  # stopped, reaped


def test_without_redis_one_process_and_the_reason(tmp_path):
    port = _free_port()
    proc = _start(tmp_path, port, WEB_WORKERS="2")
    try:
        assert len(_daphnes(proc.pid)) == 1
    finally:
        _, err = _stop(proc)
    assert "set REDIS_URL to use several cores" in err
