"""Read-only figures for the Analytics tab, the API and `analytics_report`.

Every figure is an aggregate computed by the database (`aggregate`,
`annotate`, `Trunc*`, `Extract*` in the mentor's time zone).
`mentor_analytics()` runs a fixed number of queries whatever the data size
(at most QUERY_BUDGET once the rollups are built); only the rollups (rollups.py) write,
and the answer times (responses.py) follow the requests' writes. `analytics()` is the same,
cached until the mentor's data changes (core/cache.py; the apps whose rows
feed the figures watch their models).

The period is a window [now - N days, now] applied to:
sessions and bookings by the session's start, requests by their creation,
ledger entries by their creation, reviews by their creation.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    F,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from analytics.models import ResponseTime
from core import cache
from core.errors import DomainError
from core.localtime import LocalTime, SecondsBetween
from earnings.models import LedgerEntry
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Review, Session

PERIODS: dict[str, tuple[str, int | None]] = {
    "30d": ("Last 30 days", 30),
    "90d": ("Last 90 days", 90),
    "365d": ("12 months", 365),
    "all": ("All time", None),
}
DEFAULT_PERIOD = "90d"
QUERY_BUDGET = 15  # "all", cold: 1 first instant; 4 rollup reads; 5 collectors; 5 others
# Declined/expired requests keep their preferred times in a JSON list; we read
# the newest ones only, so memory stays bounded however many there are.
UNMET_REQUEST_LIMIT = 1000
MAX_MONTHS_SHOWN = 24
LATEST_REVIEWS = 5
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYPARTS = [("Night", 0, 6), ("Morning", 6, 12), ("Afternoon", 12, 18), ("Evening", 18, 24)]


def parse_period(value: str | None) -> str:
    """The period key, the default when empty; DomainError (400) when unknown."""
    if value in (None, ""):
        return DEFAULT_PERIOD
    if value not in PERIODS:
        raise DomainError(
            "Unknown period; choose one of " + ", ".join(PERIODS) + ".", field="period"
        )
    return value


def _ratio(part: int | float, whole: int | float) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Analytics:
    period: str
    since: dt.datetime | None
    until: dt.datetime
    tz: ZoneInfo
    currency: str = settings.PLATFORM_CURRENCY
    total_students: int = 0
    repeat_learners: int = 0
    attended: int = 0
    no_shows: int = 0
    session_count: int = 0
    minutes_taught: int = 0
    average_rating: float | None = None
    rating_count: int = 0
    rating_distribution: dict[int, int] = field(default_factory=dict)
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    median_response_minutes: float | None = None
    earnings: Decimal = Decimal("0.00")
    # [{"month": date, "sessions": int, "minutes": int, "net": Decimal}]
    monthly: list[dict] = field(default_factory=list)
    months_truncated: bool = False
    # {(weekday 0=Monday, hour): bookings}
    popular: dict[tuple[int, int], int] = field(default_factory=dict)
    # {(weekday, hour): completed sessions}
    held: dict[tuple[int, int], int] = field(default_factory=dict)
    # {(weekday, hour): preferred times of declined/expired requests}
    unmet: dict[tuple[int, int], int] = field(default_factory=dict)
    # [{"quarter": date, "average": float, "count": int}] previous + current quarter
    quarters: list[dict] = field(default_factory=list)
    fill_hours: dict[str, dict] = field(default_factory=dict)  # weekend/weekday → avg, count
    latest_reviews: list[Review] = field(default_factory=list)

    # --- derived figures (no queries) ---
    @property
    def period_label(self) -> str:
        return PERIODS[self.period][0]

    @property
    def hours_taught(self) -> float:
        return round(self.minutes_taught / 60, 1)

    @property
    def repeat_learner_rate(self) -> float | None:
        return _ratio(self.repeat_learners, self.total_students)

    @property
    def attendance_rate(self) -> float | None:
        return _ratio(self.attended, self.attended + self.no_shows)

    @property
    def answered(self) -> int:
        return self.accepted + self.declined + self.expired

    @property
    def acceptance_rate(self) -> float | None:
        return _ratio(self.accepted, self.answered)

    @property
    def popular_times(self) -> list[dict]:
        """Busiest first, then by weekday and hour."""
        rows = [{"weekday": w, "hour": h, "count": n} for (w, h), n in self.popular.items()]
        return sorted(rows, key=lambda r: (-r["count"], r["weekday"], r["hour"]))

    @property
    def is_empty(self) -> bool:
        return not (
            self.session_count
            or self.attended
            or self.no_shows
            or self.rating_count
            or self.answered
            or self.earnings
            or self.popular
        )

    def as_dict(self) -> dict:
        """The API / report payload (CONTRACT.md fields first)."""
        return {
            "total_students": self.total_students,
            "session_count": self.session_count,
            "hours_taught": self.hours_taught,
            "average_rating": self.average_rating,
            "rating_count": self.rating_count,
            "repeat_learner_rate": self.repeat_learner_rate,
            "attendance_rate": self.attendance_rate,
            "acceptance_rate": self.acceptance_rate,
            "median_response_minutes": self.median_response_minutes,
            "earnings": f"{self.earnings:.2f}",
            "popular_times": self.popular_times,
            "period": self.period,
            "since": self.since.astimezone(self.tz).isoformat() if self.since else None,
            "until": self.until.astimezone(self.tz).isoformat(),
            "timezone": str(self.tz),
            "currency": self.currency,
            "rating_distribution": {str(k): v for k, v in self.rating_distribution.items()},
            "monthly": [
                {
                    "month": m["month"].strftime("%Y-%m"),
                    "sessions": m["sessions"],
                    "hours": round(m["minutes"] / 60, 1),
                    "earnings": f"{m['net']:.2f}",
                }
                for m in self.monthly
            ],
        }


def _window_q(field_name: str, since: dt.datetime | None, until: dt.datetime) -> Q:
    q = Q(**{f"{field_name}__lte": until})
    if since is not None:
        q &= Q(**{f"{field_name}__gte": since})
    return q


def _month_start(value: dt.datetime, tz: ZoneInfo) -> dt.date:
    local = value.astimezone(tz)
    return dt.date(local.year, local.month, 1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def ranges_q(field_name: str, ranges) -> Q:
    """`field_name` in any of `ranges` ((lo, hi), inclusive, None = open)."""
    q = Q(pk__in=[])
    for lo, hi in ranges:
        part = Q()
        if lo is not None:
            part &= Q(**{f"{field_name}__gte": lo})
        if hi is not None:
            part &= Q(**{f"{field_name}__lte": hi})
        q |= part
    return q


def _first_activity(mentor) -> dt.datetime | None:
    """The oldest instant an additive figure can come from: the first session's
    start, ledger entry or review (one query, three indexed minimums)."""

    def oldest(model, field_name):
        return Subquery(
            model.objects.filter(mentor=OuterRef("pk")).order_by(field_name).values(field_name)[:1]
        )

    firsts = (
        get_user_model()
        ._base_manager.filter(pk=mentor.pk)
        .annotate(
            s=oldest(Session, "starts_at"),
            l=oldest(LedgerEntry, "created_at"),
            r=oldest(Review, "created_at"),
        )
        .values_list("s", "l", "r")
        .first()
    ) or ()
    return min((f for f in firsts if f is not None), default=None)


# Every session status: a filter on them (a tautology) lets the session index
# (mentor, status, starts_at) seek a range of starts instead of reading every session.
SESSION_STATUSES = list(Session.Status.values)
NOT_CANCELLED = [s for s in SESSION_STATUSES if s != Session.Status.CANCELLED]


def _quarter_start(local: dt.datetime) -> dt.datetime:
    month = 3 * ((local.month - 1) // 3) + 1
    return local.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass
class _Window:
    """What every part reads: the mentor, the period in UTC and local-time SQL helpers.

    `ranges` ((lo, hi) with either end None = open, both inclusive) restricts the
    additive parts to the instants the rollups do not cover; None = the period.
    """

    mentor: object
    since: dt.datetime | None
    until: dt.datetime
    tz: ZoneInfo
    local: LocalTime
    ranges: list[tuple[dt.datetime | None, dt.datetime | None]] | None = None
    derived: bool = False  # read the tables analytics keeps (ResponseTime), not the rows
    # The period's figures per local month (rollups + rows), once collected.
    months: dict | None = None

    def q(self, field_name: str) -> Q:
        return _window_q(field_name, self.since, self.until)

    def rq(self, field_name: str) -> Q:
        """The additive parts' filter: the period, or only `ranges` of it."""
        if self.ranges is None:
            return self.q(field_name)
        return ranges_q(field_name, self.ranges)

    @property
    def bookings(self):
        return Booking.objects.filter(self.q("session__starts_at"), session__mentor=self.mentor)

    @property
    def requests(self):
        return SessionRequest.objects.filter(self.q("created_at"), mentor=self.mentor).order_by()


