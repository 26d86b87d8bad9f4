"""Periodic jobs: a registry of idempotent functions run every 30 s.

Apps register jobs in their AppConfig.ready():

    from mentorhub.jobs import register_job
    register_job("sessions.reminders", send_session_reminders)

A job takes no arguments, returns how many rows it handled, and must be safe
to run concurrently in several processes: it claims rows with a conditional
UPDATE (…WHERE reminder_sent_at IS NULL) and acts only on the rows it won.
The runner (in-process thread, or `manage.py scheduler`) is in
notifications/scheduler.py.
"""

import logging
from collections.abc import Callable

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
