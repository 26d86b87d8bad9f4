"""Operators: list requested payouts, mark them paid/failed, export them as CSV."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from core import csvsafe
from core.errors import DomainError
from earnings import services
from earnings.models import Payout

EXPORT_HEADER = [
    "id",
    "mentor_id",
    "mentor",
    "amount",
    "currency",
    "status",
    "requested_at",
    "processed_at",
    "reference",
    "failure_reason",
]


def _ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        for part in value.replace(",", " ").split():
            if not part.isdigit():
                raise CommandError(f"Payout ids are numbers; got {part!r}.")
            ids.append(int(part))
    return ids


class Command(BaseCommand):
    help = (
        "List requested payouts (default), or mark them paid (--mark-paid ID… --reference R) "
        "or failed (--mark-failed ID… --reason R); --export FILE.csv writes payouts to CSV. "
        "Each change notifies the mentor."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--mark-paid", nargs="+", metavar="ID", help="payout ids to mark paid")
        group.add_argument(
            "--mark-failed", nargs="+", metavar="ID", help="payout ids to mark failed"
        )
        parser.add_argument("--reference", default="", help="payment reference (with --mark-paid)")
        parser.add_argument("--reason", default="", help="failure reason shown to the mentor")
        parser.add_argument(
            "--export", metavar="FILE.csv", help="write payouts to CSV ('-' for stdout)"
        )
        parser.add_argument(
            "--status",
            choices=[*Payout.Status.values, "open", "all"],
            default="open",
            help="which payouts to list/export (default: open = requested + processing)",
        )

    def handle(self, *args, mark_paid=None, mark_failed=None, reference="", reason="", **options):
        if mark_paid:
            if not reference.strip():
                raise CommandError(
                    "--mark-paid needs --reference R (the bank's payment reference)."
                )
            return self._apply(_ids(mark_paid), services.mark_paid, reference, "paid")
        if mark_failed:
            if not reason.strip():
                raise CommandError("--mark-failed needs --reason R (shown to the mentor).")
            return self._apply(_ids(mark_failed), services.mark_failed, reason, "failed")
        if reference or reason:
            raise CommandError("--reference/--reason go with --mark-paid/--mark-failed.")
        payouts = self._selected(options["status"])
        if options["export"]:
            return self._export(payouts, options["export"])
        self._list(payouts)

    def _selected(self, status: str):
        qs = Payout.objects.select_related("mentor").order_by("requested_at", "id")
        if status == "open":
            return qs.filter(Q(status="requested") | Q(status="processing"))
        if status == "all":
            return qs
        return qs.filter(status=status)

    def _apply(self, ids, func, text, label):
        found = {p.pk: p for p in Payout.objects.select_related("mentor").filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise CommandError(f"No payout with id {', '.join(missing)}; nothing was changed.")
        failures = []
        for pk in dict.fromkeys(ids):
            try:
                payout = func(found[pk], text, actor=None)
            except DomainError as exc:
                failures.append(f"#{pk}: {exc.message}")
                continue
            self.stdout.write(
                f"#{payout.pk} {payout.mentor.username} {services.money(payout.amount)} "
                f"{payout.currency} → {label}"
            )
        for failure in failures:
            self.stderr.write(failure)
        if failures:
            raise CommandError(f"{len(failures)} payout(s) not changed.")

    def _list(self, payouts):
        count = 0
        for p in payouts:
            count += 1
            self.stdout.write(
                f"#{p.pk:<6} {p.mentor.username:<20} {services.money(p.amount):>12} {p.currency} "
                f"{p.status:<10} requested {p.requested_at:%Y-%m-%d %H:%M} UTC"
            )
        self.stdout.write(f"{count} payout(s).")

    def _export(self, payouts, path):
        rows = [
            [
                p.pk,
                p.mentor_id,
                p.mentor.username,
                services.money(p.amount),
                p.currency,
                p.status,
                p.requested_at.isoformat(),
                p.processed_at.isoformat() if p.processed_at else "",
                p.reference,
                p.failure_reason,
            ]
            for p in payouts
        ]
        if path == "-":
            writer = csvsafe.writer(self.stdout)
            writer.writerow(EXPORT_HEADER)
            writer.writerows(rows)
            return
        try:
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csvsafe.writer(handle)
                writer.writerow(EXPORT_HEADER)
                writer.writerows(rows)
        except OSError as exc:
            raise CommandError(f"Can't write {path}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {len(rows)} payout(s) to {path}.")