def analytics(mentor, period: str = DEFAULT_PERIOD) -> Analytics:
    """`mentor_analytics()`, cached until the mentor's data changes (or the minute turns)."""
    period = parse_period(period)
    return cache.cached(mentor, "analytics", lambda: mentor_analytics(mentor, period), period)


def mentor_analytics(
    mentor, period: str = DEFAULT_PERIOD, *, now=None, use_rollups: bool | None = None
) -> Analytics:
    """All figures of `mentor` for `period`, in the mentor's time zone.

    The additive figures of the calendar months wholly inside the period come
    from the monthly rollups (analytics/rollups.py, built on first use); the
    rest of the period is read from the rows; the median answer time from
    `ResponseTime` (responses.py). `use_rollups=False` reads it all from the
    rows (the reference the tests compare against); None follows
    settings.ANALYTICS_ROLLUPS.
    """
    from analytics import rollups  # the rollups build with the raw collectors below

    period = parse_period(period)
    tz = mentor.tzinfo
    until = now or timezone.now()
    days = PERIODS[period][1]
    since = until - dt.timedelta(days=days) if days else None
    result = Analytics(period=period, since=since, until=until, tz=tz)
    # The zone's offset changes are spelled out in SQL from the window's start:
    # for "all time" start at the mentor's first data, not at LocalTime's floor
    # (decades of DST transitions make every query long to compile).
    first = since or _first_activity(mentor)
    window = _Window(mentor, since, until, tz, LocalTime(tz, first, until))
    months: dict[dt.date, MonthFigures] = {}
    stored = MonthFigures()
    if use_rollups is None:
        use_rollups = settings.ANALYTICS_ROLLUPS
    window.derived = use_rollups
    if use_rollups and first is not None:
        full = rollups.full_months(tz, since, until, first)
        if full:
            months, stored, window.ranges = rollups.read(mentor, tz, full, since, until)
            # The SQL spells out the zone's offset changes inside the raw ranges only.
            window.local = window.local.restricted(window.ranges)
    for month, figures in collect(window).items():
        months.setdefault(month, MonthFigures()).add(figures)
    _finish(window, result, months, stored)
    if use_rollups:
        window.months = months
    for part in PARTS:
        part(window, result)
    return result


