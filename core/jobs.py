"""Periodic jobs: a registry of idempotent functions, their runner and `claim_each`.

Apps register jobs in their AppConfig.ready():

    from core.jobs import register_job
    register_job("sessions.reminders", send_session_reminders)

A job takes no arguments, returns how many rows it handled, and must be safe
to run concurrently in several processes: it goes through `claim_each`, which
claims each row with a conditional UPDATE and acts only on the rows it won,
one transaction per row, so one failing row never starves the others.

The runner is a daemon thread in every server process (`JobRunnerApp`, so
`make run` needs no second process) or `manage.py scheduler`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections, transaction

from core.errors import ConflictError

logger = logging.getLogger(__name__)

_JOBS: dict[str, Callable[[], int]] = {}


def register_job(name: str, func: Callable[[], int]) -> None:
    _JOBS[name] = func


def registered_jobs() -> dict[str, Callable[[], int]]:
    return dict(_JOBS)


def run_all_jobs() -> dict[str, int]:
    """Run every job once; a failing job is logged and does not stop the others."""
    results = {}
    for name, func in _JOBS.items():
        try:
            results[name] = func() or 0
        except Exception:
            logger.exception("job %s failed", name)
            results[name] = -1
    return results


# --- Claiming rows --------------------------------------------------------------


def claim_each(candidates, act, *, claim=None, label: str, limit: int = 500) -> int:
    """Run `act(row)` for each candidate row, each in its own transaction.

    `claim(rows)` gets a queryset of just that row and makes the conditional
    UPDATE that marks it taken (returning the number of rows updated); 0 means
    another process won it, and the row is skipped. Without `claim`, `act`
    claims for itself (returns False or raises ConflictError when it lost).
    A row that fails is rolled back alone, logged, and tried again next pass.
    Returns how many rows were handled.
    """
    model = candidates.model
    done = 0
    for row in list(candidates[:limit]):
        try:
            with transaction.atomic():
                if claim is not None and not claim(model._default_manager.filter(pk=row.pk)):
                    continue
                if act(row) is not False:
                    done += 1
        except ConflictError:
            continue  # another process or the user changed it meanwhile
        except Exception:
            logger.exception("%s: %s %s failed; retried next pass", label, model.__name__, row.pk)
    return done


# --- The runner -----------------------------------------------------------------

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
    pushes (async_to_sync) reach the in-memory channel layer on the loop that
    owns it; before the first request there is no loop yet (and nobody
    connected), so the pass runs right here.
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
