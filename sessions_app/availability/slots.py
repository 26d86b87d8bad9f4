"""Free start times of a mentor (issue #20 point 2).

`free_slots()` is pure (no database, no clock): the rules, testable alone.
`mentor_slots()` loads what it needs in a constant number of queries (the
availability row, the weekly hours, the overrides of the range, the blocking
sessions of the range) and calls it.

Local time. Weekly hours and overrides are wall-clock times in the mentor's zone,
so a 09:00 slot is 09:00 local on both sides of a DST change. Candidate starts are
laid on the wall clock from each range's start, one every `duration` minutes; a
slot is kept when its real end (start + duration, in elapsed time) is not after
the range's end, so a day of 23 or 25 hours has as many slots as fit in its
real length. A wall time that doesn't exist (the spring-forward gap, e.g. 02:30 in
Berlin on the last Sunday of March) is skipped; an ambiguous one (fall-back,
01:30 twice in New York) is taken once, at its first occurrence (fold=0, the
summer-time offset).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils import timezone

from ..models import Session
from ..rules import MAX_DURATION_MINUTES
from .models import Availability, AvailabilityOverride, WeeklyHours

Range = tuple[int, int]  # minutes after local midnight: [start, end)
BLOCKING = (Session.Status.SCHEDULED, Session.Status.LIVE)


@dataclass(frozen=True)
class Limits:
    """A mentor's booking settings, in minutes and days."""

    buffer_minutes: int = 0
    min_notice_minutes: int = 0
    max_days_ahead: int = 730


NO_LIMITS = Limits()


def wall_instant(day: date, minutes: int, tz: tzinfo) -> datetime:
    """Wall time `minutes` after local midnight of `day` (fold=0: the first occurrence)."""
    return (datetime.combine(day, time()) + timedelta(minutes=minutes)).replace(tzinfo=tz)


def exists(moment: datetime) -> bool:
    """False for a wall time inside a spring-forward gap (it doesn't round-trip)."""
    tz = moment.tzinfo
    return moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == moment.replace(tzinfo=None)


def day_start(day: date, tz: tzinfo) -> datetime:
    """The instant (UTC) the local `day` begins."""
    return wall_instant(day, 0, tz).astimezone(UTC)


