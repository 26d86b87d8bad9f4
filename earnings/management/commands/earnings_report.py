"""Operators: per-mentor earnings for one calendar month (UTC) as CSV."""

import io

from django.core.management.base import BaseCommand, CommandError

from core import csvsafe
from earnings import queries, services

HEADER = [
    "month",
    "mentor_id",
    "mentor",
    "sessions",
    "entries",
    "gross",
    "fee",
    "net",
    "paid_out",
    "currency",
]


class Command(BaseCommand):
    help = (
        "Per-mentor earnings for a month (--month YYYY-MM, UTC): sessions, gross, fee, net "
        "and payouts paid in the month, as CSV to stdout or --output FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--output", help="write the CSV to this file instead of stdout")

    def handle(self, *args, month: str, output: str | None = None, **options):
        try:
            queries.month_bounds(month)
            if len(month) != 7:
                raise ValueError
        except ValueError:
            raise CommandError(
                f"--month must look like 2026-03 (YYYY-MM); got {month!r}."
            ) from None
        from django.conf import settings

        buffer = io.StringIO()
        writer = csvsafe.writer(buffer)
        writer.writerow(HEADER)
        rows = queries.report_rows(month)
        for row in rows:
            writer.writerow(
                [
                    month,
                    row["mentor_id"],
                    row["mentor__username"],
                    row["sessions"],
                    row["entries"],
                    services.money(row["gross"]),
                    services.money(row["fee"]),
                    services.money(row["net"]),
                    services.money(row["paid_out"]),
                    settings.PLATFORM_CURRENCY,
                ]
            )
        if not output:
            self.stdout.write(buffer.getvalue(), ending="")
            return
        try:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                handle.write(buffer.getvalue())
        except OSError as exc:
            raise CommandError(f"Can't write {output}: {exc.strerror}.") from exc
        self.stderr.write(f"Wrote {len(rows)} mentor(s) for {month} to {output}.")
