"""Server CPU per request under wrk: ratios that hold on a shared machine.

    .venv/bin/python bench/http_cpu.py [--seconds 2] [--rounds 2] [--db bench-data/scale-1.0.sqlite3]

Starts the benchmark Daphne (bench/asgi.py, production settings, as `make bench`
does) on a seeded database, drives each URL with wrk at concurrency 16 and
reads the server process's CPU time (/proc, user + system) before and after:
CPU ms per request, and its ratio to the bare Django view's (the req/s ratio
`make bench` reports on a quiet machine, where the one server process is the
bottleneck). Other work on the machine slows wrk's clock, not the server's CPU
per request. Rows: the floors, each tab's fragment and full page, and each
fragment after a write (bench/asgi.py `/__cold__/`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    BENCH_APP,
    COOKIE,
    DATA,
    TABS,
    _token_user_id,
    start_server,
    tokens,
    wrk,
)

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def cpu_per_request(pid: int, url: str, headers: dict, seconds: int, rounds: int) -> float:
    wrk(url, 16, 1, headers)  # warm
    samples = []
    for _ in range(rounds):
        before = cpu_seconds(pid)
        result = wrk(url, 16, seconds, headers)
        requests = result["rps"] * seconds
        samples.append((cpu_seconds(pid) - before) * 1000 / max(requests, 1))
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=str(DATA / "scale-1.0.sqlite3"))
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-cold", action="store_true")
    args = parser.parse_args()
    db = Path(args.db)
    DATA.mkdir(exist_ok=True)  # server logs
    token = tokens(db, ["bench_mentor"])["bench_mentor"]
    cookie = {"Cookie": f"{COOKIE}={token}"}
    rows = [("bare_django", "/__bare__/django/", {}), ("floor", "/bench/floor/", cookie)]
    for name, path in TABS:
        rows += [(f"{name} fragment", path, {**cookie, "HX-Request": "true"})]
        rows += [(f"{name} full", path, cookie)]
    if not args.no_cold:
        cold = f"/__cold__/{_token_user_id(token)}"
        rows += [
            (f"{name} after a write", cold + path, {**cookie, "HX-Request": "true"})
            for name, path in TABS
        ]
    server = start_server(db, app=BENCH_APP)
    try:
        bare = None
        print(f"{'view':<36} {'ms CPU/req':>10} {'× bare':>7}")
        for name, path, headers in rows:
            ms = cpu_per_request(
                server.proc.pid, server.url + path, headers, args.seconds, args.rounds
            )
            bare = bare or ms
            print(f"{name:<36} {ms:>10.2f} {bare / ms:>7.2f}", flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