@dataclass
class MonthFigures:
    """The additive figures of one local month (or of several, once added up)."""

    sessions: int = 0
    minutes: int = 0
    net: Decimal = Decimal("0")
    ratings: dict[int, int] = field(default_factory=dict)
    popular: dict[tuple[int, int], int] = field(default_factory=dict)
    held: dict[tuple[int, int], int] = field(default_factory=dict)
    # "weekend"/"weekday" → [seconds from publication to booking, bookings]
    fill: dict[str, list] = field(default_factory=dict)
    # learner id → [attended, no-shows]
    learners: dict[int, list[int]] = field(default_factory=dict)
    # Learners not in `learners`, already counted: [students, repeaters, attended, no-shows]
    learner_base: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add(self, other: MonthFigures) -> None:
        self.sessions += other.sessions
        self.minutes += other.minutes
        self.net += other.net
        self.learner_base = [
            a + b for a, b in zip(self.learner_base, other.learner_base, strict=True)
        ]
        for mine, theirs in (
            (self.ratings, other.ratings),
            (self.popular, other.popular),
            (self.held, other.held),
        ):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
        for mine, theirs in ((self.fill, other.fill), (self.learners, other.learners)):
            for key, pair in theirs.items():
                acc = mine.setdefault(key, [0, 0])
                acc[0] += pair[0]
                acc[1] += pair[1]


def collect(w: _Window) -> dict[dt.date, MonthFigures]:
    """The additive figures of `w.rq()` from the rows, per local month (5 queries)."""
    months: dict[dt.date, MonthFigures] = {}

    def month(value) -> MonthFigures:
        return months.setdefault(w.local.month(value), MonthFigures())

    for collector in COLLECTORS:
        collector(w, month)
    return months


