"""The rules of a request's fields, owned by the services, shown by everyone.

Each `check_*` returns the normalised value or raises DomainError (field=...)
with a message from messages.py; the services call them before any write,
forms and serializers call them to show the same words next to the input.
Date bounds come from core.timebounds; the session's own rules (duration cap,
overlap) from sessions_app.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from core.errors import DomainError
from core.timebounds import INVALID_DATETIME_MESSAGE, check_datetime, check_schedulable
from sessions_app.rules import MAX_DURATION_MINUTES

from . import messages as msg

MAX_PENDING_PER_MENTOR = 3
MAX_PREFERRED_TIMES = 5
MIN_DURATION, MAX_DURATION = 15, MAX_DURATION_MINUTES
TOPIC_MAX, MESSAGE_MAX, REASON_MAX = 200, 2000, 500
PREFERRED_WINDOW = timedelta(days=366)  # preferred times lie within the next year


def aware_utc(value, field: str) -> datetime:
    """`value` in UTC to the minute; naive values are read in the current zone."""
    if not isinstance(value, datetime):
        raise DomainError(INVALID_DATETIME_MESSAGE, field=field)
    check_datetime(value, field=field)  # in range: the conversion to UTC can't overflow
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value.astimezone(UTC).replace(second=0, microsecond=0)


def check_preferred_time(value, now: datetime) -> datetime:
    """One preferred start time: in the future, within the next year."""
    when = aware_utc(value, "preferred_times")
    if when <= now:
        raise DomainError(msg.TIME_PASSED, field="preferred_times")
    if when > now + PREFERRED_WINDOW:
        raise DomainError(msg.TIME_BEYOND_A_YEAR, field="preferred_times")
    return when


def check_preferred_times(times: Iterable, now: datetime) -> list[datetime]:
    """1–5 preferred times, each valid; distinct and sorted (repeats are merged)."""
    times = list(times or [])
    if not times:
        raise DomainError(msg.TIMES_REQUIRED, field="preferred_times")
    if len(times) > MAX_PREFERRED_TIMES:
        raise DomainError(msg.too_many_times(MAX_PREFERRED_TIMES), field="preferred_times")
    return sorted({check_preferred_time(t, now) for t in times})


def check_text(value, field: str, limit: int, *, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(msg.too_long(label, limit), field=field)
    return value


def check_topic(value) -> str:
    if not (value or "").strip():
        raise DomainError(msg.TOPIC_REQUIRED, field="topic")
    return check_text(value, "topic", TOPIC_MAX, label="topic")


def check_message(value) -> str:
    return check_text(value, "message", MESSAGE_MAX, label="message")


def check_reason(value) -> str:
    return check_text(value, "reason", REASON_MAX, label="reason")


def check_duration(value, mentor=None) -> int:
    """Whole minutes from 15 to 8 hours; none given: the mentor's default (or 60)."""
    if value in (None, ""):
        profile = getattr(mentor, "mentor_profile", None)
        value = profile.default_duration_minutes if profile else 60
    try:
        duration = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(msg.DURATION_NOT_WHOLE, field="duration_minutes") from exc
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise DomainError(msg.duration_range(MIN_DURATION, MAX_DURATION), field="duration_minutes")
    return duration


def check_accept_time(value, now: datetime | None = None) -> datetime:
    """The time a mentor accepts at: in range, in the future, at most 2 years ahead."""
    when = aware_utc(value, "scheduled_at")
    return check_schedulable(
        when, field="scheduled_at", now=now, past_message=msg.ACCEPT_TIME_PASSED
    )