class Busy:
    """Busy intervals (already widened), merged, for "does [start, end) overlap any?"."""

    def __init__(self, intervals: Iterable[tuple[datetime, datetime]]):
        merged: list[list[datetime]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        index = bisect_left(self.starts, end) - 1  # the last interval starting before `end`
        return index >= 0 and self.ends[index] > start


def _ranges_of(day: date, weekly: Mapping[int, Sequence[Range]], overrides) -> Sequence[Range]:
    """A date's hours: its overrides when it has any (none = a day off), else its weekday's."""
    if day in overrides:
        return overrides[day]
    return weekly.get(day.weekday(), ())


def _starts_in(day: date, span: Range, duration: int, tz: tzinfo):
    """Aware starts laid on the wall clock inside `span` whose real end fits in it."""
    start, end = span
    limit = wall_instant(day, end, tz).astimezone(UTC)
    for minutes in range(start, end - duration + 1, duration):
        moment = wall_instant(day, minutes, tz)
        if not exists(moment):
            continue
        if moment.astimezone(UTC) + timedelta(minutes=duration) <= limit:
            yield moment


def free_slots(
    *,
    tz: tzinfo,
    weekly: Mapping[int, Sequence[Range]],
    overrides: Mapping[date, Sequence[Range]],
    busy: Iterable[tuple[datetime, datetime]],
    duration: int,
    first: date,
    last: date,
    now: datetime,
    limits: Limits = NO_LIMITS,
) -> list[datetime]:
    """Free start times (aware, in `tz`) from local day `first` to `last` inclusive.

    `busy`: the mentor's blocking sessions as (start, end); each is widened here
    by the buffer on both sides. A start must be after now + minimum notice and
    no later than now + the booking window.
    """
    pad = timedelta(minutes=limits.buffer_minutes)
    blocked = Busy((start - pad, end + pad) for start, end in busy)
    earliest = now + timedelta(minutes=limits.min_notice_minutes)
    latest = now + timedelta(days=limits.max_days_ahead)
    length = timedelta(minutes=duration)
    found: dict[datetime, datetime] = {}  # by instant: ranges stored overlapping (admin) count once
    day = first
    while day <= last:
        for span in sorted(_ranges_of(day, weekly, overrides)):
            for moment in _starts_in(day, span, duration, tz):
                instant = moment.astimezone(UTC)
                if instant <= now or instant < earliest or instant > latest:
                    continue
                if not blocked.overlaps(instant, instant + length):
                    found.setdefault(instant, moment)
        day += timedelta(days=1)
    return [found[instant] for instant in sorted(found)]


# --- Loading -------------------------------------------------------------------------------


def _busy_sessions(
    mentor, start: datetime, end: datetime, exclude: int | None = None
) -> list[tuple[datetime, datetime]]:
    """Scheduled or live sessions of `mentor` (public or private) overlapping [start, end),
    but `exclude` (a session being moved doesn't block its own new time)."""
    rows = (
        Session.objects.exclude(pk=exclude)
        .filter(
            mentor=mentor,
            status__in=BLOCKING,
            starts_at__lt=end,
            starts_at__gt=start - timedelta(minutes=MAX_DURATION_MINUTES),
        )
        .values_list("starts_at", "duration_minutes")
    )
    spans = [(at, at + timedelta(minutes=minutes)) for at, minutes in rows]
    return [(s, e) for s, e in spans if e > start]


def _weekly(availability) -> dict[int, list[Range]]:
    weekly: dict[int, list[Range]] = {}
    rows = WeeklyHours.objects.filter(availability=availability).values_list(
        "weekday", "start_minute", "end_minute"
    )
    for weekday, start, end in rows:
        weekly.setdefault(weekday, []).append((start, end))
    return weekly


def _overrides(availability, first: date, last: date) -> dict[date, list[Range]]:
    overrides: dict[date, list[Range]] = {}
    rows = AvailabilityOverride.objects.filter(
        availability=availability, date__gte=first, date__lte=last
    ).values_list("date", "available", "start_minute", "end_minute")
    for day, available, start, end in rows:
        ranges = overrides.setdefault(day, [])
        if available:
            ranges.append((start, end))
    return overrides


def mentor_slots(
    mentor,
    *,
    duration: int,
    first: date,
    last: date,
    now=None,
    sessions: bool = True,
    exclude: int | None = None,
) -> list[datetime]:
    """`free_slots()` for `mentor` (4 queries, whatever the number of sessions).

    `sessions=False` leaves the mentor's sessions out: the times offered at all;
    `exclude` leaves out one session (the one being rescheduled).
    """
    availability = Availability.objects.filter(mentor=mentor).first()
    if availability is None:
        return []
    tz = mentor.tzinfo
    pad = timedelta(minutes=availability.buffer_minutes)
    start = day_start(first, tz) - pad
    end = day_start(last + timedelta(days=1), tz) + pad
    return free_slots(
        tz=tz,
        weekly=_weekly(availability),
        overrides=_overrides(availability, first, last),
        busy=_busy_sessions(mentor, start, end, exclude) if sessions else [],
        duration=duration,
        first=first,
        last=last,
        now=now or timezone.now(),
        limits=Limits(
            availability.buffer_minutes,
            availability.min_notice_minutes,
            availability.max_days_ahead,
        ),
    )


FREE, TAKEN, NOT_OFFERED = "free", "taken", "not offered"


def slot_state(
    mentor, starts_at: datetime, duration: int, *, now=None, exclude: int | None = None
) -> str:
    """FREE: one of the mentor's free starts for `duration`; TAKEN: offered by the
    hours, notice and window but blocked by a session (or its buffer); else NOT_OFFERED."""
    day = starts_at.astimezone(mentor.tzinfo).date()
    for sessions, state in ((True, FREE), (False, TAKEN)):
        found = mentor_slots(
            mentor,
            duration=duration,
            first=day,
            last=day,
            now=now,
            sessions=sessions,
            exclude=exclude,
        )
        if any(moment == starts_at for moment in found):
            return state
    return NOT_OFFERED


OUTSIDE_HOURS = "outside hours"


def _inside_hours(moment: datetime, duration: int, tz, weekly, overrides) -> bool:
    """True when [moment, moment + duration) lies inside one range of its local day."""
    local = moment.astimezone(tz)
    day = local.date()
    start = local.hour * 60 + local.minute
    end = moment.astimezone(UTC) + timedelta(minutes=duration)
    for span_start, span_end in _ranges_of(day, weekly, overrides):
        limit = wall_instant(day, span_end, tz).astimezone(UTC)
        if span_start <= start and end <= limit:
            return True
    return False


def time_states(mentor, times: Sequence[datetime], duration: int) -> dict[datetime, str] | None:
    """Each of `times` (any minute, e.g. a learner's preferred times) as FREE (inside the
    mentor's hours and clear of every blocking session and its buffer), TAKEN (inside the
    hours but blocked) or OUTSIDE_HOURS; None when the mentor has no availability at all.
    Notice and window are the learner's limits, not the mentor's, so they don't count.
    Four queries whatever the number of times."""
    availability = Availability.objects.filter(mentor=mentor).first()
    if availability is None or not times:
        return None
    weekly = _weekly(availability)
    if not weekly:
        return None
    tz = mentor.tzinfo
    days = [t.astimezone(tz).date() for t in times]
    first, last = min(days), max(days)
    pad = timedelta(minutes=availability.buffer_minutes)
    overrides = _overrides(availability, first, last)
    busy = _busy_sessions(
        mentor, day_start(first, tz) - pad, day_start(last + timedelta(days=2), tz) + pad
    )
    blocked = Busy((start - pad, end + pad) for start, end in busy)
    length = timedelta(minutes=duration)
    states = {}
    for moment in times:
        if not _inside_hours(moment, duration, tz, weekly, overrides):
            states[moment] = OUTSIDE_HOURS
        elif blocked.overlaps(moment, moment + length):
            states[moment] = TAKEN
        else:
            states[moment] = FREE
    return states