def _collect_learners(w: _Window, month) -> None:
    """Attended and no-show bookings per learner (by the session's start)."""
    attended_q = Q(status=Booking.Status.ATTENDED)
    for row in (
        Booking.objects.filter(
            w.rq("session__starts_at"),
            session__mentor=w.mentor,
            session__status__in=SESSION_STATUSES,
        )
        .filter(status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW])
        .order_by()
        .annotate(month=w.local.month_expr("session__starts_at"))
        .values("month", "learner")
        .annotate(att=Count("id", filter=attended_q), ns=Count("id", filter=~attended_q))
    ):
        month(row["month"]).learners[row["learner"]] = [row["att"], row["ns"]]


def _collect_ledger(w: _Window, month) -> None:
    """Net earnings (by the entry's creation)."""
    for row in (
        LedgerEntry.objects.filter(w.rq("created_at"), mentor=w.mentor)
        .order_by()
        .annotate(month=w.local.month_expr("created_at"))
        .values("month")
        .annotate(net=Sum("net"))
    ):
        month(row["month"]).net += row["net"] or Decimal("0")


def _collect_ratings(w: _Window, month) -> None:
    """Reviews per rating (by the review's creation)."""
    for row in (
        Review.objects.filter(w.rq("created_at"), mentor=w.mentor)
        .order_by()
        .annotate(month=w.local.month_expr("created_at"))
        .values("month", "rating")
        .annotate(n=Count("id"))
    ):
        ratings = month(row["month"]).ratings
        ratings[row["rating"]] = ratings.get(row["rating"], 0) + row["n"]


def _collect_times(w: _Window, month) -> None:
    """Bookings (not cancelled) and held sessions by local weekday × hour; sessions
    held and minutes taught per month (the sums of the same groups).

    Bookings are counted per session by an indexed subquery, so the time-zone
    arithmetic runs once per session, not once per booking.
    """
    held_q = Q(status=Session.Status.COMPLETED)
    active_bookings = (
        Booking.objects.filter(session=OuterRef("pk"))
        .exclude(status=Booking.Status.CANCELLED)
        .order_by()
        .values("session")
        .annotate(c=Count("id"))
        .values("c")
    )
    for row in (
        Session.objects.filter(w.rq("starts_at"), mentor=w.mentor, status__in=NOT_CANCELLED)
        .order_by()
        .annotate(
            booked=Coalesce(Subquery(active_bookings), 0),
            month=w.local.month_expr("starts_at"),
            wd=w.local.weekday_expr("starts_at"),
            hr=w.local.hour_expr("starts_at"),
        )
        .values("month", "wd", "hr")
        .annotate(
            n=Sum("booked"),
            held=Count("id", filter=held_q),
            minutes=Sum("duration_minutes", filter=held_q),
        )
    ):
        figures = month(row["month"])
        figures.sessions += row["held"]
        figures.minutes += row["minutes"] or 0
        slot = (w.local.weekday(row["wd"]), w.local.hour(row["hr"]))
        if row["n"]:
            figures.popular[slot] = figures.popular.get(slot, 0) + row["n"]
        if row["held"]:
            figures.held[slot] = figures.held.get(slot, 0) + row["held"]


def _collect_fill(w: _Window, month) -> None:
    """Seconds from publication to each booking made before the start, weekend vs weekday."""
    for row in (
        Booking.objects.filter(
            w.rq("session__starts_at"),
            session__mentor=w.mentor,
            session__status__in=SESSION_STATUSES,
        )
        .exclude(status=Booking.Status.CANCELLED)
        .filter(
            session__published_at__isnull=False,
            created_at__gte=F("session__published_at"),
            created_at__lte=F("session__starts_at"),
        )
        .order_by()
        .annotate(
            month=w.local.month_expr("session__starts_at"),
            wd=w.local.weekday_expr("session__starts_at"),
            lead=SecondsBetween("created_at", "session__published_at"),
        )
        .values("month", "wd")
        .annotate(seconds=Sum("lead"), n=Count("id"))
    ):
        kind = "weekend" if w.local.weekday(row["wd"]) >= 5 else "weekday"
        acc = month(row["month"]).fill.setdefault(kind, [0.0, 0])
        acc[0] += row["seconds"] or 0.0
        acc[1] += row["n"]


