"""Run the same work in several threads released at one moment (race tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(n: int, fn: Callable[[int], Any], timeout: float = 60.0) -> list[Any]:
    """Call `fn(0)` … `fn(n - 1)` in n threads released together by a barrier.

    Returns each call's result or the exception it raised, in index order; each
    thread closes its database connection (tests need `django_db(transaction=True)`
    and an on-disk database). Fails if a thread is still running after `timeout`.
    """
    from django.db import connection

    barrier = threading.Barrier(n)
    outcomes: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what tests assert
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = sum(thread.is_alive() for thread in threads)
    assert not stuck, f"{stuck} of {n} racing threads still running after {timeout} s"
    return outcomes


def failures(outcomes: list[Any]) -> list[Exception]:
    return [o for o in outcomes if isinstance(o, Exception)]


def successes(outcomes: list[Any]) -> list[Any]:
    return [o for o in outcomes if not isinstance(o, Exception)]
