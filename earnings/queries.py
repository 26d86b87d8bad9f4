"""Reads: balances and breakdowns computed from the ledger with aggregate SQL.

Every function here runs a fixed number of queries whatever the size of the
ledger (tests check 10 vs 1,000 entries). `balances()`, `monthly()` and
`sessions_page()` are cached until the mentor's data changes (core/cache.py;
the app's models are watched in apps.py); `compute_*` read afresh, for the
services' checks and the live fragments.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, DecimalField, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import cache
from core.charts import month_chart
from core.formatting import cents, money_label
from core.localtime import LocalTime

from .models import LedgerEntry, Payout

SESSIONS_PER_PAGE = 10
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
MONEY_KEYS = ("gross", "fee", "net", "refunds")


def money_rows(rows) -> list[dict]:
    """values() rows with their gross/fee/net in cents (aggregates come back unscaled
    on SQLite: 990 → 990.00)."""
    return [{**row, **{k: cents(row[k]) for k in MONEY_KEYS if k in row}} for row in rows]


def _refunds():
    """What learners got back (a positive amount): minus the refund entries' gross."""
    return Coalesce(
        -Sum("gross", filter=Q(kind=LedgerEntry.Kind.REFUND)), Value(ZERO), output_field=MONEY
    )


def _sum(field: str, **filters):
    return Coalesce(
        Sum(field, filter=Q(**filters) if filters else None), Value(ZERO), output_field=MONEY
    )


@dataclass(frozen=True)
class Balances:
    currency: str
    total_earned: Decimal
    pending: Decimal
    available: Decimal
    paid_out: Decimal
    reserved: Decimal  # requested/processing payouts

    @property
    def can_request(self) -> bool:
        return self.available >= Decimal(settings.MINIMUM_PAYOUT)


def balances(mentor) -> Balances:
    """`compute_balances()`, cached until the mentor's data changes."""
    return cache.cached(mentor, "earnings.balances", lambda: compute_balances(mentor))


def compute_balances(mentor, now: datetime | None = None) -> Balances:
    """Total earned, pending, available and paid out: two aggregate queries.

    available = net that has become available − payouts that are not failed.
    """
    now = now or timezone.now()
    ledger = LedgerEntry.objects.filter(mentor=mentor).aggregate(
        total=_sum("net"),
        pending=_sum("net", available_at__gt=now),
        released=_sum("net", available_at__lte=now),
    )
    payouts = Payout.objects.filter(mentor=mentor).aggregate(
        spent=_sum("amount", status__in=["requested", "processing", "paid"]),
        paid=_sum("amount", status="paid"),
        reserved=_sum("amount", status__in=["requested", "processing"]),
    )
    return Balances(
        currency=settings.PLATFORM_CURRENCY,
        total_earned=cents(ledger["total"]),
        pending=cents(ledger["pending"]),
        available=cents(ledger["released"]) - cents(payouts["spent"]),
        paid_out=cents(payouts["paid"]),
        reserved=cents(payouts["reserved"]),
    )


def _zone(user) -> zoneinfo.ZoneInfo:
    tz = getattr(user, "tzinfo", None)
    return tz if isinstance(tz, zoneinfo.ZoneInfo) else zoneinfo.ZoneInfo("UTC")


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def monthly(mentor) -> list[dict]:
    """`compute_monthly()` for the last 12 months, cached until the mentor's data changes."""
    return cache.cached(mentor, "earnings.monthly", lambda: compute_monthly(mentor))


def compute_monthly(mentor, months: int = 12, now: datetime | None = None) -> list[dict]:
    """The last `months` calendar months in the mentor's zone, oldest first.

    Each row: month ("YYYY-MM"), sessions (distinct sessions credited), gross,
    fee, net (every entry: refunds already taken off) and refunds (what
    learners got back, included in gross). Months without entries are present
    with zeros. One query.
    """
    tz = _zone(mentor)
    today = timezone.localtime(now or timezone.now(), tz).date()
    first = _month_start(today, months - 1)
    start = datetime.combine(first, time.min, tzinfo=tz)
    # Month buckets in SQL (on SQLite without a Python function per row).
    local = LocalTime(tz, start, now or timezone.now())
    rows = (
        LedgerEntry.objects.filter(mentor=mentor, created_at__gte=start)
        .annotate(month=local.month_expr("created_at"))
        .values("month")
        .annotate(
            sessions=Count("session", distinct=True),
            refunds=_refunds(),  # before `gross` shadows the column
            gross=_sum("gross"),
            fee=_sum("fee"),
            net=_sum("net"),
        )
        .order_by("month")
    )
    found = {}
    for row in rows:
        key = local.month(row["month"]).strftime("%Y-%m") if row["month"] else ""
        found[key] = row
    result = []
    for back in range(months - 1, -1, -1):
        day = _month_start(today, back)
        key = day.strftime("%Y-%m")
        row = found.get(key, {})
        result.append(
            {
                "month": key,
                "label": day.strftime("%b %Y"),
                "sessions": row.get("sessions", 0),
                "gross": cents(row.get("gross")),
                "fee": cents(row.get("fee")),
                "net": cents(row.get("net")),
                "refunds": cents(row.get("refunds")),
            }
        )
    return result


