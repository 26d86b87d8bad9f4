"""Browser tests: system Chromium (Playwright) against a real Daphne process.

The server is a separate process on a free port sharing the on-disk test
database (SQLite file or the PostgreSQL test database); tests create data
with `transactional_db` so the server sees it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import TransactionTestCase

from accounts.tokens import issue_tokens

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"

CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--allow-loopback-in-peer-connection",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


class Server:
    def __init__(self, url: str, proc: subprocess.Popen, port: int):
        self.url = url
        self.proc = proc
        self.port = port


def start_server(
    extra_env: dict | None = None, port: int | None = None, tls: tuple[str, str] | None = None
) -> Server:
    """Start Daphne on the test database; `tls=(cert, key)` serves HTTPS + WSS."""
    port = port or _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "E2E_SERVER": "1",
        "SCHEDULER_IN_PROCESS": "0",
        "NOTIFY_POLL_SECONDS": "2",
        "AXES_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(ROOT / f".e2e-server-{port}.log", "w")  # noqa: SIM115
    if tls:
        cert, key = tls
        listen = ["-e", f"ssl:{port}:privateKey={key}:certKey={cert}:interface=127.0.0.1"]
    else:
        listen = ["-b", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", *listen, "mentorhub.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Daphne exited early; see .e2e-server-{port}.log")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                scheme = "https" if tls else "http"
                return Server(f"{scheme}://127.0.0.1:{port}", proc, port)
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("Daphne did not start in 30 s")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def live_server_proc(django_db_setup, django_db_blocker):
    server = start_server()
    yield server
    stop_server(server)


@pytest.fixture
def server_url(live_server_proc, transactional_db):
    return live_server_proc.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed (scripts/ensure-chromium installs it)")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # wait_for_function needs eval; one test (test_csp_enforced) keeps CSP on.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1280, "height": 800}}


def sign_in(context, base_url: str, user) -> None:
    """Put the JWT cookies of `user` into a browser context (fast path)."""
    refresh, access = issue_tokens(user)
    host = base_url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.JWT_ACCESS_COOKIE,
                "value": str(access),
                "domain": host,
                "path": "/",
                "httpOnly": True,
                "sameSite": "Lax",
            },
            {
                "name": settings.JWT_REFRESH_COOKIE,
                "value": str(refresh),
                "domain": host,
                "path": "/",
                "httpOnly": True,
                "sameSite": "Lax",
            },
        ]
    )


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture(autouse=True)
def _quiet_pages_before_flush(transactional_db, browser):
    """Close every page before the test database is flushed.

    Set up after `transactional_db`, so torn down before its flush: open pages
    keep polling the server, and on PostgreSQL a request holding a table lock
    while TRUNCATE waits for another one deadlocks the flush.
    """
    before = set(browser.contexts)  # module-scoped shared contexts stay open
    yield
    in_a_room = False
    for context in list(browser.contexts):
        if context not in before:
            in_a_room = in_a_room or any("/live/" in page.url for page in context.pages)
            context.close()
    if in_a_room:  # leaving a room writes presence; other pages write nothing on close
        _wait_for_server_writes()


def _wait_for_server_writes(timeout: float = 5.0) -> None:
    """On PostgreSQL, wait until the server's work caused by closed pages (a
    room's leave, a socket's last poll) has finished before TRUNCATE runs."""
    if connection.vendor != "postgresql":
        return
    quiet_since = None
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0]:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= 0.15:
                return
            time.sleep(0.05)


_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown_retrying_deadlocks(self):
    """The flush after a browser test may still meet a late server write; on
    PostgreSQL the deadlock detector then aborts one side, so try again."""
    for attempt in range(5):
        try:
            return _fixture_teardown(self)
        except CommandError as exc:
            if attempt == 4 or "deadlock" not in str(exc.__cause__ or exc).lower():
                raise
            time.sleep(0.2 * (attempt + 1))


TransactionTestCase._fixture_teardown = _fixture_teardown_retrying_deadlocks
