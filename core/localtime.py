"""Weekday, hour and month of a UTC datetime column in a mentor's time zone, in SQL.

PostgreSQL converts time zones natively (Django's Extract/Trunc with tzinfo).
On SQLite Django does it with a Python function called for every row, which
dominates the cost with 100,000 bookings; there we shift the column by the
zone's UTC offset inside SQLite's own strftime(), choosing the offset with a
CASE over the zone's transitions (DST changes) in the window, computed here.
Values come back in different types per backend: `weekday()`, `hour()` and
`month()` normalise them.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Case, CharField, FloatField, Func, Q, Value, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth

# Rows before this instant take the offset the zone had then (no data is older).
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _native() -> bool:
    return connection.vendor != "sqlite"


def _offset(tz: ZoneInfo, moment: dt.datetime) -> int:
    return int(moment.astimezone(tz).utcoffset().total_seconds())


@lru_cache(maxsize=256)
def transitions(tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> tuple:
    """((first UTC instant of a new offset, offset seconds), …) in (start, end]; start's offset first."""
    segments = [(start, _offset(tz, start))]
    step = dt.timedelta(days=7)  # zones never change offset twice in a week
    t = start
    while t < end:
        nxt = min(t + step, end)
        if _offset(tz, nxt) != segments[-1][1]:
            lo, hi = t, nxt  # bisect to the second
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if _offset(tz, mid) == segments[-1][1]:
                    lo = mid
                else:
                    hi = mid
            hi = hi.replace(microsecond=0)
            segments.append((hi, _offset(tz, hi)))
        t = nxt
    return tuple(segments)


class _Strftime(Func):
    function = "strftime"
    output_field = CharField()

    def __init__(self, fmt: str, expression, modifier, **extra):
        super().__init__(expression, modifier, **extra)
        self.fmt = fmt

    def as_sql(self, compiler, connection, **extra_context):
        # Format goes into the SQL text: Django's SQLite cursor turns %% back into %.
        fmt = self.fmt.replace("%", "%%%%")
        return super().as_sql(
            compiler, connection, template=f"strftime('{fmt}', %(expressions)s)", **extra_context
        )


def _hour_floor(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _segments(tz: ZoneInfo, since, until: dt.datetime) -> tuple:
    start = _hour_floor(max(since or EARLIEST, EARLIEST))
    return transitions(tz, start, _hour_floor(until + dt.timedelta(days=1)))


def _modifier(field: str, segments: tuple):
    if len(segments) == 1:
        return Value(f"{segments[0][1]:+d} seconds")
    # Newest segment first: most rows are recent, so the CASE usually stops at once.
    whens = [
        When(**{f"{field}__gte": boundary}, then=Value(f"{offset:+d} seconds"))
        for boundary, offset in reversed(segments[1:])
    ]
    return Case(*whens, default=Value(f"{segments[0][1]:+d} seconds"), output_field=CharField())


class LocalTime:
    """Builds the expressions for one field, zone and window.

    `spans` ((lo, hi), oldest first, None = the window's end) restricts the rows
    to those instants: the SQL then spells out only the offset changes inside
    them (rows elsewhere in the window would get a wrong offset).
    """

    def __init__(self, tz: ZoneInfo, since: dt.datetime | None, until: dt.datetime, spans=None):
        self.tz, self.since, self.until, self.spans = tz, since, until, spans

    @cached_property
    def segments(self) -> tuple:
        """((first UTC instant, offset seconds), …): the offsets the SQL spells out."""
        if self.spans is None:
            return _segments(self.tz, self.since, self.until)
        # Each span's first entry (the offset at its start) is a boundary too; an
        # empty span (lo > hi) still gives its start's offset as the default.
        return tuple(
            seg
            for lo, hi in self.spans
            for seg in _segments(self.tz, lo or self.since, hi or self.until)
        )

    def restricted(self, spans) -> LocalTime:
        """The same window, for rows in `spans` only."""
        return LocalTime(self.tz, self.since, self.until, spans)

    def weekday_expr(self, field: str):
        if _native():
            return ExtractIsoWeekDay(field, tzinfo=self.tz)
        return _Strftime("%w", field, _modifier(field, self.segments))

    def hour_expr(self, field: str):
        if _native():
            return ExtractHour(field, tzinfo=self.tz)
        return _Strftime("%H", field, _modifier(field, self.segments))

    def month_expr(self, field: str):
        if _native():
            return TruncMonth(field, tzinfo=self.tz)
        return _Strftime("%Y-%m", field, _modifier(field, self.segments))

    @staticmethod
    def weekend_q(alias: str) -> Q:
        """Saturday or Sunday, for an alias annotated with weekday_expr()."""
        if _native():
            return Q(**{f"{alias}__gte": 6})
        return Q(**{f"{alias}__in": ["0", "6"]})

    # --- normalising the values ---
    @staticmethod
    def weekday(value) -> int:
        """0 = Monday … 6 = Sunday."""
        if isinstance(value, str):  # SQLite %w: 0 = Sunday
            return (int(value) + 6) % 7
        return int(value) - 1  # ISO: 1 = Monday

    @staticmethod
    def hour(value) -> int:
        return int(value)

    def month(self, value) -> dt.date:
        if isinstance(value, str):
            year, month = value.split("-")
            return dt.date(int(year), int(month), 1)
        local = value.astimezone(self.tz) if value.tzinfo else value
        return dt.date(local.year, local.month, 1)


class SecondsBetween(Func):
    """`end − start` in seconds as a float, in SQL.

    Django's DurationField arithmetic calls a Python function per row on SQLite;
    julianday() arithmetic stays inside SQLite. PostgreSQL uses EXTRACT(EPOCH).
    """

    output_field = FloatField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