def monthly_chart(rows: list[dict], currency: str, today: date) -> dict:
    """The net-per-month bar chart (core.charts) of `monthly()` rows: round money
    ticks, each bar named by its month and net ("Oct 2026: USD 1,234.50 net")."""
    points = [
        (
            datetime.strptime(row["month"], "%Y-%m").date(),
            row["net"],
            f"{money_label(row['net'], currency)} net",
        )
        for row in rows
    ]
    return month_chart(points, today, integer=False)


def session_earnings(mentor):
    """Per-session rows (newest first): learner count, gross, fee, net, available date.

    Entries of one session add up to one row; an entry without a session (a
    refund or adjustment) is a row of its own, never merged with the others.
    A values()/annotate() queryset: one query per page plus the count.
    """
    return (
        LedgerEntry.objects.filter(mentor=mentor)
        .annotate(row_key=Coalesce(F("session_id"), -F("id")))
        .values(
            "row_key", "session_id", "session__title", "session__starts_at", "session__ended_at"
        )
        .annotate(
            entry_kind=Max("kind"),
            note=Max("description"),
            learners=Count("id", filter=Q(kind=LedgerEntry.Kind.BOOKING)),
            reason=Max("reason"),
            refunds=_refunds(),
            gross=_sum("gross"),
            fee=_sum("fee"),
            net=_sum("net"),
            available_at=Min("available_at"),
            credited_at=Min("created_at"),
        )
        .order_by("-credited_at", "-row_key")
    )


def sessions_page(mentor, number) -> Page:
    """One page of `session_earnings()`; its rows and count cached until the mentor's
    data changes, its `cache_key` for the rendered sections (read first)."""
    key = cache.key_for(mentor, "earnings.sections", SESSIONS_PER_PAGE, number)

    def compute() -> dict:
        page = Paginator(session_earnings(mentor), SESSIONS_PER_PAGE).get_page(number)
        rows = money_rows(page.object_list)
        return {"number": page.number, "count": page.paginator.count, "rows": rows}

    data = cache.cached(mentor, "earnings.sessions", compute, SESSIONS_PER_PAGE, number)
    page = Paginator(range(data["count"]), SESSIONS_PER_PAGE).get_page(data["number"])
    page.object_list = data["rows"]
    page.cache_key = key
    return page


def payouts_for(mentor):
    return Payout.objects.filter(mentor=mentor).order_by("-requested_at", "-id")


def ledger_between(mentor, start: date, end: date):
    """Ledger entries credited from `start` to `end` inclusive (mentor's zone)."""
    tz = _zone(mentor)
    lo = datetime.combine(start, time.min, tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    return (
        LedgerEntry.objects.filter(mentor=mentor, created_at__gte=lo, created_at__lt=hi)
        .select_related("session")
        .order_by("created_at", "id")
    )


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """ "YYYY-MM" → [start, end) in UTC; ValueError if malformed."""
    day = datetime.strptime(month, "%Y-%m").date()
    nxt = _month_start(day, -1)
    utc = zoneinfo.ZoneInfo("UTC")
    return datetime.combine(day, time.min, tzinfo=utc), datetime.combine(nxt, time.min, tzinfo=utc)


def report_rows(month: str):
    """Per-mentor totals for a calendar month (UTC), for `earnings_report`.

    One query over the ledger plus one over payouts processed in the month.
    """
    start, end = month_bounds(month)
    ledger = (
        LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("mentor_id", "mentor__username")
        .annotate(
            sessions=Count("session", distinct=True),
            entries=Count("id"),
            gross=_sum("gross"),
            fee=_sum("fee"),
            net=_sum("net"),
        )
        .order_by("mentor__username")
    )
    paid = dict(
        Payout.objects.filter(status="paid", processed_at__gte=start, processed_at__lt=end)
        .values("mentor_id")
        .annotate(total=_sum("amount"))
        .values_list("mentor_id", "total")
    )
    rows = []
    for row in money_rows(ledger):
        row["paid_out"] = cents(paid.pop(row["mentor_id"], ZERO))
        rows.append(row)
    if paid:  # paid in the month without earning in it
        from accounts.models import User

        names = dict(User.objects.filter(pk__in=paid).values_list("pk", "username"))
        for mentor_id, total in paid.items():
            rows.append(
                {
                    "mentor_id": mentor_id,
                    "mentor__username": names.get(mentor_id, ""),
                    "sessions": 0,
                    "entries": 0,
                    "gross": ZERO,
                    "fee": ZERO,
                    "net": ZERO,
                    "paid_out": cents(total),
                }
            )
        rows.sort(key=lambda row: row["mentor__username"])
    return rows
