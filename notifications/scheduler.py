"""The periodic job runner: a daemon thread per server process, or a command.

Jobs (mentorhub.jobs.register_job) are idempotent and claim rows with
conditional updates, so running them in every server process at once is safe;
the in-process runner means `make run` needs no second process.
"""

import asyncio
import logging
import threading

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from mentorhub.jobs import run_all_jobs

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()
_server_loop: asyncio.AbstractEventLoop | None = None


def run_once() -> dict[str, int]:
    """One pass of every job; DB connections are closed afterwards (no leaks)."""
    close_old_connections()
    try:
        return run_all_jobs()
    finally:
        connections.close_all()


def _pass_in_server_loop() -> dict[str, int]:
    """Run a pass from the runner thread.

    Inside a server, the pass runs in the server loop's executor so that
    notify()'s pushes (async_to_sync) reach the in-memory channel layer on
    the loop that owns it; before the first request there is no loop yet
    (and nobody connected), so the pass runs right here.
    """
    loop = _server_loop
    if loop is not None and loop.is_running():
        future = asyncio.run_coroutine_threadsafe(
            sync_to_async(run_once, thread_sensitive=False)(), loop
        )
        return future.result()
    return run_once()


def run_forever(
    interval: float, stop: threading.Event, first_delay: float = 0, in_server: bool = False
) -> None:
    if stop.wait(first_delay):
        return
    while True:
        try:
            results = _pass_in_server_loop() if in_server else run_once()
            if any(results.values()):
                logger.info("jobs: %s", results)
        except Exception:  # the runner outlives any one failing pass
            logger.exception("job pass failed")
        if stop.wait(interval):
            return


def start_in_process() -> bool:
    """Start the runner thread once per process (when SCHEDULER_IN_PROCESS)."""
    global _thread
    if not settings.SCHEDULER_IN_PROCESS:
        return False
    with _lock:
        if _thread is not None and _thread.is_alive():
            return False
        _stop.clear()
        interval = max(settings.SCHEDULER_INTERVAL_SECONDS, 1)
        # A short first delay lets the server finish starting before jobs hit the DB.
        _thread = threading.Thread(
            target=run_forever,
            args=(interval, _stop, min(5, interval), True),
            name="mentorhub-jobs",
            daemon=True,
        )
        _thread.start()
    return True


def stop_in_process(timeout: float = 5) -> None:
    global _thread
    with _lock:
        _stop.set()
        if _thread is not None:
            _thread.join(timeout)
        _thread = None


class JobRunnerApp:
    """ASGI wrapper: starts the runner once per process, remembers the server loop."""

    def __init__(self, app):
        self.app = app
        self.enabled = start_in_process()

    async def __call__(self, scope, receive, send):
        if self.enabled:
            global _server_loop
            _server_loop = asyncio.get_running_loop()
        return await self.app(scope, receive, send)
