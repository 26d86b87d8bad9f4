"""CPU and Python calls per dashboard request, in one process (no server, no wrk).

    .venv/bin/python bench/tab_cpu.py [--db bench-data/scale-1.0.sqlite3] [--n 10] [--tabs analytics,earnings]

Django's test client on a seeded bench database as `bench_mentor`, production
settings (DEBUG off). Per URL and kind: cProfile's call count for one request
(independent of the machine's load) and `time.process_time` per request (best
of 5 batches). Kinds: `fragment` (HX-Request) and `full`, served warm, and
`cold`: the fragment right after the mentor's data version was raised (the
first view after a write). `/bench/floor/` is our middleware floor measured the
same way. Used for docs/benchmarks.md (fifth round); `make bench` has the wrk figures.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(db: Path) -> None:
    from bench.run import env_for

    os.environ.update(env_for(db, DJANGO_ALLOWED_HOSTS="testserver"))
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=str(ROOT / "bench-data" / "scale-1.0.sqlite3"))
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--tabs", default="")
    parser.add_argument("--kinds", default="fragment,full,cold")
    args = parser.parse_args()
    _setup(Path(args.db))

    from django.test import Client

    from accounts.models import User
    from accounts.tokens import issue_tokens
    from bench.run import TABS
    from core import cache

    mentor = User.objects.get(username="bench_mentor")
    client = Client()
    client.cookies["mh_access"] = str(issue_tokens(mentor)[1])
    only = set(filter(None, args.tabs.split(",")))
    kinds = args.kinds.split(",")
    rows = [("floor", "/bench/floor/", "full")]
    for name, path in TABS:
        if only and name.split("/")[0] not in only and name not in only:
            continue
        rows += [(name, path, kind) for kind in kinds]

    def get(path, kind):
        if kind == "cold":
            cache.bump([mentor.pk])
        headers = {"HX-Request": "true"} if kind in ("fragment", "cold") else {}
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        return response

    print(f"{'view':<20} {'kind':<9} {'calls':>8} {'ms CPU':>8}")
    for name, path, kind in rows:
        for _ in range(3):
            get(path, kind)
        prof = cProfile.Profile()
        prof.enable()
        get(path, kind)
        prof.disable()
        calls = pstats.Stats(prof).total_calls
        best = float("inf")
        for _ in range(5):
            t0 = time.process_time()
            for _ in range(args.n):
                get(path, kind)
            best = min(best, (time.process_time() - t0) / args.n * 1000)
        print(f"{name:<20} {kind:<9} {calls:>8} {best:>8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