COLLECTORS = (
    _collect_learners,
    _collect_ledger,
    _collect_ratings,
    _collect_times,
    _collect_fill,
)


def _finish(w: _Window, result: Analytics, months: dict, stored: MonthFigures) -> None:
    """The period's additive figures from its months' figures and the stored
    months' slots and learners, added up in SQL (no queries)."""
    total = MonthFigures()
    total.add(stored)
    for figures in months.values():
        total.add(figures)
    learners = total.learners.values()
    base = total.learner_base
    result.total_students = base[0] + sum(1 for att, _ in learners if att >= 1)
    result.repeat_learners = base[1] + sum(1 for att, _ in learners if att >= 2)
    result.attended = base[2] + sum(att for att, _ in learners)
    result.no_shows = base[3] + sum(ns for _, ns in learners)
    result.session_count, result.minutes_taught = total.sessions, total.minutes
    result.earnings = total.net.quantize(Decimal("0.01"))
    session_months = {
        m: {"sessions": f.sessions, "minutes": f.minutes} for m, f in months.items() if f.sessions
    }
    ledger_months = {m: f.net for m, f in months.items() if f.net}
    result.monthly, result.months_truncated = _month_series(
        w.since, w.until, w.tz, session_months, ledger_months
    )
    count = sum(total.ratings.values())
    result.rating_count = count
    rated = sum(n * c for n, c in total.ratings.items())
    result.average_rating = round(rated / count, 2) if count else None
    result.rating_distribution = {n: total.ratings.get(n, 0) for n in range(5, 0, -1)}
    result.popular, result.held = total.popular, total.held
    result.fill_hours = {
        kind: {
            "hours": _hours(seconds / n) if (n := total.fill.get(kind, [0, 0])[1]) else None,
            "count": n,
        }
        for kind in ("weekend", "weekday")
        for seconds in [total.fill.get(kind, [0.0, 0])[0]]
    }


def _requests(w: _Window, result: Analytics) -> None:
    """Requests answered by status, and the median time the mentor took to answer."""
    S = SessionRequest.Status
    responded_q = Q(status__in=[S.ACCEPTED, S.DECLINED], answered_at__isnull=False)
    counts = {
        "accepted": Count("id", filter=Q(status=S.ACCEPTED)),
        "declined": Count("id", filter=Q(status=S.DECLINED)),
        "expired": Count("id", filter=Q(status=S.EXPIRED)),
    }
    if w.derived:  # the answer times kept by the writes (analytics/responses.py)
        # Only the statuses counted: the index (mentor, status, created_at) skips the rest.
        qagg = w.requests.filter(status__in=[S.ACCEPTED, S.DECLINED, S.EXPIRED]).aggregate(**counts)
        answered = ResponseTime.objects.filter(w.q("created_at"), mentor_id=w.mentor.pk)
        durations, count = answered.order_by("seconds").values_list("seconds", flat=True), None
    else:
        qagg = w.requests.aggregate(**counts, responded=Count("id", filter=responded_q))
        durations = (
            w.requests.filter(responded_q)
            .annotate(took=SecondsBetween("answered_at", "created_at"))
            .order_by("took")
            .values_list("took", flat=True)
        )
        count = qagg["responded"]
    result.accepted, result.declined, result.expired = (
        qagg["accepted"],
        qagg["declined"],
        qagg["expired"],
    )
    if count is None:
        count = answered.count()
    result.median_response_minutes = _median_response_minutes(durations, count)


def _unmet_times(w: _Window, result: Analytics) -> None:
    """Preferred times of requests declined or left to expire (newest, bounded)."""
    S = SessionRequest.Status
    newest = (
        w.requests.filter(status__in=[S.DECLINED, S.EXPIRED])
        .order_by("-created_at", "-pk")
        .values("pk")[:UNMET_REQUEST_LIMIT]
    )
    # The lists as one JSON text, decoded at once (not a JSON value per row).
    text = SessionRequest.objects.filter(pk__in=newest).aggregate(
        lists=StringAgg(Cast("preferred_times", TextField()), Value(","))
    )["lists"]
    result.unmet = _bucket_iso_times(json.loads(f"[{text}]") if text else [], w.tz)


