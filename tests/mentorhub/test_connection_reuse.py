"""Database connections are reused across requests and never pile up under load.

A real Daphne on the test database answers many concurrent requests; the
connections it holds afterwards are counted from outside: SQLite through the
server's open file descriptors on the database file, PostgreSQL through
pg_stat_activity. Each HTTP lane (core/http_limit.py) keeps one connection
(SQLite) or borrows from the pool (PostgreSQL), so the count stays bounded
however many requests ran, and is not zero (the connections were kept).
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from accounts.tokens import issue_tokens
from tests.conftest import make_user
from tests.support.server import ROOT, daphne_command, free_port, launch

# Threads besides the lanes that may hold a connection of their own: the
# socket consumers' thread and the event loop's executor (none run here).
SPARE = 2


# The server's PostgreSQL sessions carry this name; the test process has its own.
APP_NAME = "mentorhub-load-test"


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}?application_name={APP_NAME}"


@pytest.fixture
def server(transactional_db, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "E2E_SERVER": "1",
        "SCHEDULER_IN_PROCESS": "0",
        "AXES_ENABLED": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = free_port()
    proc = launch(
        daphne_command(port, "mentorhub.asgi:application", quiet=True),
        port=port,
        env=env,
        log_path=tmp_path / "daphne.log",
    )
    yield proc
    proc.stop()


def _fire(url: str, token: str, requests: int, at_once: int) -> list[int]:
    def get(_):
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
            return resp.status

    with ThreadPoolExecutor(at_once) as pool:
        return list(pool.map(get, range(requests)))


def _open_connections(pid: int) -> int:
    if connection.vendor == "sqlite":
        db = os.path.realpath(connection.settings_dict["NAME"])
        fds = Path(f"/proc/{pid}/fd")
        return sum(1 for fd in fds.iterdir() if _target(fd) == db)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [connection.settings_dict["NAME"], APP_NAME],
        )
        return cursor.fetchone()[0]


def _target(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:  # closed while listing
        return ""


def _bound() -> int:
    if connection.vendor == "sqlite":
        return settings.HTTP_CONCURRENCY + SPARE
    return connection.settings_dict["OPTIONS"]["pool"]["max_size"]


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc (Linux)")
def test_connections_stay_bounded_and_open_under_concurrent_requests(server):
    user = make_user("load_lena", User.Role.MENTOR)
    token = str(issue_tokens(user)[1])
    url = server.url + "/api/notifications/"
    seen = []
    for _batch in range(3):
        statuses = _fire(url, token, requests=60, at_once=20)
        assert statuses == [200] * 60
        seen.append(_open_connections(server.proc.pid))
    assert all(1 <= count <= _bound() for count in seen), seen
    assert seen[-1] <= max(seen[:-1]) + (0 if connection.vendor == "sqlite" else _bound()), seen


def test_without_lanes_sqlite_connections_close_after_each_request():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['OPTIONS'].get('pool'))"
    )
    outputs = {}
    for limit in ("2", "0"):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SECRET_KEY": "tests-only-not-secret-" + "k" * 40,
            "DATABASE_URL": "sqlite:///" + str(ROOT / "unused.sqlite3"),
            "HTTP_CONCURRENCY": limit,
        }
        outputs[limit] = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); exec({code!r})"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "mentorhub.settings"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    assert outputs == {"2": ["None", "None"], "0": ["0", "None"]}
