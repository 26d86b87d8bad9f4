"""Browser tests: system Chromium (Playwright) against a real Daphne process.

The server is a separate process on a free port sharing the on-disk test
database (SQLite file or the PostgreSQL test database); tests create data
with `transactional_db` so the server sees it.
"""

import json
import os
import shutil
import ssl
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.tokens import issue_tokens
from tests.support.asgi import BUSY_PATH
from tests.support.server import ROOT, ServerProcess, daphne_command, free_port, launch
from tests.support.wait import wait_until

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
# The real application plus a count of open requests and sockets (tests/support/asgi.py).
TEST_APP = "tests.support.asgi:application"
RUNNING: list[ServerProcess] = []  # started by start_server, not yet stopped
# Under pytest-xdist (`make test`: -n 2), "gw0-": a server log is never opened (and
# truncated) by another worker whose free port happened to be the same number.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "") and os.environ["PYTEST_XDIST_WORKER"] + "-"
# The HTTPS test server's certificate is self-signed.
_NO_VERIFY = ssl.create_default_context()
_NO_VERIFY.check_hostname = False
_NO_VERIFY.verify_mode = ssl.CERT_NONE


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


def start_server(
    extra_env: dict | None = None, port: int | None = None, tls: tuple[str, str] | None = None
) -> ServerProcess:
    """Start Daphne on the test database; `tls=(cert, key)` serves HTTPS + WSS."""
    port = port or free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "E2E_SERVER": "1",
        "SCHEDULER_IN_PROCESS": "0",
        "NOTIFY_POLL_SECONDS": "2",
        "AXES_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = launch(
        daphne_command(port, TEST_APP, tls=tls),
        port=port,
        env=env,
        log_path=ROOT / f".e2e-server-{WORKER}{port}.log",
        scheme="https" if tls else "http",
    )
    RUNNING.append(server)
    return server


def stop_server(server: ServerProcess) -> None:
    server.stop()
    if server in RUNNING:
        RUNNING.remove(server)


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


def open_signed_in(browser, base_url: str, user, path: str, **context_args):
    """A new context signed in as `user` with one page at `path`: (context, page).

    The page collects uncaught script errors in `page.js_errors`.
    """
    defaults = {"bypass_csp": True, "viewport": {"width": 1280, "height": 800}}
    context = browser.new_context(**{**defaults, **context_args})
    sign_in(context, base_url, user)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto(base_url + path)
    return context, page


@pytest.fixture
def signed_in_page(browser, server_url):
    """`signed_in_page(user, path, **context_args)`: a page of its own context, signed
    in as `user`, at `path` on the test server (closed by the teardown below)."""

    def open_page(user, path: str, **context_args):
        return open_signed_in(browser, server_url, user, path, **context_args)[1]

    return open_page


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sideways_scrollers(page) -> list[str]:
    """Elements that scroll sideways (overflow-x auto/scroll with content wider than
    the box) or stick out of the viewport; empty when the page reads without any
    horizontal scrolling. Hidden elements (display:none) have no box and don't count."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(el => {
              const s = getComputedStyle(el), r = el.getBoundingClientRect();
              if (r.width === 0 && r.height === 0) return false;
              if (['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
                return true;
              if (r.left < -1 || r.right > window.innerWidth + 1) {
                for (let p = el.parentElement; p; p = p.parentElement) {  // clipped by an ancestor
                  if (getComputedStyle(p).overflowX === 'hidden' || getComputedStyle(p).overflowX === 'clip') {
                    const b = p.getBoundingClientRect();
                    if (b.right <= window.innerWidth + 1 && b.left >= -1) return false;
                  }
                }
                return s.position !== 'fixed' || r.width > window.innerWidth + 1;
              }
              return false;
            }).slice(0, 8).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                '.' + [...el.classList].slice(0, 4).join('.') +
                ` (${Math.round(el.scrollWidth)}/${Math.round(el.clientWidth)} px)`)"""
    )


@pytest.fixture(autouse=True)
def _quiet_server_before_flush(transactional_db, browser):
    """Close every page, then wait until the servers have finished the work the
    closing caused, before the test database is flushed.

    Set up after `transactional_db`, so torn down before its flush. A room's
    socket writes its leave after the page has gone; on PostgreSQL that write
    racing the flush's TRUNCATE deadlocks. The servers count their open requests
    and sockets (tests/support/asgi.py): zero means nothing can still write.
    """
    before = set(browser.contexts)  # module-scoped shared contexts stay open
    yield
    for context in list(browser.contexts):
        if context in before:
            for page in list(context.pages):
                page.close()
        else:
            context.close()
    for server in list(RUNNING):
        if server.proc.poll() is not None:  # replaced by a restart inside the test
            RUNNING.remove(server)
            continue
        wait_until(lambda s=server: _idle(s), timeout=15, what=f"{server.url} idle")


def _idle(server: ServerProcess) -> bool:
    with urllib.request.urlopen(server.url + BUSY_PATH, timeout=2, context=_NO_VERIFY) as answer:
        busy = json.load(answer)
    return not any(busy.values())