def _quarter_ratings(w: _Window, result: Analytics) -> None:
    """Rating of the previous and the current quarter (independent of the period)."""
    this_quarter = _quarter_start(w.until.astimezone(w.tz))
    prev_quarter = _quarter_start(this_quarter - dt.timedelta(days=1))
    quarters = (("prev", prev_quarter), ("now", this_quarter))
    if w.months is not None and (w.since is None or w.since <= prev_quarter):
        # Both quarters lie inside the period: add up their months' ratings.
        rated = {}
        for key, start in quarters:
            first = start.date()
            last = _next_month(_next_month(_next_month(first)))
            ratings: dict[int, int] = {}
            for month, figures in w.months.items():
                if first <= month < last:
                    for n, c in figures.ratings.items():
                        ratings[n] = ratings.get(n, 0) + c
            count = sum(ratings.values())
            rated[f"{key}_n"] = count
            rated[f"{key}_avg"] = sum(n * c for n, c in ratings.items()) / count if count else None
    else:
        # Two known boundaries: filtered aggregates, no per-row time-zone function.
        current = Q(created_at__gte=this_quarter)
        rated = Review.objects.filter(
            mentor=w.mentor, created_at__gte=prev_quarter, created_at__lte=w.until
        ).aggregate(
            prev_avg=Avg("rating", filter=~current),
            prev_n=Count("id", filter=~current),
            now_avg=Avg("rating", filter=current),
            now_n=Count("id", filter=current),
        )
    result.quarters = [
        {"quarter": start.date(), "average": round(float(rated[f"{key}_avg"]), 2), "count": n}
        for key, start in quarters
        if (n := rated[f"{key}_n"])
    ]


def _latest_reviews(w: _Window, result: Analytics) -> None:
    """The newest reviews (read-only for the mentor)."""
    result.latest_reviews = list(
        Review.objects.filter(mentor=w.mentor)
        .select_related("learner", "session")
        .order_by("-created_at", "-id")[:LATEST_REVIEWS]
    )


# The figures that are not sums over months, each a fixed number of queries.
PARTS = (
    _requests,
    _unmet_times,
    _quarter_ratings,
    _latest_reviews,
)


def _hours(value) -> float | None:
    """A duration in seconds (SecondsBetween) in hours."""
    if value is None:
        return None
    return float(value) / 3600


def _median_response_minutes(durations, count: int) -> float | None:
    """Median of the answer times (`durations`: seconds, ordered) with one OFFSET query
    (run even for none: the view's query count does not depend on the data)."""
    lo, hi = (max(count, 1) - 1) // 2, count // 2
    picked = list(durations[lo : hi + 1])
    if not count or not picked:  # none, or rows changed between the two queries
        return None
    minutes = [_hours(d) * 60 for d in picked]
    return round(sum(minutes) / len(minutes), 1)


def _bucket_iso_times(lists, tz: ZoneInfo) -> dict[tuple[int, int], int]:
    buckets: dict[tuple[int, int], int] = {}
    for times in lists:
        for value in times if isinstance(times, list) else []:
            try:
                moment = dt.datetime.fromisoformat(str(value))
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            local = moment.astimezone(tz)
            key = (local.weekday(), local.hour)
            buckets[key] = buckets.get(key, 0) + 1
    return buckets


def _month_series(since, until, tz, session_months, ledger_months) -> tuple[list[dict], bool]:
    """One row per calendar month of the window (zeros included), newest 24 at most."""
    last = _month_start(until, tz)
    if since is not None:
        first = _month_start(since, tz)
    else:
        known = list(session_months) + list(ledger_months)
        first = min(known) if known else last
    months = []
    day = first
    while day <= last:
        months.append(day)
        day = _next_month(day)
    truncated = len(months) > MAX_MONTHS_SHOWN
    months = months[-MAX_MONTHS_SHOWN:]
    rows = []
    for month in months:
        srow = session_months.get(month, {})
        rows.append(
            {
                "month": month,
                "sessions": srow.get("sessions", 0),
                "minutes": srow.get("minutes") or 0,
                "net": ledger_months.get(month, Decimal("0")),
            }
        )
    return rows, truncated
