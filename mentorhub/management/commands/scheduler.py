"""`manage.py scheduler`: run the periodic jobs in a dedicated process."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from core.jobs import registered_jobs, run_forever, run_once


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (session reminders, ending sessions, crediting "
        "earnings, expiring requests) every SCHEDULER_INTERVAL_SECONDS. "
        "They also run inside every server process; running both is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one pass and exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between passes (default: SCHEDULER_INTERVAL_SECONDS)",
        )

    def handle(self, *args, once=False, interval=None, **options):
        jobs = registered_jobs()
        if once:
            results = run_once()
            for name in jobs:
                self.stdout.write(f"{name}: {results.get(name, 0)}")
            if not jobs:
                self.stdout.write("No jobs registered.")
            failed = [name for name, count in results.items() if count < 0]
            if failed:
                self.stderr.write(self.style.ERROR(f"Failed: {', '.join(failed)}"))
                raise SystemExit(1)
            return
        interval = interval or settings.SCHEDULER_INTERVAL_SECONDS
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(
            f"Running {len(jobs)} job(s) every {interval:g} s: {', '.join(jobs) or 'none'}. "
            "Ctrl-C stops."
        )
        run_forever(interval, stop)
        self.stdout.write("Scheduler stopped.")
